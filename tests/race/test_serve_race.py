"""The counter's races, for real: threads with their own PostgreSQL connections released at one
instant, each through the API.

- Twenty taps on 取餐 for one order (a double tap, two operators at two windows): `order_serve`
  locks the order row, so exactly one serves it and every other tap hears 409 `already_served`.
- Ten orders for the same person and meal at once (the son on his phone, the operator on the
  line): one is placed, the others hear 409 `already_ordered` — the database's constraint holds
  where the check before it cannot.
"""

from collections import Counter
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from linli.accounts import actions as account_actions
from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.canteen.actions import MenuInput, menu_save, order_place
from linli.canteen.models import MealOrder, OrderStatus
from tests.conftest import add_resident
from tests.race.helpers import make_station, run_together

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def operators(station: Any, how_many: int) -> list[str]:
    """Canteen operators of the station, each with an API token."""
    secrets = []
    for index in range(how_many):
        user = account_actions.user_create(
            phone=f"1370000{index:04d}", password=None, name=f"窗口{index}", actor=None
        )
        account_actions.role_grant(
            user=user, role=Role.CANTEEN_OPERATOR, station=station, actor=None
        )
        secrets.append(account_actions.token_create(user=user, actor=user)[0])
    return secrets


def todays_lunch(station: Any) -> Any:
    menu, _created = menu_save(
        station=station,
        data=MenuInput(
            date=timezone.localdate(),
            meal="lunch",
            dishes=["红烧鱼块", "米饭"],
            price=Decimal("12.00"),
        ),
        actor=None,
    )
    return menu


def post(path: str, secret: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    response = Client().post(
        path, body or {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    return response.status_code, response.json()


def test_twenty_taps_serve_one_order_once():
    assert connection.vendor == "postgresql"
    station = make_station()
    elder = add_resident(station, "王秀梅", gender="F", birth_date=date(1950, 3, 12))
    order = order_place(
        menu=todays_lunch(station), resident=elder, mode="dine_in", channel="phone", actor=None
    )
    secrets = operators(station, 20)
    path = f"/api/v1/canteen/orders/{order.pk}/serve"

    outcomes = run_together([partial(post, path, secret) for secret in secrets])

    assert [outcome for outcome in outcomes if not isinstance(outcome, tuple)] == []
    assert Counter(status for status, _body in outcomes) == {200: 1, 409: 19}
    refusals = Counter(body["error"]["code"] for status, body in outcomes if status == 409)
    assert refusals == {"already_served": 19}
    order.refresh_from_db()
    assert order.status == OrderStatus.SERVED and order.served_at is not None
    assert AuditLog.objects.filter(action="meal_order.served", target_id=str(order.pk)).count() == 1


def test_ten_orders_for_one_person_and_meal_place_one():
    station = make_station()
    elder = add_resident(station, "李德福", gender="M", birth_date=date(1944, 1, 15))
    menu = todays_lunch(station)
    secrets = operators(station, 10)
    body = {"resident": elder.pk, "date": menu.date.isoformat(), "meal": "lunch"}

    outcomes = run_together(
        [partial(post, "/api/v1/canteen/orders", secret, body) for secret in secrets]
    )

    assert [outcome for outcome in outcomes if not isinstance(outcome, tuple)] == []
    assert Counter(status for status, _body in outcomes) == {201: 1, 409: 9}
    assert {body["error"]["code"] for status, body in outcomes if status == 409} == {
        "already_ordered"
    }
    assert MealOrder.objects.filter(resident=elder).count() == 1
