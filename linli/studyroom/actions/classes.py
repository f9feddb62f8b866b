"""Interest classes (书法, 绘画, 象棋, 乐器): the classes, who is enrolled, who came."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.studyroom.actions.base import authorize, stored_user
from linli.studyroom.actions.rota import tutor_eligible
from linli.studyroom.models import (
    ClassAttendance,
    ClassEnrolment,
    ClassKind,
    InterestClass,
    Pupil,
    PupilStatus,
    StudyRoom,
)
from linli.volunteers.models import Volunteer


@dataclass(frozen=True)
class ClassInput:
    kind: str
    name: str
    weekday: int
    starts: time
    ends: time
    capacity: int
    tutor: Volunteer | None = None


@transaction.atomic
def class_create(*, room: StudyRoom, data: ClassInput, actor: Any) -> InterestClass:
    """A new interest class of the room (staff)."""
    authorize(actor, room, "manage")
    errors: dict[str, list[str]] = {}
    if data.kind not in ClassKind.values:
        errors["kind"] = [_("请选择类别。")]
    if not data.name.strip() or len(data.name) > 60:
        errors["name"] = [_("请填写名称（不超过 60 字）。")]
    if not 0 <= data.weekday <= 6:
        errors["weekday"] = [_("请选择星期。")]
    if data.ends <= data.starts:
        errors["ends"] = [_("结束时间须晚于开始时间。")]
    if not 1 <= data.capacity <= 200:
        errors["capacity"] = [_("名额须在 1 到 200 之间。")]
    if data.tutor is not None and not tutor_eligible(room, data.tutor):
        errors["tutor"] = [_("老师须是本站在册、服务类别含“支教助学”的志愿者。")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            created = InterestClass.objects.create(
                room=room,
                kind=data.kind,
                name=data.name.strip(),
                weekday=data.weekday,
                starts=data.starts,
                ends=data.ends,
                capacity=data.capacity,
                tutor=data.tutor,
            )
    except IntegrityError as error:
        raise ValidationError({"name": [_("已有同名的兴趣班。")]}) from error
    audit_record(
        actor=actor, action="study_class.create", target=created, station=room.station,
        after={"name": created.name, "kind": created.kind},
    )  # fmt: skip
    return created


@transaction.atomic
def class_enrol(*, interest_class: InterestClass, pupil: Pupil, actor: Any) -> ClassEnrolment:
    """A pupil joins a class, within its places (a full class is 409 `class_full`)."""
    room = interest_class.room
    authorize(actor, room, "manage")
    locked = InterestClass.objects.select_for_update().get(pk=interest_class.pk)
    if pupil.room_id != room.pk or pupil.status != PupilStatus.ACTIVE:
        raise ValidationError({"pupil": [_("这位学生不在本微学堂。")]})
    taken = locked.enrolments.filter(left_on__isnull=True).count()
    if taken >= locked.capacity:
        raise DomainError("class_full", _("这个兴趣班已满。"), status=409)
    try:
        with transaction.atomic():
            enrolment = ClassEnrolment.objects.create(
                interest_class=locked, pupil=pupil, enrolled_on=timezone.localdate()
            )
    except IntegrityError as error:
        raise ValidationError({"pupil": [_("这位学生已在这个兴趣班。")]}) from error
    audit_record(
        actor=actor, action="study_class.enrol", target=locked, station=room.station,
        after={"pupil": pupil.pk},
    )  # fmt: skip
    return enrolment


@transaction.atomic
def class_leave(*, enrolment: ClassEnrolment, actor: Any) -> ClassEnrolment:
    room = enrolment.interest_class.room
    authorize(actor, room, "manage")
    if enrolment.left_on is None:
        enrolment.left_on = timezone.localdate()
        enrolment.save(update_fields=["left_on"])
        audit_record(
            actor=actor, action="study_class.leave", target=enrolment.interest_class,
            station=room.station, after={"pupil": enrolment.pupil_id},
        )  # fmt: skip
    return enrolment


@transaction.atomic
def class_attendance_record(
    *, interest_class: InterestClass, day: date, present: Iterable[int], actor: Any
) -> int:
    """The register of one session: every enrolled pupil present or absent (a second register
    of the same day replaces the first). Staff and the tutor on duty. Returns how many came."""
    room = interest_class.room
    authorize(actor, room, "day")
    if day > timezone.localdate() or day.weekday() != interest_class.weekday:
        raise ValidationError({"day": [_("这一天没有这个兴趣班。")]})
    came = set(present)
    enrolled = list(
        interest_class.enrolments.filter(enrolled_on__lte=day, pupil__status=PupilStatus.ACTIVE)
        .exclude(left_on__lt=day)
        .values_list("pupil_id", flat=True)
    )
    if not came <= set(enrolled):
        raise ValidationError({"present": [_("出勤名单中有未报名这个兴趣班的学生。")]})
    for pupil_id in enrolled:
        ClassAttendance.objects.update_or_create(
            interest_class=interest_class,
            pupil_id=pupil_id,
            day=day,
            defaults={"present": pupil_id in came, "recorded_by": stored_user(actor)},
        )
    audit_record(
        actor=actor, action="study_class.attendance", target=interest_class, station=room.station,
        after={"day": day.isoformat(), "present": len(came), "enrolled": len(enrolled)},
    )  # fmt: skip
    return len(came)
