"""Training (志愿者管理培训制度; 67号令 培训: 名称, 主要内容, 学习时长, 举办单位, 日期).

A course is held in dated sessions; a session's roll records who attended and for how long.
Training hours live on TrainingAttendance only: they are not volunteer service, so nothing here
writes to the service-hour ledger, points or the time bank (67号令: 非志愿服务不予记录).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.org.models import Station
from linli.volunteers.models import Course, TrainingAttendance, TrainingSession, Volunteer

MAX_HOURS = Decimal("999.9")
TENTH = Decimal("0.1")


def _clean_hours(value: Any, field: str = "hours") -> Decimal:
    """Hours as a positive decimal with one place (0.5 h steps are common), below 1,000."""
    try:
        hours = Decimal(str(value)).quantize(TENTH)
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: [_("学习时长须为数字。")]}) from error
    if not Decimal(0) < hours <= MAX_HOURS:
        raise ValidationError({field: [_("学习时长须大于 0 且小于 1000 小时。")]})
    return hours


@transaction.atomic
def course_create(
    *,
    station: Station,
    name: str,
    hours: Any,
    organizer: str = "",
    content: str = "",
    actor: Any,
) -> Course:
    """A course of the station: name unique there, hours > 0; the organizer (举办单位) defaults
    to the station itself."""
    errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        errors["name"] = [_("请填写课程名称。")]
    elif Course.objects.filter(station=station, name=name).exists():
        errors["name"] = [_("本站已有同名的培训课程。")]
    try:
        clean_hours = _clean_hours(hours)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    course = Course.objects.create(
        station=station,
        name=name,
        hours=clean_hours,
        organizer=organizer.strip() or station.name,
        content=content.strip(),
    )
    audit_record(
        actor=actor,
        action="course.create",
        target=course,
        station=station,
        after={"name": name, "hours": str(clean_hours), "organizer": course.organizer},
    )
    return course


@transaction.atomic
def session_create(
    *, course: Course, held_on: date, place: str = "", trainer: str = "", actor: Any
) -> TrainingSession:
    """A dated session of a course (planned ahead or recorded afterwards)."""
    if not isinstance(held_on, date):
        raise ValidationError({"held_on": [_("请填写培训日期。")]})
    session = TrainingSession.objects.create(
        course=course, held_on=held_on, place=place.strip(), trainer=trainer.strip()
    )
    audit_record(
        actor=actor,
        action="training.session_create",
        target=session,
        station=course.station,
        after={"course": course.pk, "held_on": held_on.isoformat(), "place": session.place},
    )
    return session


@transaction.atomic
def attendance_record(
    *,
    session: TrainingSession,
    present: Iterable[Volunteer],
    hours: Any = None,
    actor: Any,
) -> list[TrainingAttendance]:
    """Record a session's roll at once: `present` is everyone who attended, each credited
    `hours` of training (by default the course's hours).

    The roll is the whole truth for the session: someone recorded before and not in `present`
    now is marked absent (`attended=False`, 0 h) — the row stays, and the audit row keeps both
    rolls. Newcomers must be active volunteers of the course's station; a session is recorded
    only on or after its date. Training hours never enter the service-hour ledger.
    """
    locked = (
        TrainingSession.objects.select_for_update()
        .select_related("course__station")
        .get(pk=session.pk)
    )
    course = locked.course
    if locked.held_on > timezone.localdate():
        raise DomainError("session_not_held", _("培训尚未举行，不能记录出勤。"), status=409)
    credited = course.hours if hours in (None, "") else _clean_hours(hours)
    wanted = {volunteer.pk for volunteer in present}
    existing = {row.volunteer_id: row for row in locked.attendance.select_for_update()}
    newcomers = wanted - set(existing)
    if newcomers:
        eligible = set(
            Volunteer.objects.filter(
                pk__in=newcomers, station_id=course.station_id, status=Volunteer.Status.ACTIVE
            ).values_list("pk", flat=True)
        )
        if eligible != newcomers:
            raise ValidationError({"present": [_("只能记录本站在册志愿者的出勤。")]})
    before = sorted(pk for pk, row in existing.items() if row.attended)
    now = timezone.now()
    recorder = actor if getattr(actor, "is_authenticated", False) else None
    changed: list[TrainingAttendance] = []
    for volunteer_id, row in existing.items():
        attended = volunteer_id in wanted
        row_hours = credited if attended else Decimal(0)
        if row.attended != attended or row.hours != row_hours:
            row.attended, row.hours = attended, row_hours
            row.recorded_by, row.recorded_at = recorder, now
            changed.append(row)
    TrainingAttendance.objects.bulk_update(
        changed, ["attended", "hours", "recorded_by", "recorded_at"]
    )
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(
            session=locked,
            volunteer_id=volunteer_id,
            attended=True,
            hours=credited,
            recorded_by=recorder,
            recorded_at=now,
        )
        for volunteer_id in sorted(newcomers)
    )
    audit_record(
        actor=actor,
        action="training.attendance",
        target=locked,
        station=course.station,
        before={"present": before},
        after={"present": sorted(wanted), "hours": str(credited)},
    )
    return list(locked.attendance.select_related("volunteer__person").order_by("pk"))
