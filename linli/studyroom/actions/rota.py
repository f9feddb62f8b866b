"""The tutors' rota: who is on duty at the room at noon, and their hours in the ledger.

A shift is given to an active volunteer of the room's station whose service categories include
支教助学 (`education`). Once the shift is over, staff confirm it and its hours go to the one ledger
once (`ledger_credit`, source `study_shift:<id>`, kind `tutoring`), in the same transaction; a
confirmed shift is not removed (the ledger's correction is a reversal, never a delete).
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.categories import ServiceCategory
from linli.core.errors import DomainError
from linli.ledger.actions import ledger_credit
from linli.ledger.models import Account, EntryKind
from linli.studyroom.actions.base import authorize, stored_user
from linli.studyroom.models import Shift, StudyRoom
from linli.volunteers.models import Volunteer


def tutor_eligible(room: StudyRoom, volunteer: Volunteer) -> bool:
    """An active volunteer of the room's station with the education category."""
    return (
        volunteer.station_id == room.station_id
        and volunteer.status == Volunteer.Status.ACTIVE
        and volunteer.categories.filter(category=ServiceCategory.EDUCATION).exists()
    )


@transaction.atomic
def shift_add(
    *,
    room: StudyRoom,
    volunteer: Volunteer,
    day: date,
    actor: Any,
    starts: time | None = None,
    ends: time | None = None,
) -> Shift:
    """Put a tutor on the rota for one day (default: the room's hours). Staff only."""
    authorize(actor, room, "manage")
    if not tutor_eligible(room, volunteer):
        raise ValidationError(
            {"volunteer": [_("值班老师须是本站在册、服务类别含“支教助学”的志愿者。")]}
        )
    today = timezone.localdate()
    if not date(today.year - 1, 1, 1) <= day <= date(today.year + 1, 12, 31):
        raise ValidationError({"day": [_("日期超出范围。")]})
    starts = starts or room.opens_at
    ends = ends or room.closes_at
    if ends <= starts:
        raise ValidationError({"ends": [_("结束时间须晚于开始时间。")]})
    try:
        with transaction.atomic():
            shift = Shift.objects.create(
                room=room,
                volunteer=volunteer,
                day=day,
                starts_at=timezone.make_aware(datetime.combine(day, starts)),
                ends_at=timezone.make_aware(datetime.combine(day, ends)),
                added_by=stored_user(actor),
            )
    except IntegrityError as error:
        raise ValidationError({"volunteer": [_("这位老师当天已在值班表上。")]}) from error
    audit_record(
        actor=actor, action="study_shift.add", target=shift, station=room.station,
        after={"volunteer": volunteer.pk, "day": day.isoformat()},
    )  # fmt: skip
    return shift


@transaction.atomic
def shift_remove(*, shift: Shift, actor: Any) -> None:
    """Take a shift off the rota; a confirmed one (hours in the ledger) stays."""
    authorize(actor, shift.room, "manage")
    locked = Shift.objects.select_for_update().get(pk=shift.pk)
    if locked.ledger_entry_id is not None:
        raise DomainError("shift_confirmed", _("已确认的值班不能删除。"), status=409)
    audit_record(
        actor=actor, action="study_shift.remove", target=locked, station=shift.room.station,
        before={"volunteer": locked.volunteer_id, "day": locked.day.isoformat()},
    )  # fmt: skip
    locked.delete()


def shift_hours(shift: Shift) -> Decimal:
    seconds = Decimal((shift.ends_at - shift.starts_at).total_seconds())
    return (seconds / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def shift_confirm(*, shift: Shift, actor: Any) -> Shift:
    """The tutor served: their hours go to the ledger once. Only after the shift has ended."""
    authorize(actor, shift.room, "manage")
    locked = (
        Shift.objects.select_for_update(of=("self",))
        .select_related("room__station", "volunteer")
        .get(pk=shift.pk)
    )
    if locked.ledger_entry_id is not None:
        return locked
    if locked.ends_at > timezone.now():
        raise DomainError("shift_not_over", _("值班结束后才能确认时长。"), status=409)
    entry, _created = ledger_credit(
        volunteer=locked.volunteer,
        account=Account.HOURS,
        amount=shift_hours(locked),
        kind=EntryKind.TUTORING,
        served_on=locked.day,
        description=_("%(room)s 值班辅导") % {"room": locked.room.name},
        source_key=f"study_shift:{locked.pk}",
        actor=actor,
    )
    locked.ledger_entry = entry
    locked.save(update_fields=["ledger_entry"])
    audit_record(
        actor=actor, action="study_shift.confirm", target=locked, station=locked.room.station,
        after={"hours": str(entry.amount), "entry": entry.pk},
    )  # fmt: skip
    return locked
