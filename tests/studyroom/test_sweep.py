"""The sweep: the still-in alert (staff and guardians, each late stay once) and the retention
rule (a pupil who left is anonymised after the room's retention period, attendance days kept)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from linli.accounts.models import Role
from linli.notifications.models import Notification
from linli.studyroom.actions.day import stay_check_in, stay_pick_up
from linli.studyroom.actions.pupils import pupil_leave, pupils_anonymise_due
from linli.studyroom.models import Guardian, GuardianConsent, Pupil, Stay
from linli.studyroom.queries import attendance_days_by_station_month, pupil_count
from linli.studyroom.tasks import run_sweep
from tests.conftest import World, reads_in_english
from tests.studyroom.conftest import Study

pytestmark = pytest.mark.django_db


def _today_at(hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, minute)))


def test_still_in_after_the_set_time_alerts_staff_and_guardians(world: World, study: Study) -> None:
    stay_check_in(room=study.room, pupil=study.pupil, actor=None)
    assert run_sweep(now=_today_at(13, 40))["still_in_alerted"] == 0  # before 13:45
    assert run_sweep(now=_today_at(13, 50))["still_in_alerted"] == 1
    assert run_sweep(now=_today_at(14, 0))["still_in_alerted"] == 0  # once
    alerts = Notification.objects.filter(kind="studyroom.still_in")
    assert {alert.user for alert in alerts} == {
        world.user(Role.STATION_STAFF),
        world.user(Role.RESIDENT),  # 李建国, the father, has an account; 李秀英 has none
    }
    assert all("李梓涵" in alert.title for alert in alerts)
    assert all("has not been picked up" in reads_in_english(alert) for alert in alerts)


def test_a_pupil_picked_up_in_time_raises_nothing(study: Study) -> None:
    stay_check_in(room=study.room, pupil=study.pupil, actor=None)
    stay_pick_up(room=study.room, pupil=study.pupil, person=study.father, actor=None)
    assert run_sweep(now=_today_at(14, 0))["still_in_alerted"] == 0
    assert not Notification.objects.filter(kind="studyroom.still_in").exists()


def test_retention_anonymises_after_the_period_and_keeps_the_days(study: Study) -> None:
    stay_check_in(room=study.room, pupil=study.pupil, actor=None)
    stay_pick_up(room=study.room, pupil=study.pupil, person=study.father, actor=None)
    today = timezone.localdate()
    left = pupil_leave(pupil=study.pupil, actor=None, on=today - timedelta(days=10))
    assert left.purge_on == today - timedelta(days=10) + timedelta(days=180)
    assert pupils_anonymise_due(today=left.purge_on - timedelta(days=1)) == 0
    Pupil.objects.filter(pk=left.pk).update(purge_on=today)
    call_command("study_room_sweep", stdout=open("/dev/null", "w"))  # noqa: SIM115
    pupil = Pupil.objects.get(pk=left.pk)
    assert pupil.status == "anonymised"
    assert pupil.resident_id is None and pupil.health_cipher == "" and pupil.school == ""
    assert not Guardian.objects.filter(pupil=pupil).exists()
    assert GuardianConsent.objects.get(pupil=pupil).guardian_id is None
    stay = Stay.objects.get(pupil=pupil)
    assert stay.picked_up_by_id is None
    month = f"{stay.day:%Y-%m}"
    station = study.room.station_id
    assert attendance_days_by_station_month([station]) == {(station, month): 1}
    assert pupil_count([station]) == 0
    # A pupil page of an anonymised row is a 404, like one that never existed.
    assert pupils_anonymise_due(today=today) == 0


def test_an_active_pupil_is_never_anonymised(study: Study) -> None:
    assert pupils_anonymise_due(today=timezone.localdate() + timedelta(days=3650)) == 0
    assert Pupil.objects.get(pk=study.pupil.pk).resident_id == study.child.pk


def test_the_summary_counts_pupils_and_their_days(world: World, study: Study) -> None:
    from django.test import Client

    from tests.conftest import api_token, bearer

    stay_check_in(room=study.room, pupil=study.pupil, actor=None)
    body = (
        Client()
        .get("/api/v1/stats/summary", **bearer(api_token(world.user(Role.STATION_STAFF))))
        .json()
    )
    assert (body["pupils"], body["study_room_days"]) == (1, 1)
