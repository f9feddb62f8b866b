"""A curious stranger and a fuzzer at the canteen's doors: odd ids, NUL bytes, huge numbers,
long strings and wrong types answer 4xx (with the error shape in the API), never a 500."""

from typing import Any

import pytest

from linli.accounts.models import Role
from tests.canteen.conftest import Caller
from tests.conftest import signed_in

NUL = "a\x00b"
HUGE = "9" * 25


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/canteen/orders/{HUGE}",
        f"/api/v1/canteen/orders/{HUGE}/serve",
        "/api/v1/canteen/orders/0/serve",
        "/api/v1/canteen/orders/-1/cancel",
        f"/api/v1/canteen/deliveries/{HUGE}/take",
    ],
)
def test_odd_ids_in_the_api(canteen, world, path):
    caller = Caller(world.user(Role.CANTEEN_OPERATOR))
    response = caller.post(path) if path.endswith(("serve", "cancel", "take")) else caller.get(path)
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


@pytest.mark.parametrize(
    "params",
    [
        {"station": NUL},
        {"station": "J" * 40},
        {"date": "2026-13-40"},
        {"meal": "brunch"},
        {"status": NUL},
        {"resident": HUGE},
        {"resident": "abc"},
        {"offset": HUGE},
        {"offset": "10000000000"},
        {"limit": "-5"},
    ],
)
def test_odd_list_parameters(canteen, world, params):
    for path in ("/api/v1/canteen/orders", "/api/v1/canteen/menus", "/api/v1/canteen/deliveries"):
        response = Caller(world.user(Role.CANTEEN_OPERATOR)).get(path, **params)
        assert response.status_code in {200, 422}, (path, params, response.content)
        if response.status_code == 422:
            assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize(
    "body",
    [
        {"resident": HUGE, "date": "2030-01-01", "meal": "lunch"},
        {"resident": 1, "date": "2030-01-01", "meal": "lunch", "note": NUL},
        {"resident": 1, "date": "2030-01-01", "meal": "lunch", "note": "很" * 101},
        {"resident": "1; drop table", "date": "2030-01-01", "meal": "lunch"},
        {"resident": 1, "date": "0001-01-01", "meal": "lunch"},
        {"resident": 1, "date": "2030-01-01", "meal": "lunch", "mode": "drone"},
        {"resident": 1, "date": "2030-01-01", "meal": "lunch", "channel": "wechat"},
        [1, 2, 3],
        "not json",
    ],
)
def test_odd_order_bodies_are_422(canteen, world, body):
    response = Caller(world.user(Role.CANTEEN_OPERATOR)).client.post(
        "/api/v1/canteen/orders",
        body,
        content_type="application/json",
        **Caller(world.user(Role.CANTEEN_OPERATOR)).headers,
    )
    assert response.status_code in {400, 422}, response.content
    assert "error" in response.json()


def test_a_cancel_reason_with_nul_or_too_long(canteen, registry, world):
    from linli.canteen.actions import order_place

    order = order_place(
        menu=canteen.tomorrow["lunch"],
        resident=registry.wang,
        mode="dine_in",
        channel="phone",
        actor=None,
    )
    caller = Caller(world.user(Role.CANTEEN_OPERATOR))
    for reason in (NUL, "因" * 201):
        response = caller.post(f"/api/v1/canteen/orders/{order.pk}/cancel", {"reason": reason})
        assert response.status_code == 422


PAGES: list[tuple[str, dict[str, Any]]] = [
    ("/canteen/counter/", {"station": NUL}),
    ("/canteen/counter/", {"resident": HUGE}),
    ("/canteen/counter/find/", {"q": NUL}),
    ("/canteen/counter/find/", {"card": NUL}),
    ("/canteen/counter/find/", {"card": "x" * 600}),
    ("/canteen/orders/", {"date": "2026-02-30", "meal": NUL, "page": HUGE}),
    ("/canteen/orders/phone/", {"q": NUL, "resident": HUGE}),
    ("/canteen/menus/", {"week": "9999-99-99", "station": "J" * 40}),
    ("/canteen/menus/edit/", {"date": "x", "meal": "lunch"}),
    ("/canteen/tiers/", {"station": NUL}),
    ("/canteen/settlement/", {"month": NUL, "station": NUL}),
    ("/canteen/settlement/export.xlsx", {"month": "2026-99", "funder": HUGE}),
    ("/canteen/deliveries/", {"tab": NUL, "date": HUGE}),
    ("/canteen/order/", {"person": NUL}),
    (f"/canteen/counter/person/{HUGE}/", {}),
]


@pytest.mark.parametrize(("path", "params"), PAGES)
def test_odd_page_parameters_never_500(canteen, family, world, path, params):
    who = family.account if path == "/canteen/order/" else world.user(Role.STATION_STAFF)
    response = signed_in(who).get(path, params)
    assert response.status_code < 500, (path, params)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (f"/canteen/orders/{HUGE}/cancel/", {}),
        ("/canteen/orders/1/cancel/", {"reason": NUL, "next": "/\x00evil"}),
        ("/canteen/counter/walk-in/", {"resident": HUGE, "meal": "lunch", "mode": "dine_in"}),
        ("/canteen/counter/walk-in/", {"resident": "x", "meal": NUL}),
        ("/canteen/order/", {"person": NUL, "menu": HUGE, "mode": "x"}),
        (
            "/canteen/menus/edit/",
            {"date": "2030-01-01", "meal": "lunch", "dishes": NUL, "price": "1e9"},
        ),
        ("/canteen/menus/copy/", {"week": NUL}),
        ("/canteen/tiers/", {"form": "tier", "tier-name": NUL, "tier-amount": "NaN"}),
        ("/canteen/settlement/", {"corrects_month": NUL, "meals": HUGE, "price": "inf"}),
        ("/canteen/settlement/close/", {"month": NUL}),
        (f"/canteen/deliveries/{HUGE}/take/", {}),
    ],
)
def test_odd_posts_never_500(canteen, family, world, path, data):
    who = family.account if path == "/canteen/order/" else world.user(Role.STATION_STAFF)
    response = signed_in(who).post(path, data)
    assert response.status_code < 500, (path, data)
