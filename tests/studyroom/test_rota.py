"""The tutors' rota and the interest classes: only 支教助学 volunteers tutor; a confirmed shift
puts its hours into the ledger once; a class's places and register."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.accounts.models import Role
from linli.core.errors import DomainError
from linli.ledger.models import LedgerEntry
from linli.studyroom.actions.classes import (
    ClassInput,
    class_attendance_record,
    class_create,
    class_enrol,
)
from linli.studyroom.actions.rota import shift_add, shift_confirm
from linli.studyroom.models import ClassAttendance, Shift
from tests.conftest import Corps, World
from tests.studyroom.conftest import Study

pytestmark = pytest.mark.django_db


def test_only_education_volunteers_tutor(world: World, study: Study, corps: Corps) -> None:
    staff = world.user(Role.STATION_STAFF)
    with pytest.raises(ValidationError):  # 钱进 is of another station
        shift_add(room=study.room, volunteer=corps.outsider, day=timezone.localdate(), actor=staff)
    with pytest.raises(ValidationError):  # 周晓燕 is not approved, nor 支教助学
        shift_add(room=study.room, volunteer=corps.applicant, day=timezone.localdate(), actor=staff)


def test_a_confirmed_shift_credits_its_hours_once(world: World, study: Study) -> None:
    staff = world.user(Role.STATION_STAFF)
    yesterday = timezone.localdate() - timedelta(days=1)
    shift = shift_add(room=study.room, volunteer=study.tutor, day=yesterday, actor=staff)
    confirmed = shift_confirm(shift=shift, actor=staff)
    shift_confirm(shift=shift, actor=staff)
    entry = LedgerEntry.objects.get(source_key=f"study_shift:{shift.pk}")
    assert confirmed.ledger_entry == entry
    assert (entry.kind, entry.amount, entry.volunteer) == ("tutoring", Decimal("2.00"), study.tutor)


def test_a_shift_not_over_is_not_confirmed(world: World, study: Study) -> None:
    shift = Shift.objects.get(room=study.room, volunteer=study.other_tutor)  # tomorrow
    with pytest.raises(DomainError):
        shift_confirm(shift=shift, actor=world.user(Role.STATION_STAFF))


def test_the_tutor_may_not_manage_the_rota(world: World, study: Study) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        shift_add(
            room=study.room, volunteer=study.tutor, day=timezone.localdate(),
            actor=world.user(Role.VOLUNTEER),
        )  # fmt: skip


def test_class_places_and_register(world: World, study: Study) -> None:
    staff = world.user(Role.STATION_STAFF)
    today = timezone.localdate()
    chess = class_create(
        room=study.room,
        data=ClassInput("chess", "象棋班", today.weekday(), time(12, 30), time(13, 10), 1,
                        study.tutor),
        actor=staff,
    )  # fmt: skip
    class_enrol(interest_class=chess, pupil=study.pupil, actor=staff)
    came = class_attendance_record(
        interest_class=chess, day=today, present=[study.pupil.pk], actor=world.user(Role.VOLUNTEER)
    )
    assert came == 1
    assert ClassAttendance.objects.get(pupil=study.pupil, day=today).present
    class_attendance_record(interest_class=chess, day=today, present=[], actor=staff)
    assert not ClassAttendance.objects.get(pupil=study.pupil, day=today).present
    with pytest.raises(ValidationError):
        class_attendance_record(
            interest_class=chess, day=today - timedelta(days=1), present=[], actor=staff
        )
