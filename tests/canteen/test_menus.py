"""The week's menus: publishing a meal through the API and the page, the cut-off by default,
copying last week forward in one step, and input that is refused — as a fuzzer would send it.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.canteen.actions import menus_copy_week
from linli.canteen.actions.menus import default_cutoff, week_of
from linli.canteen.models import Menu
from tests.canteen.conftest import Caller, at, publish
from tests.conftest import signed_in

MENUS = "/api/v1/canteen/menus"


def test_the_operator_publishes_a_lunch_and_residents_read_it(canteen, family, world):
    operator = Caller(world.user(Role.CANTEEN_OPERATOR))
    day = timezone.localdate() + timedelta(days=3)
    body = {
        "date": day.isoformat(),
        "meal": "lunch",
        "dishes": ["清蒸鲈鱼", "蒜蓉西兰花", "冬瓜排骨汤"],
        "price": "12.50",
        "notes": ["low_salt", "soft"],
    }

    created = operator.post(MENUS, body)

    assert created.status_code == 201, created.content
    menu = created.json()
    assert (menu["price"], menu["notes"], menu["orders"]) == ("12.50", ["low_salt", "soft"], 0)
    assert menu["cutoff_at"] == f"{day.isoformat()}T09:30:00+08:00"
    # Saved again with another price: changed, not doubled.
    changed = operator.post(MENUS, {**body, "price": 13})
    assert changed.status_code == 200 and changed.json()["price"] == "13.00"
    assert Menu.objects.filter(station=world.jiaojia, date=day).count() == 1
    seen = Caller(family.account).get(MENUS, date=day.isoformat()).json()
    assert [item["dishes"] for item in seen["items"]] == [["清蒸鲈鱼", "蒜蓉西兰花", "冬瓜排骨汤"]]
    assert seen["items"][0]["open_for_orders"] is True


@pytest.mark.parametrize(
    ("meal", "cutoff"),
    [("breakfast", (-1, 18, 0)), ("lunch", (0, 9, 30)), ("dinner", (0, 14, 30))],
)
def test_the_default_cut_off_of_each_meal(meal, cutoff):
    day = date(2030, 5, 20)
    days, hour, minute = cutoff
    assert default_cutoff(day, meal) == at(day + timedelta(days=days), hour, minute)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": "12.345"}, "price"),
        ({"price": "-1"}, "price"),
        ({"price": "1000"}, "price"),
        ({"price": "NaN"}, "price"),
        ({"price": "十二"}, "price"),
        ({"dishes": []}, "dishes"),
        ({"dishes": ["菜"] * 13}, "dishes"),
        ({"dishes": ["菜" * 31]}, "dishes"),
        ({"dishes": [""]}, "dishes"),
        ({"meal": "supper"}, "meal"),
        ({"notes": ["spicy"]}, "notes"),
        ({"date": "1899-12-31"}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"cutoff_at": "2020-01-01T10:00:00+08:00"}, "cutoff_at"),
        ({"station": "J" * 33}, "station"),
    ],
)
def test_bad_menus_are_422_with_the_field(canteen, world, change, field):
    body = {"date": "2030-03-04", "meal": "lunch", "dishes": ["青菜"], "price": "12.00", **change}
    response = Caller(world.user(Role.CANTEEN_OPERATOR)).post(MENUS, body)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert any(field in location["loc"] for location in error["fields"]), error


def test_a_nul_in_a_dish_is_refused_before_the_menu(canteen, world):
    body = {"date": "2030-03-04", "meal": "lunch", "dishes": ["鱼\x00"], "price": "12.00"}
    response = Caller(world.user(Role.CANTEEN_OPERATOR)).post(MENUS, body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_a_day_gone_is_not_changed(canteen, world):
    yesterday = timezone.localdate() - timedelta(days=1)
    body = {"date": yesterday.isoformat(), "meal": "lunch", "dishes": ["青菜"], "price": "12.00"}
    response = Caller(world.user(Role.CANTEEN_OPERATOR)).post(MENUS, body)
    assert (response.status_code, response.json()["error"]["code"]) == (409, "menu_past")


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"from": "x"}])
def test_bad_list_parameters_are_422(canteen, world, params):
    assert Caller(world.user(Role.CANTEEN_OPERATOR)).get(MENUS, **params).status_code == 422


def test_last_week_is_copied_forward_in_one_step(canteen, world):
    monday = week_of(timezone.localdate()) + timedelta(days=14)
    source = monday - timedelta(days=7)
    publish(world.jiaojia, source, "lunch", price=Decimal("12.50"), notes=["soft"])
    publish(world.jiaojia, source + timedelta(days=2), "dinner")
    publish(world.jiaojia, source + timedelta(days=2), "breakfast")
    publish(world.jiaojia, monday + timedelta(days=2), "dinner", dishes=["饺子"])  # already planned

    created = menus_copy_week(
        station=world.jiaojia, week=monday, actor=world.user(Role.CANTEEN_OPERATOR)
    )

    assert created == 2
    lunch = Menu.objects.get(station=world.jiaojia, date=monday, meal="lunch")
    assert (lunch.price, lunch.notes, lunch.dishes) == (
        Decimal("12.50"),
        ["soft"],
        ["红烧鱼块", "清炒菠菜", "番茄蛋汤", "米饭"],
    )
    assert lunch.cutoff_at == at(monday, 9, 30)
    kept = Menu.objects.get(station=world.jiaojia, date=monday + timedelta(days=2), meal="dinner")
    assert kept.dishes == ["饺子"]
    assert menus_copy_week(station=world.jiaojia, week=monday, actor=None) == 0  # nothing left


def test_the_week_page_edits_a_meal_in_place_and_copies(
    canteen, world, django_assert_max_num_queries
):
    client = signed_in(world.user(Role.CANTEEN_OPERATOR))
    monday = week_of(timezone.localdate()) + timedelta(days=7)
    with django_assert_max_num_queries(12):
        page = client.get("/canteen/menus/", {"week": monday.isoformat()})
    assert page.status_code == 200
    assert f'data-testid="cell-{monday.isoformat()}-lunch"' in page.content.decode()

    editor = client.get(
        "/canteen/menus/edit/",
        {"date": monday.isoformat(), "meal": "lunch"},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="menu-form"' in editor.content.decode()
    saved = client.post(
        "/canteen/menus/edit/",
        {
            "date": monday.isoformat(),
            "meal": "lunch",
            "dishes": "红烧肉、炒青菜\n紫菜汤",
            "price": "13.00",
            "notes": ["low_sugar"],
        },
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    assert "红烧肉、炒青菜、紫菜汤" in saved.content.decode()
    menu = Menu.objects.get(station=world.jiaojia, date=monday, meal="lunch")
    assert menu.dishes == ["红烧肉", "炒青菜", "紫菜汤"] and menu.notes == ["low_sugar"]
    bad = client.post(
        "/canteen/menus/edit/",
        {"date": monday.isoformat(), "meal": "lunch", "dishes": "", "price": "abc"},
    )
    assert bad.status_code == 422
    copied = client.post("/canteen/menus/copy/", {"week": (monday + timedelta(days=7)).isoformat()})
    assert copied.status_code == 302
    assert Menu.objects.filter(station=world.jiaojia, date=monday + timedelta(days=7)).count() == 1


def test_only_those_who_run_the_canteen_edit_menus(canteen, world):
    monday = week_of(timezone.localdate()) + timedelta(days=7)
    supervisor = signed_in(world.user(Role.SUPERVISOR))
    page = supervisor.get("/canteen/menus/")
    assert page.status_code == 200 and 'data-testid="copy-week"' not in page.content.decode()
    assert supervisor.post("/canteen/menus/copy/", {"week": monday.isoformat()}).status_code == 403
    assert (
        supervisor.get(
            "/canteen/menus/edit/", {"date": monday.isoformat(), "meal": "lunch"}
        ).status_code
        == 403
    )
    for role in (Role.VOLUNTEER, Role.RESIDENT, Role.CAREGIVER):
        assert signed_in(world.user(role)).get("/canteen/menus/").status_code == 403
    assert (
        signed_in(world.outsider).get("/canteen/menus/", {"station": "JIAOJIA"}).status_code == 404
    )
