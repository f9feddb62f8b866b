"""A troupe's rehearsals and performances through the API: its leader or the station's staff
publish them (`POST /api/v1/teams/{id}/events`), everyone who sees the team reads them."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.teams.models import Team, TeamMembership, TroupeActivity
from tests.conftest import Corps, World, api_token, bearer

pytestmark = pytest.mark.django_db


def _at(days: int, hour: int) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour))).isoformat()


@pytest.fixture
def troupe(world: World, corps: Corps) -> Team:
    culture = Team.objects.create(station=world.jiaojia, name="文体志愿服务队")
    drums = Team.objects.create(station=world.jiaojia, name="腰鼓队", parent=culture)
    TeamMembership.objects.create(
        team=drums, volunteer=corps.leader, role="leader", status="active"
    )
    return drums


def _event(**change: Any) -> dict[str, Any]:
    return {"kind": "rehearsal", "title": "腰鼓队周五排练", "place": "文化广场",
            "starts_at": _at(3, 18), "ends_at": _at(3, 20), "capacity": 20, **change}  # fmt: skip


def _post(user: Any, team: Team, payload: dict[str, Any]) -> Any:
    return Client().post(
        f"/api/v1/teams/{team.pk}/events", payload, content_type="application/json",
        **bearer(api_token(user)),
    )  # fmt: skip


@pytest.mark.parametrize(
    "role, status",
    [(Role.TEAM_LEADER, 201), (Role.STATION_STAFF, 201), (Role.ADMIN, 201),
     (Role.VOLUNTEER, 404), (Role.SUPERVISOR, 404), ("outsider", 404)],
)  # fmt: skip
def test_who_publishes_a_troupes_events(
    world: World, corps: Corps, troupe: Team, role: str, status: int
) -> None:
    user = world.outsider if role == "outsider" else world.user(role)
    response = _post(user, troupe, _event())
    assert response.status_code == status, response.content
    assert TroupeActivity.objects.exists() == (status == 201)
    if status == 201:
        body = response.json()
        assert (body["kind"], body["status"], body["members_only"]) == (
            "rehearsal", "published", True,
        )  # fmt: skip


def test_a_performance_is_open_and_the_list_reads_both(
    world: World, corps: Corps, troupe: Team
) -> None:
    leader = world.user(Role.TEAM_LEADER)
    assert _post(leader, troupe, _event()).status_code == 201
    show = _post(leader, troupe, _event(kind="performance", title="元宵腰鼓展演",
                                        starts_at=_at(10, 9), ends_at=_at(10, 11)))  # fmt: skip
    assert show.status_code == 201 and not show.json()["members_only"]
    listed = (
        Client()
        .get(f"/api/v1/teams/{troupe.pk}/events", **bearer(api_token(world.user(Role.VOLUNTEER))))
        .json()
    )
    assert [row["title"] for row in listed["items"]] == ["元宵腰鼓展演", "腰鼓队周五排练"]
    assert world.outsider is not None
    hidden = Client().get(f"/api/v1/teams/{troupe.pk}/events", **bearer(api_token(world.outsider)))
    assert hidden.status_code == 404


@pytest.mark.parametrize(
    "change",
    [{"kind": "party"}, {"title": ""}, {"capacity": 0}, {"capacity": 501},
     {"ends_at": _at(3, 17)}, {"starts_at": "1800-01-01T10:00:00+08:00"}, {"title": "x" * 101}],
)  # fmt: skip
def test_a_bad_event_is_a_422(world: World, corps: Corps, troupe: Team, change: Any) -> None:
    response = _post(world.user(Role.STATION_STAFF), troupe, _event(**change))
    assert response.status_code == 422, response.content
    assert not TroupeActivity.objects.exists()


def test_the_parent_team_is_not_a_troupe(world: World, corps: Corps, troupe: Team) -> None:
    assert troupe.parent is not None
    response = _post(world.user(Role.STATION_STAFF), troupe.parent, _event())
    assert response.status_code == 422
