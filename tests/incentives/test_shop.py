"""爱心超市: goods and stock moves, a redemption that holds stock and points at once with a
6-digit code, hand-over by staff who check it, cancellation and expiry returning both, the
stock-take, and the month's report (账物相符)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl  # type: ignore[import-untyped]
from django.utils import timezone

from linli.incentives.actions.shop import redemptions_expire
from linli.incentives.models import MoveKind, Redemption, ShopItem, StockMove
from linli.incentives.queries import balances_reconcile, stock_reconcile
from linli.ledger.models import Account
from linli.ledger.queries import balance
from tests.incentives.conftest import serve


def rice(staff, stock=3, points=50):
    response = staff.post("/shop/items", {"name": "大米 5kg", "points": points, "stock": stock})
    assert response.status_code == 201, response.content
    return response.json()


def test_staff_shelve_goods_and_move_stock_with_reasons(staff, me):
    item = rice(staff)
    assert item["stock"] == 3
    moved = staff.post(
        f"/shop/items/{item['id']}/stock", {"quantity": 10, "reason": "爱心企业捐赠"}
    )
    assert moved.status_code == 201 and moved.json()["stock"] == 13
    lost = staff.post(
        f"/shop/items/{item['id']}/stock", {"quantity": -2, "reason": "受潮", "kind": "write_off"}
    )
    assert lost.json()["kind"] == "write_off" and lost.json()["stock"] == 11
    too_many = staff.post(f"/shop/items/{item['id']}/stock", {"quantity": -12, "reason": "出库"})
    assert too_many.status_code == 409
    assert (
        me.post(f"/shop/items/{item['id']}/stock", {"quantity": 5, "reason": "x"}).status_code
        == 403
    )
    assert me.post("/shop/items", {"name": "油", "points": 1, "stock": 1}).status_code == 403
    assert stock_reconcile() == []


def test_a_redemption_holds_stock_and_points_and_staff_hand_it_over(corps, staff, me):
    serve(corps.volunteer, "12")  # 120 points
    item = rice(staff)
    reserved = me.post("/shop/redemptions", {"item": item["id"], "quantity": 2})
    assert reserved.status_code == 201, reserved.content
    body = reserved.json()
    assert body["status"] == "reserved" and body["points"] == 100
    assert len(body["pickup_code"]) == 6 and body["pickup_code"].isdigit()
    assert balance(corps.volunteer, Account.POINTS) == Decimal("20")
    assert ShopItem.objects.get(pk=item["id"]).stock == 1
    # Staff do not see the code: the volunteer tells it at the counter.
    assert staff.get(f"/shop/redemptions/{body['id']}").json()["pickup_code"] is None
    url = f"/shop/redemptions/{body['id']}/handover"
    assert me.post(url, {"pickup_code": body["pickup_code"]}).status_code == 403
    wrong = "000000" if body["pickup_code"] != "000000" else "111111"
    assert staff.post(url, {"pickup_code": wrong}).json()["error"]["code"] == "wrong_code"
    for malformed in ("12345", "abcdef", "1234567", ""):
        assert staff.post(url, {"pickup_code": malformed}).status_code == 422, malformed
    done = staff.post(url, {"pickup_code": body["pickup_code"]})
    assert done.status_code == 200 and done.json()["status"] == "handed_over"
    assert staff.post(url, {"pickup_code": body["pickup_code"]}).status_code == 409
    assert me.post(f"/shop/redemptions/{body['id']}/cancel").status_code == 409


def test_short_of_stock_or_points_is_409_and_holds_nothing(corps, staff, me):
    serve(corps.volunteer, "4")  # 40 points
    item = rice(staff, stock=1, points=50)
    short_points = me.post("/shop/redemptions", {"item": item["id"]})
    assert short_points.status_code == 409
    assert short_points.json()["error"]["code"] == "insufficient_points"
    serve(corps.volunteer, "20")
    short_stock = me.post("/shop/redemptions", {"item": item["id"], "quantity": 2})
    assert short_stock.json()["error"]["code"] == "out_of_stock"
    assert not Redemption.objects.exists()
    assert ShopItem.objects.get(pk=item["id"]).stock == 1
    assert balance(corps.volunteer, Account.POINTS) == Decimal("240")


def test_cancel_and_expiry_return_points_and_stock_once(corps, staff, me):
    serve(corps.volunteer, "20")
    item = rice(staff, stock=5, points=30)
    first = me.post("/shop/redemptions", {"item": item["id"]}).json()
    second = me.post("/shop/redemptions", {"item": item["id"], "quantity": 2}).json()
    assert balance(corps.volunteer, Account.POINTS) == Decimal("110")
    cancelled = me.post(f"/shop/redemptions/{first['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert me.post(f"/shop/redemptions/{first['id']}/cancel").status_code == 409
    assert redemptions_expire(now=timezone.now() + timedelta(days=6)) == 0
    assert redemptions_expire(now=timezone.now() + timedelta(days=7, minutes=1)) == 1
    assert Redemption.objects.get(pk=second["id"]).cancel_reason == "逾期未领取"
    assert balance(corps.volunteer, Account.POINTS) == Decimal("200")
    assert ShopItem.objects.get(pk=item["id"]).stock == 5
    assert stock_reconcile() == [] and balances_reconcile() == []


def test_a_volunteer_never_touches_another_volunteers_redemption(corps, world, staff, me, leader):
    serve(corps.leader, "10")
    item = rice(staff)
    theirs = leader.post("/shop/redemptions", {"item": item["id"]}).json()
    assert me.get(f"/shop/redemptions/{theirs['id']}").status_code == 404
    assert me.post(f"/shop/redemptions/{theirs['id']}/cancel").status_code == 404
    assert (
        me.post("/shop/redemptions", {"item": item["id"], "volunteer": corps.leader.pk}).status_code
        == 404
    )
    assert me.get("/shop/redemptions").json()["count"] == 0


def test_staff_redeem_for_a_volunteer_at_the_counter_and_outsiders_see_nothing(
    corps, staff, outsider
):
    serve(corps.volunteer, "10")
    item = rice(staff)
    made = staff.post("/shop/redemptions", {"item": item["id"], "volunteer": corps.volunteer.pk})
    assert made.status_code == 201 and made.json()["pickup_code"]
    assert outsider.get(f"/shop/items/{item['id']}").status_code == 404
    assert outsider.get(f"/shop/redemptions/{made.json()['id']}").status_code == 404
    assert (
        outsider.post(
            "/shop/redemptions", {"item": item["id"], "volunteer": corps.volunteer.pk}
        ).status_code
        == 404
    )


def test_stock_take_turns_differences_into_adjustments_and_the_month_report_adds_up(
    world, corps, staff
):
    from linli.incentives.actions.shop import stock_take_record
    from linli.incentives.exports import stock_month_xlsx

    item = rice(staff, stock=10)
    take = stock_take_record(
        station=world.jiaojia, counted={item["id"]: 8}, note="年终盘点", actor=None
    )
    line = take.lines.get()
    assert (line.book, line.counted, line.difference) == (10, 8, -2)
    adjustment = StockMove.objects.get(kind=MoveKind.ADJUSTMENT)
    assert adjustment.quantity == -2 and "年终盘点" in adjustment.reason
    assert stock_reconcile() == []
    today = timezone.localdate()
    content = stock_month_xlsx(world.jiaojia, today.year, today.month)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    rice_row = next(row for row in rows if row[0] == "大米 5kg")
    assert rice_row[-2] == 8  # closing
    assert rice_row[1] == 0  # opening
