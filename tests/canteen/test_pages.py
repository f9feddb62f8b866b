"""The canteen's pages as their people use them: the elder's son orders on his phone, the operator
scans a card at the counter and serves in one tap, a walk-in, the order list, the tiers page for
staff, a volunteer's deliveries — and who is turned away.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.canteen.actions import order_place
from linli.canteen.models import DeliveryTask, MealOrder, OrderStatus, SubsidyTier
from linli.people.card import resident_card_token
from tests.canteen.conftest import at
from tests.conftest import signed_in

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


# --- the elder's page ------------------------------------------------------------------------


def test_the_son_orders_for_his_father_and_cancels_on_his_phone(canteen, family):
    client = signed_in(family.account)
    page = client.get("/canteen/order/")
    html = page.content.decode()
    lunch = canteen.tomorrow["lunch"]
    assert page.status_code == 200
    # The page opens on the household's elder; the son switches to himself with one tap.
    assert 'data-testid="person-switch"' in html and "为<strong>李德福</strong>订餐" in html
    assert "补贴 3.00 元，只需付 <strong>9.00</strong> 元" in html  # the father, 80+
    own = client.get("/canteen/order/", {"person": family.son.pk}).content.decode()
    assert "为<strong>李建国</strong>订餐" in own and "需付 <strong>12.00</strong> 元" in own
    assert f'data-testid="offer-{lunch.date.isoformat()}-lunch"' in html

    ordered = client.post(
        "/canteen/order/",
        {"person": family.father.pk, "menu": lunch.pk, "mode": "delivery", "day": "x"},
    )

    assert ordered.status_code == 302
    order = MealOrder.objects.get(resident=family.father)
    assert (order.mode, order.channel, order.payable) == ("delivery", "family", 9)
    assert ordered["Location"].startswith(f"/canteen/order/?person={family.father.pk}")
    after = client.get(ordered["Location"]).content.decode()
    assert "已为李德福订好" in after and 'data-testid="cancel"' in after
    cancelled = client.post(f"/canteen/orders/{order.pk}/cancel/", {"next": "/canteen/order/"})
    assert cancelled.status_code == 302 and cancelled["Location"] == "/canteen/order/"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED


def test_the_page_refuses_a_menu_of_another_station_and_someone_outside_the_family(
    canteen, family, registry
):
    client = signed_in(family.account)
    outside = client.post(
        "/canteen/order/",
        {"person": family.father.pk, "menu": canteen.outside_lunch.pk, "mode": "dine_in"},
    )
    stranger = client.post(
        "/canteen/order/",
        {"person": registry.wang.pk, "menu": canteen.tomorrow["lunch"].pk, "mode": "dine_in"},
    )
    assert outside.status_code == stranger.status_code == 302
    assert not MealOrder.objects.exists()


def test_an_account_without_a_person_record_is_told_where_to_go(canteen, world):
    page = signed_in(world.user(Role.RESIDENT)).get("/canteen/order/")
    assert 'data-testid="not-linked"' in page.content.decode()


def test_the_order_page_reads_in_a_fixed_number_of_queries(
    canteen, family, world, django_assert_max_num_queries
):
    for offset in range(2, 7):
        for meal in ("breakfast", "lunch", "dinner"):
            day = timezone.localdate() + timedelta(days=offset)
            from tests.canteen.conftest import publish

            publish(world.jiaojia, day, meal, cutoff=at(day, 7))
    client = signed_in(family.account)
    with django_assert_max_num_queries(20):
        assert client.get("/canteen/order/").status_code == 200


# --- the counter -----------------------------------------------------------------------------


def test_the_operator_scans_a_card_and_serves_in_one_tap(canteen, registry, world):
    order = order_place(
        menu=canteen.today["lunch"],
        resident=registry.wang,
        mode="dine_in",
        channel="phone",
        actor=None,
    )
    client = signed_in(world.user(Role.CANTEEN_OPERATOR))
    counter = client.get("/canteen/counter/").content.decode()
    assert 'data-testid="board-lunch-ordered">1<' in counter

    link = f"http://testserver/residents/card/{resident_card_token(registry.wang)}/"
    scanned = client.get("/canteen/counter/find/", {"card": link}, **HTMX)

    html = scanned.content.decode()
    assert "HX-Trigger" not in scanned  # a look-up leaves the board alone; a serve refreshes it
    assert 'data-testid="person-name">王秀梅' in html
    assert "补贴档次：残疾人，每餐补贴 2.50 元" in html
    assert f"/canteen/counter/serve/{order.pk}/" in html
    served = client.post(f"/canteen/counter/serve/{order.pk}/", **HTMX)
    assert "王秀梅 已取餐：午餐，应付 9.50 元" in served.content.decode()
    assert served["HX-Trigger"] == "canteen-board"
    again = client.post(f"/canteen/counter/serve/{order.pk}/", **HTMX)
    assert (
        'data-testid="serve-error"' in again.content.decode() and "已于" in again.content.decode()
    )
    board = client.get("/canteen/counter/", {"part": "board"}).content.decode()
    assert 'data-testid="board-lunch-served">1<' in board


def test_a_card_that_is_not_ours_or_not_of_this_station(canteen, registry, world):
    client = signed_in(world.user(Role.CANTEEN_OPERATOR))
    forged = client.get("/canteen/counter/find/", {"card": "not-a-card-at-all"}, **HTMX)
    assert 'data-testid="serve-error"' in forged.content.decode()
    theirs = client.get(
        "/canteen/counter/find/", {"card": resident_card_token(registry.outsider)}, **HTMX
    )
    assert "不是本站在住居民" in theirs.content.decode()


def test_search_by_name_pinyin_or_initials_then_a_walk_in(canteen, registry, world):
    client = signed_in(world.user(Role.CANTEEN_OPERATOR))
    for query in ("王秀梅", "wangxiumei", "wxm", "0001"):
        found = client.get("/canteen/counter/find/", {"q": query}, **HTMX).content.decode()
        assert f'data-testid="found-{registry.wang.pk}"' in found, query
    assert (
        "王秀兰" not in client.get("/canteen/counter/find/", {"q": "王秀"}, **HTMX).content.decode()
    )

    panel = client.get(f"/canteen/counter/person/{registry.wang.pk}/", **HTMX).content.decode()
    assert 'data-testid="walk-in-dine_in"' in panel
    walked = client.post(
        "/canteen/counter/walk-in/",
        {"resident": registry.wang.pk, "meal": "dinner", "mode": "pickup"},
        **HTMX,
    )

    assert "现场点餐并已取餐：晚餐" in walked.content.decode()
    order = MealOrder.objects.get(resident=registry.wang, meal="dinner")
    assert (order.status, order.channel, order.mode) == ("served", "counter", "pickup")
    second = client.post(
        "/canteen/counter/walk-in/",
        {"resident": registry.wang.pk, "meal": "dinner", "mode": "pickup"},
        **HTMX,
    )
    assert "每人每餐只能订一份" in second.content.decode()


def test_the_counter_is_for_those_who_run_the_canteen(canteen, registry, world):
    order = order_place(
        menu=canteen.today["lunch"],
        resident=registry.wang,
        mode="dine_in",
        channel="phone",
        actor=None,
    )
    for role in (Role.SUPERVISOR, Role.VOLUNTEER, Role.RESIDENT, Role.CAREGIVER, Role.TEAM_LEADER):
        client = signed_in(world.user(role))
        assert client.get("/canteen/counter/").status_code == 403, role
        assert client.post(f"/canteen/counter/serve/{order.pk}/").status_code == 403, role
    outsider = signed_in(world.outsider)
    assert outsider.get(f"/canteen/counter/person/{registry.wang.pk}/").status_code == 404
    assert outsider.post(f"/canteen/counter/serve/{order.pk}/").status_code == 404
    assert (
        outsider.post(
            "/canteen/counter/walk-in/",
            {"resident": registry.wang.pk, "meal": "dinner", "mode": "pickup"},
        ).status_code
        == 404
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.ORDERED


# --- the canteen's lists ---------------------------------------------------------------------


def test_the_order_list_and_a_phone_order(
    canteen, registry, family, world, django_assert_max_num_queries
):
    for resident in (registry.wang, family.father, family.son):
        order_place(
            menu=canteen.today["lunch"],
            resident=resident,
            mode="delivery",
            channel="phone",
            actor=None,
        )
    client = signed_in(world.user(Role.CANTEEN_OPERATOR))
    with django_assert_max_num_queries(14):
        page = client.get("/canteen/orders/")
    assert page.content.decode().count('class="order-row"') == 3

    form = client.get("/canteen/orders/phone/", {"q": "wxm"}).content.decode()
    assert f"resident={registry.wang.pk}" in form
    placed = client.post(
        "/canteen/orders/phone/",
        {
            "resident": registry.wang.pk,
            "date": canteen.tomorrow["dinner"].date.isoformat(),
            "meal": "dinner",
            "mode": "dine_in",
            "note": "少放盐",
        },
    )
    assert placed.status_code == 302
    assert MealOrder.objects.get(resident=registry.wang, meal="dinner").note == "少放盐"
    supervisor = signed_in(world.user(Role.SUPERVISOR))
    assert supervisor.get("/canteen/orders/").status_code == 200
    assert supervisor.get("/canteen/orders/phone/").status_code == 403


def test_staff_add_a_tier_the_operator_reads_them(canteen, world):
    staff = signed_in(world.user(Role.STATION_STAFF))
    page = staff.get("/canteen/tiers/").content.decode()
    assert 'data-testid="tier-form"' in page and "80岁以上高龄老人" in page
    added = staff.post(
        "/canteen/tiers/",
        {
            "form": "tier",
            "tier-name": "90岁以上长寿老人",
            "tier-funder": canteen.minzheng.pk,
            "tier-min_age": 90,
            "tier-amount": "5.00",
            "tier-effective_from": "2027-01-01",
        },
    )
    assert added.status_code == 302
    assert SubsidyTier.objects.get(name="90岁以上长寿老人").amount == 5
    bad = staff.post(
        "/canteen/tiers/",
        {
            "form": "tier",
            "tier-name": "空",
            "tier-funder": canteen.minzheng.pk,
            "tier-amount": "1",
            "tier-effective_from": "2027-01-01",
        },
    )
    assert bad.status_code == 422 and "请按年龄段或登记标签" in bad.content.decode()
    operator = signed_in(world.user(Role.CANTEEN_OPERATOR))
    view = operator.get("/canteen/tiers/").content.decode()
    assert "90岁以上长寿老人" in view and 'data-testid="tier-form"' not in view
    assert (
        operator.post("/canteen/tiers/", {"form": "funder", "funder-name": "某公司"}).status_code
        == 403
    )
    tier = canteen.tiers["disabled"]
    assert (
        operator.post(f"/canteen/tiers/{tier.pk}/end/", {"last_day": "2027-01-01"}).status_code
        == 403
    )
    assert (
        signed_in(world.outsider)
        .post(f"/canteen/tiers/{tier.pk}/end/", {"last_day": "2027-01-01"})
        .status_code
        == 404
    )
    ended = staff.post(f"/canteen/tiers/{tier.pk}/end/", {"last_day": "2027-01-01"})
    assert ended.status_code == 302
    tier.refresh_from_db()
    assert str(tier.effective_until) == "2027-01-01"


# --- deliveries ------------------------------------------------------------------------------


def test_a_volunteer_takes_and_delivers_on_the_page(canteen, corps, family, world):
    lunch = canteen.today["lunch"]
    order = order_place(
        menu=lunch, resident=family.father, mode="delivery", channel="phone", actor=None
    )
    task = DeliveryTask.objects.get(order=order)
    client = signed_in(world.user(Role.VOLUNTEER))
    offered = client.get("/canteen/deliveries/").content.decode()
    assert f'data-testid="delivery-{task.pk}"' in offered
    assert "13855550009" not in offered and "李德福" not in offered

    taken = client.post(
        f"/canteen/deliveries/{task.pk}/take/", {"next": "/canteen/deliveries/?tab=mine"}
    )
    assert taken["Location"] == "/canteen/deliveries/?tab=mine"
    odd = client.post(f"/canteen/deliveries/{task.pk}/release/", {"next": "?tab=mine"})
    assert odd["Location"] == "/canteen/deliveries/"  # only a path of this site
    client.post(f"/canteen/deliveries/{task.pk}/take/")
    mine = client.get("/canteen/deliveries/", {"tab": "mine"}).content.decode()
    assert "13855550009" in mine and "焦家小区8栋1单元101" in mine
    client.post(f"/canteen/deliveries/{task.pk}/deliver/")

    order.refresh_from_db()
    assert order.status == OrderStatus.SERVED
    assert client.post(f"/canteen/deliveries/{task.pk}/fly/").status_code == 404
    assert signed_in(world.user(Role.CAREGIVER)).get("/canteen/deliveries/").status_code == 403


# --- home and navigation ---------------------------------------------------------------------


def test_each_role_finds_the_canteen_from_home(canteen, corps, family, world):
    expectations = {
        Role.CANTEEN_OPERATOR: "/canteen/counter/",
        Role.RESIDENT: "/canteen/order/",
        Role.VOLUNTEER: "/canteen/deliveries/",
        Role.STATION_STAFF: "/canteen/settlement/",
        Role.SUPERVISOR: "/canteen/settlement/",
    }
    for role, link in expectations.items():
        home = signed_in(world.user(role)).get("/").content.decode()
        assert link in home, role
    # /canteen/ (the header's 食堂) is each one's page itself.
    counter = signed_in(world.user(Role.CANTEEN_OPERATOR)).get("/canteen/")
    assert 'data-testid="scan-form"' in counter.content.decode()
    order_page = signed_in(family.account).get("/canteen/").content.decode()
    assert 'data-testid="person-switch"' in order_page
    assert signed_in(world.user(Role.CAREGIVER)).get("/canteen/").status_code == 403


# --- who opens which page ----------------------------------------------------------------------

RUNNERS: set[str] = {Role.ADMIN, Role.STATION_STAFF, Role.CANTEEN_OPERATOR, "outsider"}
READERS: set[str] = RUNNERS | {Role.SUPERVISOR, "outside_supervisor"}
PAGE_RULES: dict[str, set[str]] = {
    "/canteen/order/": {Role.RESIDENT},
    "/canteen/counter/": RUNNERS,
    "/canteen/orders/": READERS,
    "/canteen/orders/phone/": RUNNERS,
    "/canteen/menus/": READERS,
    "/canteen/tiers/": READERS,
    "/canteen/deliveries/": RUNNERS | {Role.VOLUNTEER, Role.TEAM_LEADER},
    "/canteen/settlement/": READERS,
    "/canteen/settlement/export.xlsx": READERS,
    "/canteen/settlement/statement.pdf": READERS,
}


@pytest.mark.parametrize("path", sorted(PAGE_RULES))
def test_each_page_opens_for_its_people_only(canteen, corps, family, world, path):
    """The outsiders (黄池's staff, another institute's supervisor) open their own station's
    page; asked for 焦家's, they get 404 (see the fuzz and settlement tests)."""
    for who in [*Role.values, "outsider", "outside_supervisor"]:
        user = {"outsider": world.outsider, "outside_supervisor": world.outside_supervisor}.get(
            who
        ) or world.user(who)
        status = signed_in(user).get(path).status_code
        assert (status == 200) == (who in PAGE_RULES[path]), (path, who, status)
        assert status in {200, 403}, (path, who, status)


@pytest.mark.parametrize(
    "path",
    [
        "/canteen/orders/",
        "/canteen/menus/",
        "/canteen/tiers/",
        "/canteen/settlement/",
        "/canteen/counter/",
    ],
)
def test_jiaojias_pages_are_404_to_the_outsiders(canteen, world, path):
    """Those who may open the page at their own station find no 焦家 there."""
    outsiders = [world.outsider]
    if path != "/canteen/counter/":  # the counter is not a supervisor's page anywhere: 403
        outsiders.append(world.outside_supervisor)
    for user in outsiders:
        assert signed_in(user).get(path, {"station": "JIAOJIA"}).status_code == 404
