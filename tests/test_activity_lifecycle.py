"""An activity's life through the API: every (state, action) pair over ACTIVITY_TRANSITIONS, who
may run it, cancelling with a reason, and recording afterwards (补录) inside the 10-working-day
window.

The cast (tests/conftest.py `corps`): the team_leader user leads 党员志愿服务队 (`party_team`);
法律援助志愿服务队 (`law_team`) is another team of 焦家 with no leader; the outsider is station staff
at 黄池, who must see nothing of 焦家.
"""

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.accounts.models import Role
from linli.activities.actions import lifecycle
from linli.activities.actions.signups import signup_create
from linli.activities.models import ACTIVITY_TRANSITIONS, Activity, ActivityStatus
from linli.core.workdays import add_working_days
from tests.conftest import api_token, bearer

# The API action that moves an activity to each state.
ACTIONS = {
    "publish": ActivityStatus.PUBLISHED,
    "start": ActivityStatus.ONGOING,
    "close": ActivityStatus.CLOSED,
    "cancel": ActivityStatus.CANCELLED,
    "verify": ActivityStatus.VERIFIED,
}
# How to reach each state from a fresh draft, by the same actions.
PATHS: dict[str, list[str]] = {
    ActivityStatus.DRAFT: [],
    ActivityStatus.PUBLISHED: ["publish"],
    ActivityStatus.ONGOING: ["publish", "start"],
    ActivityStatus.CLOSED: ["publish", "start", "close"],
    ActivityStatus.VERIFIED: ["publish", "start", "close", "verify"],
    ActivityStatus.CANCELLED: ["cancel"],
}
CASES = [
    (state, action, ACTIONS[action] in ACTIVITY_TRANSITIONS[state])
    for state in ActivityStatus.values
    for action in ACTIONS
]


def api(user: Any) -> dict[str, Any]:
    return bearer(api_token(user))


def local(day: Any, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def tomorrow_at(hour: int) -> datetime:
    return local(timezone.localdate() + timedelta(days=1), hour)


def make_activity(world: Any, team: Any = None, **fields: Any) -> Activity:
    data = lifecycle.ActivityInput(
        title=fields.pop("title", "金桥花园环境整治"),
        category="environment",
        place="金桥花园",
        starts_at=fields.pop("starts_at", tomorrow_at(9)),
        ends_at=fields.pop("ends_at", tomorrow_at(12)),
        capacity=fields.pop("capacity", 5),
        responsible_name="张志强",
        team=team,
        **fields,
    )
    return lifecycle.activity_create(station=world.jiaojia, data=data, actor=None)


def act(client: Client, headers: dict[str, Any], activity: Activity, action: str) -> Any:
    body = {"reason": "暴雨预警"} if action == "cancel" else {}
    return client.post(
        f"/api/v1/activities/{activity.pk}/{action}",
        body,
        content_type="application/json",
        **headers,
    )


def test_every_state_and_action_is_in_the_table():
    assert len(CASES) == len(ActivityStatus.values) * len(ACTIONS) == 30
    assert set(PATHS) == set(ActivityStatus.values)


@pytest.mark.parametrize(("state", "action", "allowed"), CASES)
def test_each_action_from_each_state(corps, world, state, action, allowed):
    client = Client()
    headers = api(world.user(Role.STATION_STAFF))
    activity = make_activity(world, corps.party_team)
    for step in PATHS[state]:
        assert act(client, headers, activity, step).status_code == 200, step
    activity.refresh_from_db()
    assert activity.status == state

    response = act(client, headers, activity, action)

    activity.refresh_from_db()
    if allowed:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == ACTIONS[action]
        assert activity.status == ACTIONS[action]
    else:
        assert response.status_code == 409, response.content
        assert response.json()["error"]["code"] == "invalid_transition"
        assert activity.status == state


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff", 200),
        ("admin", 200),
        ("leader_of_its_team", 200),
        # A draft is its organisers' alone: to everyone else at the station it is not there.
        ("leader_of_another_team", 404),
        ("volunteer", 404),
        ("supervisor", 404),
        ("resident", 404),
        ("outsider", 404),
        ("outside_supervisor", 404),
    ],
)
def test_who_may_publish(corps, world, who, expected):
    users = {
        "staff": world.user(Role.STATION_STAFF),
        "admin": world.user(Role.ADMIN),
        "leader_of_its_team": world.user(Role.TEAM_LEADER),
        "leader_of_another_team": world.user(Role.TEAM_LEADER),
        "volunteer": world.user(Role.VOLUNTEER),
        "supervisor": world.user(Role.SUPERVISOR),
        "resident": world.user(Role.RESIDENT),
        "outsider": world.outsider,
        "outside_supervisor": world.outside_supervisor,
    }
    team = corps.law_team if who == "leader_of_another_team" else corps.party_team
    activity = make_activity(world, team)
    response = act(Client(), api(users[who]), activity, "publish")
    assert response.status_code == expected, response.content
    activity.refresh_from_db()
    assert activity.status == (
        ActivityStatus.PUBLISHED if expected == 200 else ActivityStatus.DRAFT
    )
    if expected == 404:
        assert response.json()["error"]["code"] == "not_found"
    if expected == 403:
        assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        (Role.STATION_STAFF, True),
        (Role.TEAM_LEADER, True),
        (Role.VOLUNTEER, True),
        (Role.SUPERVISOR, True),
        (Role.RESIDENT, True),
        ("outsider", False),
    ],
)
def test_every_role_at_the_station_sees_the_activity_and_the_outsider_does_not(
    corps, world, role, seen
):
    activity = lifecycle.activity_publish(
        activity=make_activity(world, corps.party_team), actor=None
    )
    user = world.outsider if role == "outsider" else world.user(role)
    client, headers = Client(), api(user)
    detail = client.get(f"/api/v1/activities/{activity.pk}", **headers)
    assert detail.status_code == (200 if seen else 404)
    listed = client.get("/api/v1/activities", **headers).json()
    assert [item["id"] for item in listed["items"]] == ([activity.pk] if seen else [])
    assert listed["count"] == (1 if seen else 0)


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(corps, world, reason):
    activity = make_activity(world, corps.party_team)
    response = Client().post(
        f"/api/v1/activities/{activity.pk}/cancel",
        {"reason": reason},
        content_type="application/json",
        **api(world.user(Role.STATION_STAFF)),
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["loc"] == ["reason"]
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.DRAFT


def test_cancelling_keeps_the_reason(corps, world):
    activity = make_activity(world, corps.party_team)
    response = act(Client(), api(world.user(Role.TEAM_LEADER)), activity, "cancel")
    assert response.status_code == 200
    assert response.json()["cancel_reason"] == "暴雨预警"


# --- creating ---------------------------------------------------------------------------------------


def payload(**fields: Any) -> dict[str, Any]:
    return {
        "title": "重阳节敬老活动",
        "category": "elderly_disabled",
        "place": "焦家社区日间照料中心",
        "starts_at": tomorrow_at(9).isoformat(),
        "ends_at": tomorrow_at(11).isoformat(),
        "capacity": 10,
        **fields,
    }


def test_staff_create_a_draft_and_times_come_back_in_local_time(corps, world):
    staff = world.user(Role.STATION_STAFF)
    response = Client().post(
        "/api/v1/activities",
        payload(
            team=corps.party_team.pk,
            starts_at="2030-10-12T01:00:00Z",
            ends_at="2030-10-12T03:30:00Z",
        ),  # fmt: skip
        content_type="application/json",
        **api(staff),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["station"] == "JIAOJIA"
    assert body["team"] == corps.party_team.pk
    assert body["starts_at"] == "2030-10-12T09:00:00+08:00"
    assert body["ends_at"] == "2030-10-12T11:30:00+08:00"
    assert body["responsible_name"] == staff.name  # the caller, by default
    assert body["organizer"] == world.jiaojia.name
    assert (body["confirmed"], body["waitlisted"], body["my_signup"]) == (0, 0, None)


def test_a_leader_creates_for_their_own_team_only(corps, world):
    client, headers = Client(), api(world.user(Role.TEAM_LEADER))
    own = client.post(
        "/api/v1/activities",
        payload(team=corps.party_team.pk, responsible_name="张志强"),
        content_type="application/json",
        **headers,
    )
    assert own.status_code == 201, own.content
    assert own.json()["responsible_name"] == "张志强"
    other = client.post(
        "/api/v1/activities",
        payload(team=corps.law_team.pk),
        content_type="application/json",
        **headers,
    )
    assert other.status_code == 403
    none = client.post("/api/v1/activities", payload(), content_type="application/json", **headers)
    assert none.status_code == 403
    assert Activity.objects.count() == 1


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.SUPERVISOR, Role.RESIDENT])
def test_roles_that_only_see_activities_cannot_create_them(corps, world, role):
    response = Client().post(
        "/api/v1/activities", payload(), content_type="application/json", **api(world.user(role))
    )
    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_admin_names_the_station_and_an_outsiders_team_is_refused(corps, world):
    client, headers = Client(), api(world.user(Role.ADMIN))
    missing = client.post(
        "/api/v1/activities", payload(), content_type="application/json", **headers
    )
    assert missing.status_code == 422
    assert missing.json()["error"]["fields"][0]["loc"] == ["station"]
    created = client.post(
        "/api/v1/activities",
        payload(station="HUANGCHI"),
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201
    assert created.json()["station"] == "HUANGCHI"
    wrong_team = client.post(
        "/api/v1/activities",
        payload(station="HUANGCHI", team=corps.party_team.pk),
        content_type="application/json",
        **headers,
    )
    assert wrong_team.status_code == 422
    unknown = client.post(
        "/api/v1/activities", payload(station="NOWHERE"), content_type="application/json", **headers
    )
    assert unknown.status_code == 404


def test_staff_cannot_create_at_another_station(corps, world):
    response = Client().post(
        "/api/v1/activities",
        payload(station="JIAOJIA"),
        content_type="application/json",
        **api(world.outsider),
    )
    assert response.status_code == 404


def test_bad_fields_are_all_reported(corps, world):
    response = Client().post(
        "/api/v1/activities",
        payload(title=" ", category="cooking", capacity=0, ends_at=tomorrow_at(8).isoformat()),
        content_type="application/json",
        **api(world.user(Role.STATION_STAFF)),
    )
    assert response.status_code == 422
    fields = {field["loc"][0] for field in response.json()["error"]["fields"]}
    assert fields == {"title", "category", "capacity", "ends_at"}


# --- 补录: recording an activity afterwards --------------------------------------------------------


def earliest_recordable_day() -> Any:
    """The earliest end date whose verification window (10 working days) still includes today."""
    today = timezone.localdate()
    day = today
    while add_working_days(day - timedelta(days=1), settings.VERIFY_WITHIN_WORKING_DAYS) >= today:
        day -= timedelta(days=1)
    return day


def test_recording_afterwards_inside_the_window_is_allowed(corps, world):
    day = earliest_recordable_day()
    assert day < timezone.localdate() - timedelta(days=9)  # 10 working days reach back 2 weeks
    response = Client().post(
        "/api/v1/activities",
        payload(starts_at=local(day, 9).isoformat(), ends_at=local(day, 11).isoformat()),
        content_type="application/json",
        **api(world.user(Role.STATION_STAFF)),
    )
    assert response.status_code == 201, response.content


def test_recording_afterwards_outside_the_window_is_refused(corps, world):
    day = earliest_recordable_day() - timedelta(days=1)
    response = Client().post(
        "/api/v1/activities",
        payload(starts_at=local(day, 9).isoformat(), ends_at=local(day, 11).isoformat()),
        content_type="application/json",
        **api(world.user(Role.STATION_STAFF)),
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == [
        {"loc": ["ends_at"], "message": "补录只能在活动结束后 10 个工作日内进行。"}
    ]
    assert not Activity.objects.exists()


# --- the list ---------------------------------------------------------------------------------------


def test_the_list_filters_by_status_team_and_dates(corps, world):
    today = timezone.localdate()
    early = make_activity(
        world,
        corps.party_team,
        title="早",
        starts_at=local(today + timedelta(days=3), 9),
        ends_at=local(today + timedelta(days=3), 11),
    )
    late = make_activity(
        world,
        corps.law_team,
        title="晚",
        starts_at=local(today + timedelta(days=10), 9),
        ends_at=local(today + timedelta(days=10), 11),
    )
    lifecycle.activity_publish(activity=late, actor=None)
    client, headers = Client(), api(world.user(Role.STATION_STAFF))  # who sees the draft too

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/activities?{query}", **headers)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("") == [late.pk, early.pk]  # latest first
    assert ids("status=published") == [late.pk]
    assert ids(f"team={corps.party_team.pk}") == [early.pk]
    assert ids(f"from={today + timedelta(days=4)}") == [late.pk]
    assert ids(f"to={today + timedelta(days=3)}") == [early.pk]
    assert ids(f"from={today + timedelta(days=3)}&to={today + timedelta(days=3)}") == [early.pk]
    assert ids("limit=1&offset=1") == [early.pk]
    assert client.get("/api/v1/activities?status=nonsense", **headers).status_code == 422


def test_the_list_query_count_does_not_grow_with_activities(corps, world):
    client, headers = Client(), api(world.user(Role.VOLUNTEER))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/activities", **headers)
        assert response.status_code == 200
        return len(captured)

    lifecycle.activity_publish(activity=make_activity(world, corps.party_team), actor=None)
    client.get("/api/v1/activities", **headers)  # the token's first use is recorded once a minute
    few = queries()
    for index in range(4):
        day = timezone.localdate() + timedelta(days=2 + index)
        activity = make_activity(
            world,
            corps.law_team if index % 2 else None,
            title=f"活动{index}",
            starts_at=local(day, 9),
            ends_at=local(day, 10),
        )
        lifecycle.activity_publish(activity=activity, actor=None)
        signup_create(activity=activity, volunteer=corps.volunteer, actor=None)
    assert queries() == few
