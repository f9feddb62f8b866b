"""The room's times and retention period: staff change them on the settings page or with `PATCH
/api/v1/study-room/rooms/{id}`, within bounds, and the still-in alert follows the new time."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.studyroom.actions.day import stay_check_in
from linli.studyroom.models import StudyRoom
from linli.studyroom.tasks import run_sweep
from tests.conftest import World, api_token, bearer, signed_in
from tests.studyroom.conftest import Study
from tests.studyroom.test_roles import _user

pytestmark = pytest.mark.django_db


def _patch(user: Any, room: StudyRoom, **payload: Any) -> Any:
    return Client().patch(
        f"/api/v1/study-room/rooms/{room.pk}", payload, content_type="application/json",
        **bearer(api_token(user)),
    )  # fmt: skip


def _today_at(hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, minute)))


def test_staff_change_the_times_on_the_page(world: World, study: Study) -> None:
    client = signed_in(world.user(Role.STATION_STAFF))
    url = f"/study-room/{study.room.pk}/settings/"
    page = client.get(url).content.decode()
    assert 'value="11:30"' in page and 'value="13:45"' in page
    form = {"name": "焦家社区午间微学堂", "place": "实践站三楼", "opens_at": "11:40",
            "closes_at": "13:20", "still_in_alert_at": "13:30", "retention_days": 90}  # fmt: skip
    assert client.post(url, form).status_code == 302
    room = StudyRoom.objects.get(pk=study.room.pk)
    assert (room.opens_at, room.closes_at, room.still_in_alert_at) == (
        time(11, 40), time(13, 20), time(13, 30),
    )  # fmt: skip
    assert (room.place, room.retention_days) == ("实践站三楼", 90)
    row = AuditLog.objects.get(action="study_room.update")
    assert row.before == {"place": "实践站二楼", "opens_at": "11:30", "closes_at": "13:30",
                          "still_in_alert_at": "13:45", "retention_days": 180}  # fmt: skip
    assert "13:30" in client.get(f"/study-room/{study.room.pk}/").content.decode()
    refused = client.post(url, {**form, "still_in_alert_at": "13:00"})
    assert refused.status_code == 200
    assert "不能早于结束时间" in refused.content.decode()


# who → the settings page and PATCH
ROLES = [
    (Role.STATION_STAFF, 200),
    (Role.ADMIN, 200),
    (Role.SUPERVISOR, 403),  # reads the room, keeps nothing
    ("tutor_on_duty", 403),
    ("tutor_tomorrow", 404),
    ("guardian", 404),
    ("outsider", 404),
    ("outside_supervisor", 404),
]


@pytest.mark.parametrize("who, status", ROLES, ids=[row[0] for row in ROLES])
def test_who_changes_the_times(world: World, study: Study, who: str, status: int) -> None:
    user = _user(world, who)
    assert signed_in(user).get(f"/study-room/{study.room.pk}/settings/").status_code == status
    response = _patch(user, study.room, still_in_alert_at="14:00")
    assert response.status_code == status
    changed = StudyRoom.objects.get(pk=study.room.pk).still_in_alert_at == time(14, 0)
    assert changed == (status == 200)


BOUNDS = [
    ({"opens_at": "05:30"}, "opens_at"),  # before 06:00
    ({"closes_at": "22:30"}, "closes_at"),  # after 22:00
    ({"opens_at": "13:30"}, "closes_at"),  # closes before it opens
    ({"still_in_alert_at": "13:00"}, "still_in_alert_at"),  # before closing
    ({"still_in_alert_at": "16:31"}, "still_in_alert_at"),  # 3 hours after closing at most
    ({"opens_at": "11:30:15"}, "opens_at"),  # seconds
    ({"opens_at": "11:30+08:00"}, "opens_at"),  # an offset
    ({"opens_at": "25:00"}, "opens_at"),
    ({"retention_days": 0}, "retention_days"),
    ({"retention_days": 3651}, "retention_days"),
    ({"name": ""}, "name"),
    ({"name": "x\x00"}, ""),  # refused before the schema, with no field named
    ({"place": "地" * 201}, "place"),
]


@pytest.mark.parametrize("change, field", BOUNDS, ids=[str(row[0]) for row in BOUNDS])
def test_out_of_bounds_is_a_422(
    world: World, study: Study, change: dict[str, Any], field: str
) -> None:
    response = _patch(world.user(Role.STATION_STAFF), study.room, **change)
    assert response.status_code == 422, response.content
    body = response.json()["error"]
    assert field in str(body.get("fields"))
    room = StudyRoom.objects.get(pk=study.room.pk)
    assert (room.opens_at, room.closes_at, room.still_in_alert_at, room.retention_days) == (
        time(11, 30), time(13, 30), time(13, 45), 180,
    )  # fmt: skip


def test_the_api_reads_rooms_and_the_alert_follows_the_new_time(world: World, study: Study) -> None:
    staff = world.user(Role.STATION_STAFF)
    listed = Client().get("/api/v1/study-room/rooms", **bearer(api_token(staff))).json()
    assert [row["name"] for row in listed["items"]] == ["焦家社区午间微学堂"]
    assert listed["items"][0]["pupils"] == 1 and listed["items"][0]["still_in_alert_at"] == "13:45"
    supervisor = Client().get(
        f"/api/v1/study-room/rooms/{study.room.pk}",
        **bearer(api_token(world.user(Role.SUPERVISOR))),
    )
    assert supervisor.status_code == 200  # counts and times, no pupil
    assert world.outsider is not None
    outsider = Client().get(
        f"/api/v1/study-room/rooms/{study.room.pk}", **bearer(api_token(world.outsider))
    )
    assert outsider.status_code == 404
    response = _patch(staff, study.room, closes_at="14:00", still_in_alert_at="14:30")
    assert response.status_code == 200
    assert (response.json()["closes_at"], response.json()["still_in_alert_at"]) == (
        "14:00",
        "14:30",
    )
    stay_check_in(room=study.room, pupil=study.pupil, actor=None)
    assert run_sweep(now=_today_at(13, 50))["still_in_alerted"] == 0  # the old time has gone
    assert run_sweep(now=_today_at(14, 31))["still_in_alerted"] == 1
