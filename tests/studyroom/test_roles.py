"""A pupil's data by role: staff and the tutor on duty see the name and guardians, and the
allergies and health notes (every read audited); a guardian sees their own child without the
health notes; nobody else sees anything (404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from tests.conftest import World, api_token, bearer, signed_in
from tests.studyroom.conftest import Study

pytestmark = pytest.mark.django_db

# role → (sees the name and guardians, sees the allergies)
MATRIX = [
    (Role.ADMIN, True, True),
    (Role.STATION_STAFF, True, True),
    ("tutor_on_duty", True, True),
    ("tutor_tomorrow", False, False),
    (Role.SUPERVISOR, False, False),
    (Role.CANTEEN_OPERATOR, False, False),
    (Role.CAREGIVER, False, False),
    ("guardian", True, False),
    ("outsider", False, False),
    ("outside_supervisor", False, False),
]


def _user(world: World, who: str) -> Any:
    return {
        "tutor_on_duty": world.users[Role.VOLUNTEER],
        "tutor_tomorrow": world.users[Role.TEAM_LEADER],
        "guardian": world.users[Role.RESIDENT],
        "outsider": world.outsider,
        "outside_supervisor": world.outside_supervisor,
    }.get(who) or world.user(who)


@pytest.mark.parametrize("who, names, health", MATRIX, ids=[row[0] for row in MATRIX])
def test_pupil_in_the_api(world: World, study: Study, who: str, names: bool, health: bool) -> None:
    user = _user(world, who)
    headers = bearer(api_token(user))
    response = Client().get(f"/api/v1/study-room/pupils/{study.pupil.pk}", **headers)
    listed = Client().get("/api/v1/study-room/pupils", **headers).json()
    if not names:
        assert response.status_code == 404
        assert listed["count"] == 0
        return
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "李梓涵"
    assert {g["name"] for g in body["guardians"]} == {"李建国", "李秀英"}
    assert [row["name"] for row in listed["items"]] == ["李梓涵"]
    reads = AuditLog.objects.filter(action="pupil.health_read", target_id=str(study.pupil.pk))
    if health:
        assert body["health"] == {"allergies": "花生过敏", "health_notes": "哮喘，备有喷雾"}
        assert reads.get().actor == user
    else:
        assert body["health"] is None
        assert not reads.exists()
    assert "花生" not in str(listed)


@pytest.mark.parametrize("who, names, health", MATRIX, ids=[row[0] for row in MATRIX])
def test_pupil_page(world: World, study: Study, who: str, names: bool, health: bool) -> None:
    client = signed_in(_user(world, who))
    url = f"/study-room/{study.room.pk}/pupils/{study.pupil.pk}/"
    response = client.get(url)
    if not names:
        assert response.status_code == 404
        return
    page = response.content.decode()
    assert "李梓涵" in page and "李秀英" in page
    assert "花生" not in page  # shown only on request, and audited
    revealed = client.post(url, {"reveal": "1"}).content.decode()
    assert ("花生过敏" in revealed) is health


@pytest.mark.parametrize("who, names, health", MATRIX, ids=[row[0] for row in MATRIX])
def test_duty_page(world: World, study: Study, who: str, names: bool, health: bool) -> None:
    response = signed_in(_user(world, who)).get(f"/study-room/{study.room.pk}/duty/")
    # The day's board: staff and the tutor on duty only (a guardian sees their own child elsewhere).
    expected = 200 if who in (Role.ADMIN, Role.STATION_STAFF, "tutor_on_duty") else 404
    assert response.status_code == expected
    if expected == 200:
        assert "李梓涵" in response.content.decode()


def test_a_supervisor_reads_the_counts_only(world: World, study: Study) -> None:
    response = signed_in(world.user(Role.SUPERVISOR)).get(f"/study-room/{study.room.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "李梓涵" not in page
    assert 'data-testid="pupil-count">1<' in page
