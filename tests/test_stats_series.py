"""`GET /api/v1/stats/series` and the summary's `people_served` (SPEC §7.2): an activity records
the head count it served when its organiser closes it (page and API), the figures follow the
rows by month and by station, bad input is a 422, and a reader sees their own stations only."""

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.activities.actions.lifecycle import (
    ActivityInput,
    activity_create,
    activity_publish,
)
from linli.activities.models import Activity
from tests.conftest import World, api_token, bearer, signed_in


def held(world: World, station: Any, *, days_ago: int, title: str = "小区环境整治") -> Activity:
    starts_at = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    activity = activity_create(
        station=station,
        data=ActivityInput(
            title=title,
            category="environment",
            place="金桥花园",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            capacity=10,
            responsible_name="张队长",
        ),
        actor=None,
    )
    activity = activity_publish(activity=activity, actor=None)
    # Placed in the past once published (the history of a station, as the demo records it):
    # it began a few minutes ago, `days_ago` days back.
    moved = timezone.now().replace(microsecond=0) - timedelta(days=days_ago, minutes=5)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=moved, ends_at=moved + timedelta(hours=2)
    )
    return activity


def test_the_organiser_records_the_head_count_when_closing(world: World):
    staff = world.user(Role.STATION_STAFF)
    on_page = held(world, world.jiaojia, days_ago=0)
    by_api = held(world, world.jiaojia, days_ago=0, title="义诊")
    client = signed_in(staff)
    response = client.post(f"/activities/{on_page.pk}/close/", {"people_served": "120"})
    assert response.status_code == 302
    on_page.refresh_from_db()
    assert on_page.status == "closed" and on_page.people_served == 120
    assert "服务群众 120 人次" in client.get(f"/activities/{on_page.pk}/").content.decode()

    auth = bearer(api_token(staff))
    too_many = Client().post(
        f"/api/v1/activities/{by_api.pk}/close",
        {"people_served": 10_001},
        content_type="application/json",
        **auth,
    )
    assert too_many.status_code == 422
    closed = Client().post(
        f"/api/v1/activities/{by_api.pk}/close",
        {"people_served": 45},
        content_type="application/json",
        **auth,
    )
    assert closed.status_code == 200 and closed.json()["people_served"] == 45
    summary = (
        Client()
        .get(f"/api/v1/stats/summary?station=JIAOJIA&year={timezone.localdate().year}", **auth)
        .json()
    )
    assert summary["people_served"] == 165


def test_a_bad_head_count_on_the_page_is_refused_and_nothing_moves(world: World):
    activity = held(world, world.jiaojia, days_ago=0)
    client = signed_in(world.user(Role.STATION_STAFF))
    client.post(f"/activities/{activity.pk}/close/", {"people_served": "很多"})
    activity.refresh_from_db()
    assert activity.status == "published" and activity.people_served is None


def test_series_by_month_and_station_follow_the_rows(world: World):
    today = timezone.localdate()
    for days_ago in (0, 0, 40):
        held(world, world.jiaojia, days_ago=days_ago)
    held(world, world.huangchi, days_ago=0)
    auth = bearer(api_token(world.user(Role.ADMIN)))
    frm, to = (today - timedelta(days=60)).isoformat(), today.isoformat()
    answer = (
        Client()
        .get(f"/api/v1/stats/series?metric=activities&from={frm}&to={to}&station=JIAOJIA", **auth)
        .json()
    )
    values = {item["period"]: item["value"] for item in answer["items"]}
    assert values[f"{today.year}-{today.month:02d}"] == 2
    assert sum(values.values()) == answer["total"] == 3
    assert answer["count"] == len(answer["items"]) >= 3
    everywhere = (
        Client()
        .get(f"/api/v1/stats/series?metric=activities&interval=year&from={frm}&to={to}", **auth)
        .json()
    )
    assert everywhere["total"] == 4


def test_series_refuses_bad_input_with_field_details(world: World):
    auth = bearer(api_token(world.user(Role.STATION_STAFF)))
    for query, field in (
        ("metric=nonsense", "metric"),
        ("metric=hours&interval=week", "interval"),
        ("metric=hours&from=2025-05-01&to=2025-01-01", "from"),
        ("metric=hours&from=1900-01-01&to=2025-01-01", "from"),
    ):
        response = Client().get(f"/api/v1/stats/series?{query}", **auth)
        assert response.status_code == 422, query
        assert field in str(response.json()["error"]), query
    assert Client().get(
        "/api/v1/stats/series?metric=hours&from=2025-13-01", **auth
    ).status_code in (
        400,
        422,
    )


def test_series_readers_see_their_own_stations_only(world: World):
    held(world, world.jiaojia, days_ago=0)
    for role, status in (
        (Role.VOLUNTEER, 403),
        (Role.RESIDENT, 403),
        (Role.STATION_STAFF, 200),
        (Role.SUPERVISOR, 200),
    ):
        auth = bearer(api_token(world.user(role)))
        response = Client().get("/api/v1/stats/series?metric=activities&station=JIAOJIA", **auth)
        assert response.status_code == status, role
    assert world.outsider is not None and world.outside_supervisor is not None
    for outsider in (world.outsider, world.outside_supervisor):
        auth = bearer(api_token(outsider))
        response = Client().get("/api/v1/stats/series?metric=activities&station=JIAOJIA", **auth)
        assert response.status_code == 404
        mine = Client().get("/api/v1/stats/series?metric=activities", **auth).json()
        assert mine["total"] == 0
    assert Client().get("/api/v1/stats/series?metric=activities").status_code == 401
