"""The last bags of rice, for real: twenty volunteers redeem the same item at the same instant,
each through the API in its own thread with its own PostgreSQL connection, when only five are
left; and one volunteer taps 兑换 on two items at once with points for one.

redemption_reserve locks the item's row, then the volunteer's points balance row (always in that
order), so exactly the stock is handed out, every success paid its points, every refusal paid
nothing, and the books still equal the sum of the moves and the entries.
"""

from collections import Counter
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.test import Client

from linli.accounts import actions as account_actions
from linli.incentives.actions.points import points_adjust
from linli.incentives.actions.shop import shop_item_create
from linli.incentives.models import Redemption, ShopItem
from linli.incentives.queries import balances_reconcile, stock_reconcile
from linli.ledger.models import Account
from linli.ledger.queries import balance
from tests.race.helpers import make_station, make_volunteers, run_together

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]

HOW_MANY = 20
STOCK = 5


def _redeem(secret: str, item_id: int) -> tuple[int, Any]:
    response = Client().post(
        "/api/v1/shop/redemptions",
        {"item": item_id, "quantity": 1},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    return response.status_code, response.json()


def test_twenty_volunteers_race_for_the_last_five_bags_of_rice():
    station = make_station()
    rice = shop_item_create(station=station, name="大米 5kg", points=300, stock=STOCK, actor=None)
    volunteers = make_volunteers(station, HOW_MANY)
    secrets = []
    for volunteer in volunteers:
        points_adjust(volunteer=volunteer, amount=Decimal("500"), reason="测试积分", actor=None)
        secrets.append(account_actions.token_create(user=volunteer.user, actor=volunteer.user)[0])

    outcomes = run_together([partial(_redeem, secret, rice.pk) for secret in secrets])

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert Counter(status for status, _body in outcomes) == {201: STOCK, 409: HOW_MANY - STOCK}
    refused = {body["error"]["code"] for status, body in outcomes if status == 409}
    assert refused == {"out_of_stock"}
    assert ShopItem.objects.get(pk=rice.pk).stock == 0
    winners = set(Redemption.objects.values_list("volunteer_id", flat=True))
    assert len(winners) == STOCK
    for volunteer in volunteers:
        expected = Decimal("200") if volunteer.pk in winners else Decimal("500")
        assert balance(volunteer, Account.POINTS) == expected
    assert stock_reconcile() == [] and balances_reconcile() == []
    codes = list(Redemption.objects.values_list("pickup_code", flat=True))
    assert len(set(codes)) == STOCK


def test_one_volunteer_with_points_for_one_taps_two_items_at_once():
    station = make_station()
    (volunteer,) = make_volunteers(station, 1)
    points_adjust(volunteer=volunteer, amount=Decimal("300"), reason="测试积分", actor=None)
    items = [
        shop_item_create(station=station, name=name, points=300, stock=3, actor=None)
        for name in ("大米 5kg", "食用油 5L", "洗衣液", "毛巾")
    ]
    secret = account_actions.token_create(user=volunteer.user, actor=volunteer.user)[0]

    outcomes = run_together([partial(_redeem, secret, item.pk) for item in items])

    assert Counter(status for status, _body in outcomes) == {201: 1, 409: 3}
    assert {body["error"]["code"] for status, body in outcomes if status == 409} == {
        "insufficient_points"
    }
    assert balance(volunteer, Account.POINTS) == Decimal("0")
    assert sum(ShopItem.objects.values_list("stock", flat=True)) == 11
    assert stock_reconcile() == [] and balances_reconcile() == []
