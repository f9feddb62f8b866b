"""Check-in and check-out, each recorded with who and how; hours claimed afterwards (补报)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.activities.hours import served_hours
from linli.activities.models import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    HourClaim,
    Signup,
    SignupStatus,
)
from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.volunteers.models import Volunteer

# Volunteers may check in up to an hour early; the clock is still capped at the start.
EARLY_CHECKIN = timedelta(hours=1)
CHECKIN_STATES = {ActivityStatus.PUBLISHED, ActivityStatus.ONGOING}


def _by(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _confirmed(activity: Activity, volunteer: Volunteer) -> bool:
    return Signup.objects.filter(
        activity=activity, volunteer=volunteer, status=SignupStatus.CONFIRMED
    ).exists()


@transaction.atomic
def checkin(
    *, activity: Activity, volunteer: Volunteer, method: str, actor: Any, at: datetime | None = None
) -> Attendance:
    """Record arrival. Only confirmed volunteers; staff may give a time by hand (`at`)."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status not in CHECKIN_STATES:
        raise DomainError("not_open", _("活动未在进行，不能签到。"), status=409)
    if method not in AttendanceMethod.values:
        raise ValidationError({"method": [_("签到方式不正确。")]})
    if not _confirmed(locked, volunteer):
        raise DomainError("not_signed_up", _("该志愿者没有正式报名这个活动。"), status=409)
    at = at or timezone.now()
    if not locked.starts_at - EARLY_CHECKIN <= at <= locked.ends_at:
        raise ValidationError({"at": [_("签到时间须在活动开始前 1 小时到活动结束之间。")]})
    row, _created = Attendance.objects.select_for_update().get_or_create(
        activity=locked, volunteer=volunteer
    )
    if row.checked_in_at is not None:
        raise DomainError("already_checked_in", _("已经签到过了。"), status=409)
    row.checked_in_at, row.checkin_method, row.checkin_by = at, method, _by(actor)
    row.save(update_fields=["checked_in_at", "checkin_method", "checkin_by"])
    if locked.status == ActivityStatus.PUBLISHED and at >= locked.starts_at:
        locked.status = ActivityStatus.ONGOING
        locked.save(update_fields=["status"])
    audit_record(actor=actor, action="attendance.checkin", target=locked, station=locked.station,
                 after={"volunteer": volunteer.pk, "at": at.isoformat(), "method": method})  # fmt: skip
    return row


@transaction.atomic
def checkout(
    *, activity: Activity, volunteer: Volunteer, method: str, actor: Any, at: datetime | None = None
) -> Attendance:
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status not in CHECKIN_STATES:
        raise DomainError("not_open", _("活动未在进行，不能签退。"), status=409)
    if method not in AttendanceMethod.values:
        raise ValidationError({"method": [_("签退方式不正确。")]})
    row = (
        Attendance.objects.select_for_update().filter(activity=locked, volunteer=volunteer).first()
    )
    if row is None or row.checked_in_at is None:
        raise DomainError("not_checked_in", _("还没有签到，不能签退。"), status=409)
    if row.checked_out_at is not None:
        raise DomainError("already_checked_out", _("已经签退过了。"), status=409)
    at = at or timezone.now()
    if at <= row.checked_in_at:
        raise ValidationError({"at": [_("签退时间须晚于签到时间。")]})
    row.checked_out_at, row.checkout_method, row.checkout_by = at, method, _by(actor)
    row.save(update_fields=["checked_out_at", "checkout_method", "checkout_by"])
    audit_record(actor=actor, action="attendance.checkout", target=locked, station=locked.station,
                 after={"volunteer": volunteer.pk, "at": at.isoformat(), "method": method})  # fmt: skip
    return row


@transaction.atomic
def claim_create(
    *,
    activity: Activity,
    volunteer: Volunteer,
    started_at: datetime,
    ended_at: datetime,
    note: str,
    actor: Any,
) -> HourClaim:
    """补报: the volunteer served but could not check in; staff approve or reject before verifying."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status not in {ActivityStatus.ONGOING, ActivityStatus.CLOSED}:
        raise DomainError(
            "not_claimable", _("只能为进行中或已结束、未核定的活动补报。"), status=409
        )
    if not _confirmed(activity, volunteer):
        raise DomainError("not_signed_up", _("只有报名了该活动的志愿者可以补报。"), status=409)
    if Attendance.objects.filter(
        activity=activity, volunteer=volunteer, checked_in_at__isnull=False
    ).exists():
        raise DomainError("already_checked_in", _("您已有签到记录，无需补报。"), status=409)
    if ended_at <= started_at:
        raise ValidationError({"ended_at": [_("结束时间必须晚于开始时间。")]})
    if not note.strip():
        raise ValidationError({"note": [_("请说明未能签到的原因和服务内容。")]})
    if HourClaim.objects.filter(
        activity=activity, volunteer=volunteer, status=HourClaim.Status.PENDING
    ).exists():
        raise DomainError("claim_pending", _("已经补报过，请等待审核。"), status=409)
    claim = HourClaim.objects.create(
        activity=activity,
        volunteer=volunteer,
        started_at=started_at,
        ended_at=ended_at,
        note=note.strip(),
    )
    audit_record(actor=actor, action="claim.create", target=activity, station=activity.station,
                 after={"volunteer": volunteer.pk, "claim": claim.pk})  # fmt: skip
    return claim


@transaction.atomic
def claim_decide(*, claim: HourClaim, approve: bool, reason: str, actor: Any) -> HourClaim:
    """Approving records the claimed times as attendance (method `claim`), capped like any other."""
    locked = HourClaim.objects.select_for_update().select_related("activity").get(pk=claim.pk)
    if locked.status != HourClaim.Status.PENDING:
        raise DomainError("already_decided", _("该补报已经处理。"), status=409)
    if not approve and not reason.strip():
        raise ValidationError({"reason": [_("请填写不通过的原因。")]})
    activity = locked.activity
    if activity.status not in {ActivityStatus.ONGOING, ActivityStatus.CLOSED}:
        raise DomainError("not_claimable", _("活动已核定或已取消，不能再处理补报。"), status=409)
    if approve:
        row, _created = Attendance.objects.select_for_update().get_or_create(
            activity=activity, volunteer_id=locked.volunteer_id
        )
        row.checked_in_at, row.checked_out_at = locked.started_at, locked.ended_at
        row.checkin_method = row.checkout_method = AttendanceMethod.CLAIM
        row.checkin_by = row.checkout_by = _by(actor)
        row.no_show = False
        fields = [
            "checked_in_at",
            "checked_out_at",
            "checkin_method",
            "checkout_method",
            "checkin_by",
            "checkout_by",
            "no_show",
        ]
        if activity.status == ActivityStatus.CLOSED:
            row.hours = served_hours(checked_in_at=locked.started_at, checked_out_at=locked.ended_at,
                                     starts_at=activity.starts_at, ends_at=activity.ends_at)  # fmt: skip
            fields.append("hours")
        row.save(update_fields=fields)
    locked.status = HourClaim.Status.APPROVED if approve else HourClaim.Status.REJECTED
    locked.reason, locked.decided_by, locked.decided_at = reason.strip(), _by(actor), timezone.now()
    locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(actor=actor, action="claim.decide", target=activity, station=activity.station,
                 after={"claim": locked.pk, "approved": approve})  # fmt: skip
    return locked
