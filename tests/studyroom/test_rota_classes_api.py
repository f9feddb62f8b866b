"""The rota and the interest classes through the API: the station's staff keep them; the tutor
on duty reads the classes and keeps a session's register; a volunteer reads their own shifts;
everyone else sees nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.ledger.models import LedgerEntry
from linli.studyroom.models import ClassAttendance, ClassEnrolment, InterestClass, Shift
from tests.conftest import Corps, World, api_token, bearer
from tests.studyroom.conftest import Study
from tests.studyroom.test_roles import _user

pytestmark = pytest.mark.django_db


def _call(method: str, user: Any, url: str, payload: Any = None, **query: Any) -> Any:
    client = Client()
    headers = bearer(api_token(user))
    if method == "get":
        return client.get(f"/api/v1/study-room{url}", query, **headers)
    return getattr(client, method)(
        f"/api/v1/study-room{url}", payload, content_type="application/json", **headers
    )


def test_staff_keep_the_rota(world: World, study: Study, corps: Corps) -> None:
    staff = world.user(Role.STATION_STAFF)
    yesterday = timezone.localdate() - timedelta(days=1)
    listed = _call("get", staff, "/shifts", room=study.room.pk).json()
    assert [row["name"] for row in listed["items"]] == ["黄文静", "张志强"]  # today, tomorrow
    created = _call("post", staff, "/shifts", {"room": study.room.pk, "volunteer": study.tutor.pk,
                                              "day": yesterday.isoformat(), "starts": "11:30",
                                              "ends": "13:00"})  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["hours"], body["confirmed"]) == ("1.50", False)
    confirmed = _call("post", staff, f"/shifts/{body['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"]
    assert LedgerEntry.objects.get(source_key=f"study_shift:{body['id']}").kind == "tutoring"
    assert _call("delete", staff, f"/shifts/{body['id']}").status_code == 409  # confirmed stays
    tomorrow = Shift.objects.get(volunteer=study.other_tutor)
    early = _call("post", staff, f"/shifts/{tomorrow.pk}/confirm")
    assert (early.status_code, early.json()["error"]["code"]) == (409, "shift_not_over")
    assert _call("delete", staff, f"/shifts/{tomorrow.pk}").status_code == 204
    not_a_tutor = _call("post", staff, "/shifts", {"room": study.room.pk,
                                                  "volunteer": corps.applicant.pk,
                                                  "day": yesterday.isoformat()})  # fmt: skip
    assert not_a_tutor.status_code == 422
    twice = _call("post", staff, "/shifts", {"room": study.room.pk, "volunteer": study.tutor.pk,
                                            "day": yesterday.isoformat()})  # fmt: skip
    assert twice.status_code == 422


@pytest.mark.parametrize(
    "query, status",
    [({"from": "2026-01-10", "to": "2026-01-01"}, 422), ({"from": "2020-01-01", "to": "2026-01-01"}, 422),
     ({"from": "1800-01-01"}, 422), ({"room": 2**63}, 422)],
)  # fmt: skip
def test_the_rota_list_is_bounded(
    world: World, study: Study, query: dict[str, Any], status: int
) -> None:
    response = _call("get", world.user(Role.STATION_STAFF), "/shifts", **query)
    assert response.status_code == status


# who → (shifts listed, may add a shift, classes listed, may create a class, keeps a register)
MATRIX = [
    (Role.STATION_STAFF, 2, 201, 1, 201, 200),
    (Role.ADMIN, 2, 201, 1, 201, 200),
    ("tutor_on_duty", 1, 403, 1, 403, 200),  # their own shift
    ("tutor_tomorrow", 1, 404, 0, 404, 404),  # their own shift, not on duty today
    (Role.SUPERVISOR, 0, 403, 0, 403, 404),
    ("guardian", 0, 404, 0, 404, 404),
    ("outsider", 0, 404, 0, 404, 404),
    ("outside_supervisor", 0, 404, 0, 404, 404),
]


@pytest.mark.parametrize("who, shifts, add, classes, create, register", MATRIX,
                         ids=[row[0] for row in MATRIX])  # fmt: skip
def test_who_reaches_the_rota_and_the_classes(
    world: World, study: Study, who: str, shifts: int, add: int, classes: int, create: int,
    register: int,
) -> None:  # fmt: skip
    today = timezone.localdate()
    chess = InterestClass.objects.create(
        room=study.room, kind="chess", name="象棋班", weekday=today.weekday(),
        starts="12:30", ends="13:10", capacity=10,
    )  # fmt: skip
    ClassEnrolment.objects.create(interest_class=chess, pupil=study.pupil, enrolled_on=today)
    user = _user(world, who)
    assert _call("get", user, "/shifts").json()["count"] == shifts
    day = (today + timedelta(days=3)).isoformat()
    added = _call("post", user, "/shifts", {"room": study.room.pk, "volunteer": study.tutor.pk,
                                           "day": day})  # fmt: skip
    assert added.status_code == add
    assert _call("get", user, "/classes").json()["count"] == classes
    created = _call("post", user, "/classes", {"room": study.room.pk, "kind": "painting",
                                              "name": "绘画班", "weekday": 2, "starts": "12:30",
                                              "ends": "13:10", "capacity": 8})  # fmt: skip
    assert created.status_code == create
    marked = _call("post", user, f"/classes/{chess.pk}/attendance",
                   {"day": today.isoformat(), "present": [study.pupil.pk]})  # fmt: skip
    assert marked.status_code == register
    assert ClassAttendance.objects.filter(present=True).exists() == (register == 200)
    detail = _call("get", user, f"/classes/{chess.pk}")
    assert detail.status_code == (200 if classes else 404)
    if classes:
        assert [row["name"] for row in detail.json()["pupils"]] == ["李梓涵"]


def test_staff_enrol_pupils_within_the_places(world: World, study: Study, registry: Any) -> None:
    staff = world.user(Role.STATION_STAFF)
    created = _call("post", staff, "/classes", {"room": study.room.pk, "kind": "music",
                                               "name": "葫芦丝", "weekday": 4, "starts": "12:20",
                                               "ends": "13:00", "capacity": 1,
                                               "tutor": study.tutor.pk})  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["tutor_name"], body["enrolled"], body["starts"]) == ("黄文静", 0, "12:20")
    url = f"/classes/{body['id']}/enrolments"
    assert _call("post", staff, url, {"pupil": study.pupil.pk}).status_code == 201
    twice = _call("post", staff, url, {"pupil": study.pupil.pk})
    assert twice.status_code == 409  # full (and enrolled already)
    assert _call("get", staff, f"/classes/{body['id']}").json()["enrolled"] == 1
    tutor = world.user(Role.VOLUNTEER)
    assert _call("delete", tutor, f"{url}/{study.pupil.pk}").status_code == 403
    assert _call("delete", staff, f"{url}/{study.pupil.pk}").status_code == 204
    assert _call("delete", staff, f"{url}/{study.pupil.pk}").status_code == 404
    assert _call("get", staff, f"/classes/{body['id']}").json()["pupils"] == []


@pytest.mark.parametrize(
    "change",
    [{"kind": "dance"}, {"weekday": 7}, {"ends": "12:00"}, {"capacity": 0}, {"capacity": 201},
     {"name": ""}, {"starts": "12:30:30"}, {"tutor": 2**63}],
)  # fmt: skip
def test_a_bad_class_is_a_422(world: World, study: Study, change: dict[str, Any]) -> None:
    payload = {"room": study.room.pk, "kind": "chess", "name": "象棋", "weekday": 1,
               "starts": "12:30", "ends": "13:10", "capacity": 8, **change}  # fmt: skip
    response = _call("post", world.user(Role.STATION_STAFF), "/classes", payload)
    assert response.status_code == 422, response.content
    assert not InterestClass.objects.exists()


def test_a_register_of_a_wrong_day_or_pupil_is_a_422(world: World, study: Study) -> None:
    today = timezone.localdate()
    chess = InterestClass.objects.create(
        room=study.room, kind="chess", name="象棋班", weekday=today.weekday(),
        starts="12:30", ends="13:10", capacity=10,
    )  # fmt: skip
    staff = world.user(Role.STATION_STAFF)
    url = f"/classes/{chess.pk}/attendance"
    other_day = (today - timedelta(days=1)).isoformat()
    assert _call("post", staff, url, {"day": other_day, "present": []}).status_code == 422
    not_enrolled = _call(
        "post", staff, url, {"day": today.isoformat(), "present": [study.pupil.pk]}
    )
    assert not_enrolled.status_code == 422
