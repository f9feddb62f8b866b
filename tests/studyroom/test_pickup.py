"""Pick-up: only a guardian on the pupil's list as it stands now takes the pupil home. Anyone
else is refused with 409 `not_a_guardian`, the refusal is kept and the staff are told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.notifications.models import Notification
from linli.people.card import resident_card_token
from linli.studyroom.actions.day import NotAGuardian, stay_check_in, stay_pick_up_by_card
from linli.studyroom.actions.pupils import guardian_remove
from linli.studyroom.models import Guardian, PickupRefusal, Stay
from tests.conftest import Registry, World, api_token, bearer, reads_in_english, signed_in
from tests.studyroom.conftest import Study

pytestmark = pytest.mark.django_db


def _attend(user: Any, **payload: Any) -> Any:
    return Client().post(
        "/api/v1/study-room/attendance", payload, content_type="application/json",
        **bearer(api_token(user)),
    )  # fmt: skip


def _remove(study: Study, person: Any, *, days_ago: int) -> None:
    guardian = Guardian.objects.get(pupil=study.pupil, resident=person)
    guardian_remove(guardian=guardian, actor=None)
    when = timezone.now() - timedelta(days=days_ago)
    Guardian.objects.filter(pk=guardian.pk).update(removed_at=when)


# Who comes for 李梓涵, what was done to the list before, and the answer.
CASES = [
    ("father", None, 201, ""),
    ("grandmother", None, 201, ""),
    ("neighbour", None, 409, "not_a_guardian"),
    ("nobody", None, 409, "not_a_guardian"),
    ("outsider", None, 409, "not_a_guardian"),  # a resident of another station
    ("child", None, 409, "not_a_guardian"),  # the pupil herself
    ("grandmother", "removed_yesterday", 409, "not_a_guardian"),
    ("grandmother", "removed_just_now", 409, "not_a_guardian"),
    ("father", "grandmother_removed_yesterday", 201, ""),
]


@pytest.mark.parametrize(
    "who, before, status, code", CASES, ids=[f"{c[0]}-{c[1] or 'listed'}" for c in CASES]
)
def test_pick_up_table(
    world: World,
    registry: Registry,
    study: Study,
    who: str,
    before: str | None,
    status: int,
    code: str,
) -> None:
    if before == "removed_yesterday":
        _remove(study, study.grandmother, days_ago=1)
    elif before == "removed_just_now":
        _remove(study, study.grandmother, days_ago=0)
    elif before == "grandmother_removed_yesterday":
        _remove(study, study.grandmother, days_ago=1)
    people = {
        "father": study.father,
        "grandmother": study.grandmother,
        "neighbour": study.neighbour,
        "outsider": registry.outsider,
        "child": study.child,
        "nobody": None,
    }
    tutor = world.user(Role.VOLUNTEER)  # on duty today
    assert _attend(tutor, pupil=study.pupil.pk, kind="in").status_code == 201
    person = people[who]
    payload: dict[str, Any] = {"pupil": study.pupil.pk, "kind": "out"}
    if person is not None:
        payload["picked_up_by"] = person.pk
    response = _attend(tutor, **payload)
    assert response.status_code == status, response.content
    stay = Stay.objects.get(pupil=study.pupil)
    if status == 201:
        assert response.json()["picked_up_by"] == person.pk
        assert stay.out_at is not None and stay.picked_up_by_id == person.pk
        assert not PickupRefusal.objects.exists()
        return
    assert response.json()["error"]["code"] == code
    assert stay.out_at is None  # still in
    refusal = PickupRefusal.objects.get(stay=stay)
    assert refusal.presented_id == (person.pk if person else None)
    alert = Notification.objects.get(kind="studyroom.pickup_refused")
    assert alert.user == world.user(Role.STATION_STAFF)
    assert "李梓涵" in alert.title
    assert "was refused" in reads_in_english(alert)


def test_pick_up_by_the_guardians_card(world: World, study: Study) -> None:
    staff = world.user(Role.STATION_STAFF)
    stay_check_in(room=study.room, pupil=study.pupil, actor=staff)
    stay = stay_pick_up_by_card(
        room=study.room, pupil=study.pupil, scanned=resident_card_token(study.father), actor=staff
    )
    assert stay.picked_up_by == study.father and stay.out_method == "qr"


def test_a_neighbours_card_is_refused(world: World, study: Study) -> None:
    staff = world.user(Role.STATION_STAFF)
    stay_check_in(room=study.room, pupil=study.pupil, actor=staff)
    with pytest.raises(NotAGuardian):
        stay_pick_up_by_card(
            room=study.room, pupil=study.pupil, scanned=resident_card_token(study.neighbour),
            actor=staff,
        )  # fmt: skip
    assert PickupRefusal.objects.filter(presented=study.neighbour).count() == 1


def test_the_phone_page_refuses_a_stranger(world: World, study: Study) -> None:
    client = signed_in(world.user(Role.VOLUNTEER))
    url = f"/study-room/{study.room.pk}/duty/{study.pupil.pk}/"
    assert client.post(url + "in/").status_code == 302
    response = client.post(url + "out/", {"person": study.neighbour.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "不在 李梓涵 的接送人名单中" in response.content.decode()
    assert Stay.objects.get(pupil=study.pupil).out_at is None
    response = client.post(url + "out/", {"person": study.father.pk}, HTTP_HX_REQUEST="true")
    assert "已由 李建国 接走" in response.content.decode()


def test_check_in_twice_a_day_is_409(world: World, study: Study) -> None:
    tutor = world.user(Role.VOLUNTEER)
    assert _attend(tutor, pupil=study.pupil.pk, kind="in").status_code == 201
    response = _attend(tutor, pupil=study.pupil.pk, kind="in")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_checked_in"


def test_out_without_in_is_409(world: World, study: Study) -> None:
    response = _attend(
        world.user(Role.VOLUNTEER), pupil=study.pupil.pk, kind="out", picked_up_by=study.father.pk
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_checked_in"


@pytest.mark.parametrize(
    "role", [Role.SUPERVISOR, Role.TEAM_LEADER, Role.RESIDENT, Role.CAREGIVER, "outsider"]
)
def test_only_staff_and_the_tutor_on_duty_keep_the_day(
    world: World, study: Study, role: str
) -> None:
    user = world.outsider if role == "outsider" else world.user(role)
    response = _attend(user, pupil=study.pupil.pk, kind="in")
    assert response.status_code == 404
    assert not Stay.objects.exists()
