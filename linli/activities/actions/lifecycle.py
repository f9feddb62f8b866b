"""An activity's life: draft → published → ongoing → closed → verified, or cancelled.

Closing computes each volunteer's served hours and marks no-shows; verifying writes the hours to
the ledger, once, and is due within 10 working days of the end (67号令).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.activities.hours import served_hours
from linli.activities.models import (
    ACTIVITY_TRANSITIONS,
    PEOPLE_SERVED_MAX,
    Activity,
    ActivityStatus,
    Attendance,
    HourClaim,
    SignupStatus,
)
from linli.audit.actions import audit_record
from linli.core.categories import ServiceCategory
from linli.core.errors import DomainError
from linli.core.workdays import add_working_days
from linli.ledger.actions import ledger_credit
from linli.ledger.models import Account, EntryKind
from linli.org.models import Station
from linli.teams.models import Team
from linli.volunteers.models import Course

# Recording afterwards (补录): an activity may be created with past times, for staff, while its
# verification window is still open.
EDITABLE_STATES = {ActivityStatus.DRAFT, ActivityStatus.PUBLISHED}


@dataclass(frozen=True)
class ActivityInput:
    title: str
    category: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    responsible_name: str
    team: Team | None = None
    partners: str = ""
    organizer: str = ""
    description: str = ""
    required_course: Course | None = None
    members_only: bool = False
    responsible_phone: str = ""


def verification_due(activity: Activity) -> date:
    """The last day to verify: 10 working days (holidays and 调休 respected) after the end."""
    return add_working_days(
        timezone.localdate(activity.ends_at), settings.VERIFY_WITHIN_WORKING_DAYS
    )


def is_overdue(activity: Activity, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return activity.status == ActivityStatus.CLOSED and today > verification_due(activity)


def activity_check(*, station: Station, data: ActivityInput, now: datetime | None = None) -> None:
    """Every rule on an activity's fields, all problems at once, in Chinese."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(str(message))

    if not data.title.strip():
        refuse("title", _("请填写活动名称。"))
    if data.category not in ServiceCategory.values:
        refuse("category", _("请选择服务类别。"))
    if not data.place.strip():
        refuse("place", _("请填写地点。"))
    if not data.responsible_name.strip():
        refuse("responsible_name", _("请填写活动负责人。"))
    if data.ends_at <= data.starts_at:
        refuse("ends_at", _("结束时间必须晚于开始时间。"))
    if data.capacity < 1:
        refuse("capacity", _("招募人数至少为 1。"))
    if data.team is not None and data.team.station_id != station.pk:
        refuse("team", _("只能选择本站的志愿服务队。"))
    if data.required_course is not None and data.required_course.station_id != station.pk:
        refuse("required_course", _("只能选择本站的培训课程。"))
    if data.members_only and data.team is None:
        refuse("members_only", _("仅限队员的活动须选择组织队伍。"))
    now = now or timezone.now()
    if data.ends_at < now and add_working_days(
        timezone.localdate(data.ends_at), settings.VERIFY_WITHIN_WORKING_DAYS
    ) < timezone.localdate(now):
        refuse("ends_at", _("补录只能在活动结束后 10 个工作日内进行。"))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_create(*, station: Station, data: ActivityInput, actor: Any) -> Activity:
    """A draft activity of the station; past times are allowed (补录) inside the verification window."""
    activity_check(station=station, data=data)
    activity = Activity.objects.create(
        station=station,
        team=data.team,
        partners=data.partners.strip(),
        organizer=data.organizer.strip() or station.name,
        title=data.title.strip(),
        category=data.category,
        description=data.description.strip(),
        place=data.place.strip(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        capacity=data.capacity,
        required_course=data.required_course,
        members_only=data.members_only,
        responsible_name=data.responsible_name.strip(),
        responsible_phone=data.responsible_phone.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="activity.create",
        target=activity,
        station=station,
        after={"title": activity.title},
    )
    return activity


UPDATABLE = ("title", "category", "place", "starts_at", "ends_at", "capacity", "responsible_name",
             "team", "partners", "organizer", "description", "required_course", "members_only",
             "responsible_phone")  # fmt: skip


@transaction.atomic
def activity_update(*, activity: Activity, changes: dict[str, Any], actor: Any) -> Activity:
    """Edit a draft or published activity; a smaller capacity never unseats confirmed people."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status not in EDITABLE_STATES:
        raise DomainError("not_editable", _("活动已开始或已结束，不能再修改。"), status=409)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in unknown})
    merged = ActivityInput(**{name: changes.get(name, getattr(locked, name)) for name in UPDATABLE})
    activity_check(station=locked.station, data=merged)
    confirmed = locked.signups.filter(status=SignupStatus.CONFIRMED).count()
    if merged.capacity < confirmed:
        raise ValidationError(
            {
                "capacity": [
                    _("已有 %(count)d 人报名，招募人数不能少于此数。") % {"count": confirmed}
                ]
            }
        )
    before = {name: str(getattr(locked, name)) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(changes))
    audit_record(
        actor=actor,
        action="activity.update",
        target=locked,
        station=locked.station,
        before=before,
        after={name: str(getattr(locked, name)) for name in changes},
    )
    return locked


def _move(activity: Activity, target: str, *, actor: Any, **changes: Any) -> Activity:
    """Move along ACTIVITY_TRANSITIONS with the row locked; anything else is a 409."""
    locked = Activity.objects.select_for_update().select_related("station").get(pk=activity.pk)
    if target not in ACTIVITY_TRANSITIONS[locked.status]:
        raise DomainError(
            "invalid_transition",
            _("活动当前状态为“%(status)s”，不能进行此操作。")
            % {"status": locked.get_status_display()},
            status=409,
        )
    before = locked.status
    locked.status = target
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", *changes])
    audit_record(
        actor=actor,
        action=f"activity.{target}",
        target=locked,
        station=locked.station,
        before={"status": before},
        after={"status": target, **{name: str(value) for name, value in changes.items()}},
    )
    return locked


@transaction.atomic
def activity_publish(*, activity: Activity, actor: Any) -> Activity:
    return _move(activity, ActivityStatus.PUBLISHED, actor=actor)


@transaction.atomic
def activity_start(*, activity: Activity, actor: Any) -> Activity:
    return _move(activity, ActivityStatus.ONGOING, actor=actor)


@transaction.atomic
def activity_cancel(*, activity: Activity, reason: str, actor: Any) -> Activity:
    """Cancel with a reason; everyone signed up sees it on their page (their sign-up stays, marked)."""
    if not reason.strip():
        raise ValidationError({"reason": [_("取消活动必须填写原因。")]})
    return _move(activity, ActivityStatus.CANCELLED, actor=actor, cancel_reason=reason.strip())


@transaction.atomic
def activity_close(*, activity: Activity, actor: Any, people_served: int | None = None) -> Activity:
    """End the activity: served hours for everyone who checked in, no-show for the others.

    Someone who checked in but not out is counted to the end of the activity; hours stay
    editable until verification. `people_served` is the organiser's head count of the residents
    the activity served (0 to PEOPLE_SERVED_MAX), counted in the station's 服务群众人次.
    """
    if people_served is not None and not 0 <= people_served <= PEOPLE_SERVED_MAX:
        raise ValidationError(
            {
                "people_served": [
                    _("服务群众人次须在 0 到 %(max)d 之间。") % {"max": PEOPLE_SERVED_MAX}
                ]
            }
        )
    locked = _move(
        activity,
        ActivityStatus.CLOSED,
        actor=actor,
        closed_at=timezone.now(),
        people_served=people_served,
    )
    confirmed = set(
        locked.signups.filter(status=SignupStatus.CONFIRMED).values_list("volunteer_id", flat=True)
    )
    present = {row.volunteer_id: row for row in locked.attendance.select_for_update()}
    for row in present.values():
        if row.checked_in_at is None:
            continue
        row.hours = served_hours(
            checked_in_at=row.checked_in_at,
            checked_out_at=row.checked_out_at or locked.ends_at,
            starts_at=locked.starts_at,
            ends_at=locked.ends_at,
        )
        row.save(update_fields=["hours"])
    Attendance.objects.bulk_create(
        Attendance(activity=locked, volunteer_id=volunteer_id, no_show=True, hours=Decimal("0"))
        for volunteer_id in sorted(confirmed - set(present))
    )
    return locked


@transaction.atomic
def attendance_set_hours(
    *, attendance: Attendance, hours: Decimal, note: str, actor: Any
) -> Attendance:
    """The leader or staff correct someone's hours before verification (never above the span)."""
    locked = Attendance.objects.select_for_update().select_related("activity").get(pk=attendance.pk)
    if locked.activity.status != ActivityStatus.CLOSED:
        raise DomainError("not_closed", _("只能在活动结束后、核定之前修改时长。"), status=409)
    if hours < 0 or hours > locked.activity.span_hours:
        raise ValidationError({"hours": [_("时长必须在 0 到活动时长之间。")]})
    before = str(locked.hours)
    locked.hours = hours.quantize(Decimal("0.01"))
    locked.hours_note = note.strip()
    locked.no_show = locked.no_show and hours == 0
    locked.save(update_fields=["hours", "hours_note", "no_show"])
    audit_record(
        actor=actor,
        action="attendance.hours",
        target=locked.activity,
        station=locked.activity.station,
        before={"volunteer": locked.volunteer_id, "hours": before},
        after={"volunteer": locked.volunteer_id, "hours": str(locked.hours), "note": note},
    )
    return locked


@transaction.atomic
def activity_verify(*, activity: Activity, actor: Any) -> Activity:
    """closed → verified: each served hour becomes a ledger entry, once (idempotent by source).

    Pending hour claims must be decided first, so nobody's report is lost.
    """
    locked = _move(
        activity,
        ActivityStatus.VERIFIED,
        actor=actor,
        verified_at=timezone.now(),
        verified_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # Checked with the activity locked, so no claim slips in between (the move rolls back).
    if HourClaim.objects.filter(activity=locked, status=HourClaim.Status.PENDING).exists():
        raise DomainError("claims_pending", _("还有待审核的补报时长，请先处理。"), status=409)
    served_on = timezone.localdate(locked.starts_at)
    for row in locked.attendance.select_related("volunteer").filter(hours__gt=0):
        ledger_credit(
            volunteer=row.volunteer,
            account=Account.HOURS,
            amount=row.hours or Decimal("0"),
            kind=EntryKind.ACTIVITY,
            served_on=served_on,
            description=f"{locked.title}（{locked.place}）",
            source_key=f"activity:{locked.pk}:volunteer:{row.volunteer_id}",
            activity=locked,
            actor=actor,
        )
    from linli.incentives.actions.points import points_penalize_no_show

    for row in locked.attendance.select_related("volunteer", "activity").filter(no_show=True):
        points_penalize_no_show(attendance=row, actor=actor)
    return locked
