"""积分: verified hours earn points at the station's rate in the same transaction, a good rating
and a no-show move them, staff adjust with a reason, and the balance never goes below zero."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.audit.models import AuditLog
from linli.core.errors import DomainError
from linli.incentives.actions.points import points_adjust
from linli.incentives.models import StarAnnouncement
from linli.incentives.queries import balances_reconcile
from linli.ledger.actions import ledger_reverse
from linli.ledger.models import Account, Balance
from linli.ledger.queries import balance
from linli.notifications.models import Notification
from tests.conftest import reads_in_english
from tests.incentives.conftest import serve


def test_verified_hours_earn_points_with_a_readable_reason(corps, me):
    serve(corps.volunteer, "2.5")
    answer = me.get(f"/volunteers/{corps.volunteer.pk}/points").json()
    assert answer["balance"] == 25.0
    assert [entry["kind"] for entry in answer["entries"]] == ["earn"]
    assert "2.5 小时" in answer["entries"][0]["description"]
    assert "敬老院慰问" in answer["entries"][0]["description"]


def test_the_station_rate_applies_to_what_is_earned_afterwards(world, corps, staff):
    serve(corps.volunteer, "1")
    response = staff.patch("/shop/rules", {"points_per_hour": "12"})
    assert response.status_code == 200, response.content
    assert response.json()["points_per_hour"] == 12.0
    serve(corps.volunteer, "1")
    assert balance(corps.volunteer, Account.POINTS) == Decimal("22")
    assert AuditLog.objects.filter(action="points.rules").count() == 1


def test_a_reversal_of_hours_takes_back_its_points_but_never_below_zero(world, corps):
    entry = serve(corps.volunteer, "3")
    points_adjust(volunteer=corps.volunteer, amount=Decimal("-25"), reason="测试", actor=None)
    staff = world.user("station_staff")
    ledger_reverse(entry=entry, reason="登记错误", approver=staff, actor=staff)
    assert balance(corps.volunteer, Account.POINTS) == Decimal("0")
    assert balances_reconcile() == []


def test_staff_adjust_with_a_reason_is_audited_and_cannot_overdraw(corps, staff, me):
    serve(corps.volunteer, "1")
    url = f"/volunteers/{corps.volunteer.pk}/points/adjustments"
    assert staff.post(url, {"points": "-11", "reason": "扣减"}).status_code == 409
    response = staff.post(url, {"points": "-4", "reason": "活动物资损坏"})
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "staff_adjust"
    assert me.get(f"/volunteers/{corps.volunteer.pk}/points").json()["balance"] == 6.0
    assert AuditLog.objects.filter(action="points.adjust").count() == 1
    assert staff.post(url, {"points": "5", "reason": ""}).status_code == 422
    assert me.post(url, {"points": "500", "reason": "给自己加分"}).status_code == 404


def test_the_database_refuses_a_negative_balance(corps):
    serve(corps.volunteer, "1")
    row = Balance.objects.get(key=f"points:v{corps.volunteer.pk}")
    with pytest.raises(IntegrityError), transaction.atomic():
        Balance.objects.filter(pk=row.pk).update(amount=Decimal("-1"))


def test_a_debit_beyond_the_balance_is_refused(corps):
    with pytest.raises(DomainError) as refused:
        points_adjust(volunteer=corps.volunteer, amount=Decimal("-1"), reason="x", actor=None)
    assert refused.value.status == 409


def test_crossing_a_star_threshold_is_announced_once(corps):
    serve(corps.volunteer, "99")
    assert not StarAnnouncement.objects.exists()
    serve(corps.volunteer, "2")
    serve(corps.volunteer, "1")
    assert list(StarAnnouncement.objects.values_list("level", flat=True)) == [1]
    told = Notification.objects.filter(user=corps.volunteer.user, kind="star")
    assert told.count() == 1
    assert "1星" in told.get().title
    assert "You are now a 1-star volunteer" in reads_in_english(told.get())


def test_rules_are_for_staff_only(me, leader, outsider):
    for client in (me, leader):
        assert client.get("/shop/rules").status_code == 403
    assert outsider.get("/shop/rules?station=JIAOJIA").status_code == 404


def test_points_issued_and_redeemed_per_station_per_month(world, corps, staff, me):
    from datetime import date

    from linli.incentives.queries import points_by_station_month

    serve(corps.volunteer, "3", on=date(2026, 10, 5))
    serve(corps.volunteer, "4", on=date(2026, 11, 5))
    item = staff.post("/shop/items", {"name": "毛巾", "points": 20, "stock": 5}).json()
    redeemed = me.post("/shop/redemptions", {"item": item["id"], "quantity": 2}).json()
    me.post("/shop/redemptions", {"item": item["id"]})
    me.post(f"/shop/redemptions/{redeemed['id']}/cancel")
    rows = points_by_station_month(station_ids=[world.jiaojia.pk])
    by_month = {row.month.strftime("%Y-%m"): (row.issued, row.redeemed) for row in rows}
    assert by_month["2026-10"] == (Decimal("30"), Decimal("0"))
    assert by_month["2026-11"][0] == Decimal("40")
    this_month = timezone.localdate().strftime("%Y-%m")
    assert by_month[this_month][1] == Decimal("20")  # 60 spent, 40 returned by the cancellation


def test_a_recruiter_earns_points_once_the_recruit_is_active(world, corps, staff, me):
    from linli.volunteers.actions.registration import volunteer_approve

    url = f"/volunteers/{corps.applicant.pk}/recruiter"
    assert me.post(url, {"recruiter": corps.volunteer.pk}).status_code == 404
    recorded = staff.post(url, {"recruiter": corps.volunteer.pk})
    assert recorded.status_code == 201, recorded.content
    assert staff.post(url, {"recruiter": corps.leader.pk}).status_code == 409
    assert balance(corps.volunteer, Account.POINTS) == Decimal("0")  # still pending
    volunteer_approve(volunteer=corps.applicant, actor=world.user("station_staff"))
    assert balance(corps.volunteer, Account.POINTS) == Decimal("10")
    entries = me.get(f"/volunteers/{corps.volunteer.pk}/points").json()["entries"]
    assert entries[-1]["kind"] == "reward" and "周晓燕" in entries[-1]["description"]
    assert (
        staff.post(
            f"/volunteers/{corps.leader.pk}/recruiter", {"recruiter": corps.leader.pk}
        ).status_code
        == 422
    )
