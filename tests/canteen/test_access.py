"""Who may do what in the canteen, role by role and endpoint by endpoint (SPEC §2: the canteen
operator runs menus, orders and serving; residents order for themselves and their family).

Everyone of the world (tests/conftest.py) knocks on every door: 焦家's admin, supervisor,
station staff, team leader, volunteer, resident (李建国's account, father 李德福), canteen
operator and caregiver, and the outsiders — 黄池's station staff and another institute's
supervisor. What lies outside someone's reach answers 404, like a missing row; what they see but
may not do, 403.
"""

from typing import Any

import pytest

from linli.accounts.models import Role
from linli.canteen.actions import order_place
from linli.canteen.models import MealOrder, OrderStatus
from tests.canteen.conftest import Caller

EVERYONE = [*Role.values, "outsider", "outside_supervisor"]


def user_of(world: Any, who: str) -> Any:
    if who == "outsider":
        return world.outsider
    if who == "outside_supervisor":
        return world.outside_supervisor
    return world.user(who)


def placed(
    canteen: Any, resident: Any, meal: str = "lunch", day: str = "today", **kw: Any
) -> MealOrder:
    return order_place(
        menu=canteen.menu(day, meal),
        resident=resident,
        mode=kw.pop("mode", "dine_in"),
        channel="phone",
        actor=None,
    )


READS_MENUS = {"admin", "supervisor", "station_staff", "resident", "canteen_operator"}


@pytest.mark.parametrize("who", EVERYONE)
def test_who_reads_jiaojias_menus(canteen, family, world, who):
    listed = Caller(user_of(world, who)).get("/api/v1/canteen/menus", station="JIAOJIA")
    assert listed.status_code == 200
    assert listed.json()["count"] == (6 if who in READS_MENUS else 0)
    if listed.json()["count"]:
        counts = {item["orders"] for item in listed.json()["items"]}
        # Order counts are for the canteen and its supervisors, not for residents.
        expected: set[int | None] = {None} if who == "resident" else {0}
        assert counts == expected


MENU_POSTERS = {"admin": 201, "station_staff": 201, "canteen_operator": 201, "outsider": 404}


@pytest.mark.parametrize("who", EVERYONE)
def test_who_publishes_a_menu(canteen, family, world, who):
    body = {
        "date": "2030-03-04",
        "meal": "lunch",
        "dishes": ["青菜豆腐"],
        "price": "11.50",
        "station": "JIAOJIA",
    }
    response = Caller(user_of(world, who)).post("/api/v1/canteen/menus", body)
    assert response.status_code == MENU_POSTERS.get(who, 403), (who, response.content)


# Ordering for 王秀梅, who is nobody's family here: only the canteen of her station may.
ORDER_FOR_WANG = {"admin": 201, "station_staff": 201, "canteen_operator": 201}


@pytest.mark.parametrize("who", EVERYONE)
def test_who_orders_for_someone_of_the_station(canteen, family, registry, world, who):
    body = {
        "resident": registry.wang.pk,
        "date": canteen.tomorrow["lunch"].date.isoformat(),
        "meal": "lunch",
    }
    response = Caller(user_of(world, who)).post("/api/v1/canteen/orders", body)
    assert response.status_code == ORDER_FOR_WANG.get(who, 404), (who, response.content)


@pytest.mark.parametrize("who", EVERYONE)
def test_who_orders_for_li_defu(canteen, family, world, who):
    """The resident account orders for its household's elder; a resident of nobody's family, not
    even the canteen's own resident role elsewhere, gets 404."""
    body = {
        "resident": family.father.pk,
        "date": canteen.tomorrow["lunch"].date.isoformat(),
        "meal": "lunch",
    }
    expected = {**ORDER_FOR_WANG, "resident": 201}
    response = Caller(user_of(world, who)).post("/api/v1/canteen/orders", body)
    assert response.status_code == expected.get(who, 404), (who, response.content)


READS_ORDERS = {"admin", "supervisor", "station_staff", "canteen_operator"}


@pytest.mark.parametrize("who", EVERYONE)
def test_who_sees_an_order_of_someone_else(canteen, family, registry, world, who):
    order = placed(canteen, registry.wang)
    caller = Caller(user_of(world, who))
    detail = caller.get(f"/api/v1/canteen/orders/{order.pk}")
    listed = caller.get("/api/v1/canteen/orders").json()
    visible = who in READS_ORDERS
    assert detail.status_code == (200 if visible else 404)
    assert (order.pk in {item["id"] for item in listed["items"]}) == visible


@pytest.mark.parametrize("who", EVERYONE)
def test_who_sees_li_defus_order(canteen, family, world, who):
    order = placed(canteen, family.father)
    detail = Caller(user_of(world, who)).get(f"/api/v1/canteen/orders/{order.pk}")
    assert detail.status_code == (200 if who in READS_ORDERS | {"resident"} else 404)


SERVES = {
    "admin": 200,
    "station_staff": 200,
    "canteen_operator": 200,
    "supervisor": 403,
    "resident": 403,
}


@pytest.mark.parametrize("who", EVERYONE)
def test_who_serves(canteen, family, world, who):
    order = placed(canteen, family.father)
    response = Caller(user_of(world, who)).post(f"/api/v1/canteen/orders/{order.pk}/serve")
    assert response.status_code == SERVES.get(who, 404), (who, response.content)
    order.refresh_from_db()
    assert (order.status == OrderStatus.SERVED) == (SERVES.get(who) == 200)


CANCELS = {**SERVES, "resident": 200}


@pytest.mark.parametrize("who", EVERYONE)
def test_who_cancels(canteen, family, world, who):
    order = placed(canteen, family.father, day="tomorrow")
    response = Caller(user_of(world, who)).post(f"/api/v1/canteen/orders/{order.pk}/cancel")
    assert response.status_code == CANCELS.get(who, 404), (who, response.content)


SETTLEMENT = {
    "admin": 200,
    "supervisor": 200,
    "station_staff": 200,
    "canteen_operator": 200,
    "outsider": 404,
    "outside_supervisor": 404,
}


@pytest.mark.parametrize("who", EVERYONE)
def test_who_reads_jiaojias_settlement(canteen, family, world, who):
    response = Caller(user_of(world, who)).get(
        "/api/v1/canteen/settlement", month="2026-05", station="JIAOJIA"
    )
    assert response.status_code == SETTLEMENT.get(who, 403), (who, response.content)


def test_the_outsider_reads_their_own_settlement_and_the_admin_must_name_the_station(
    canteen, world
):
    assert (
        Caller(world.outsider).get("/api/v1/canteen/settlement", month="2026-05").status_code == 200
    )
    several = Caller(world.user(Role.ADMIN)).get("/api/v1/canteen/settlement", month="2026-05")
    assert several.status_code == 422
    assert several.json()["error"]["fields"][0]["loc"] == ["station"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/canteen/menus",
        "/api/v1/canteen/tiers",
        "/api/v1/canteen/orders",
        "/api/v1/canteen/orders/1",
        "/api/v1/canteen/deliveries",
        "/api/v1/canteen/settlement?month=2026-05",
    ],
)
def test_without_a_token_every_endpoint_is_401(canteen, path):
    from django.test import Client

    response = Client().get(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
