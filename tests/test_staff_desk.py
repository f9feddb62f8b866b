"""The staff home as a working desk: each count comes from the rows the user's gates reach, links
to the page where it is dealt with, and late work is counted apart."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.accounts.models import Role
from linli.activities.actions import lifecycle
from linli.activities.models import Activity, ActivityStatus
from linli.assistance.models import FollowUp, ServiceRequest
from tests.conftest import signed_in, submit_request

pytestmark = pytest.mark.django_db


def at(day: Any, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def make_activity(world: Any, title: str, start: datetime, status: str) -> Activity:
    data = lifecycle.ActivityInput(
        title=title,
        category="environment",
        place="金桥花园",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=3),
        capacity=5,
        responsible_name="张志强",
    )
    activity = lifecycle.activity_create(station=world.jiaojia, data=data, actor=None)
    # The times and state are the scene's setting, not what is under test.
    Activity.objects.filter(pk=activity.pk).update(
        status=status, starts_at=start, ends_at=start + timedelta(hours=3)
    )
    return activity


@pytest.fixture
def scene(menu: Any, world: Any, corps: Any) -> dict[str, Any]:
    today = timezone.localdate()
    fresh = submit_request(world.jiaojia, description="楼道灯坏了")
    late = submit_request(world.jiaojia, description="水管漏水")
    ServiceRequest.objects.filter(pk=late.pk).update(
        submitted_at=timezone.now() - timedelta(days=3)
    )
    rated = submit_request(world.jiaojia, description="代买药品")
    FollowUp.objects.create(request=rated, score=2, due_on=today - timedelta(days=1))
    submit_request(world.huangchi, description="黄池的单")
    make_activity(world, "敬老院慰问", at(today - timedelta(days=40), 9), ActivityStatus.CLOSED)
    make_activity(world, "环境整治", at(today - timedelta(days=1), 9), ActivityStatus.CLOSED)
    make_activity(world, "重阳节义诊", at(today + timedelta(days=2), 9), ActivityStatus.PUBLISHED)
    make_activity(world, "草稿活动", at(today + timedelta(days=3), 9), ActivityStatus.DRAFT)
    return {"fresh": fresh, "late": late, "rated": rated}


def desk_numbers(html: str, key: str) -> str:
    start = html.index(f'data-testid="desk-{key}"')
    number = html.index('class="desk-number">', start) + len('class="desk-number">')
    return html[number : html.index("<", number)]


def test_station_staff_see_every_count_with_its_link(scene, world):
    response = signed_in(world.user(Role.STATION_STAFF)).get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert desk_numbers(html, "review") == "3"  # the HUANGCHI request is not theirs
    assert 'data-testid="desk-review-overdue"' in html
    assert "/requests/board/?overdue=on" in html
    assert desk_numbers(html, "followups") == "1"
    assert 'data-testid="desk-followups-overdue"' in html
    assert desk_numbers(html, "volunteers") == "1"  # 周晓燕 waits for approval
    assert desk_numbers(html, "verify") == "2"
    assert 'data-testid="desk-verify-overdue"' in html
    assert desk_numbers(html, "corrections") == "0"
    upcoming = html[html.index('data-testid="desk-upcoming"') :]
    assert "重阳节义诊" in upcoming
    assert "草稿活动" not in upcoming
    assert "page-wide" in html


def test_a_team_leader_sees_activities_but_not_requests_or_applications(scene, world, corps):
    html = signed_in(world.user(Role.TEAM_LEADER)).get("/").content.decode()
    assert 'data-testid="desk-verify"' in html
    assert 'data-testid="desk-review"' not in html
    assert 'data-testid="desk-volunteers"' not in html


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.RESIDENT, Role.CANTEEN_OPERATOR])
def test_roles_without_desk_work_have_no_desk(scene, world, role):
    html = signed_in(world.user(role)).get("/").content.decode()
    assert 'data-testid="desk"' not in html


def test_another_stations_staff_count_only_their_own(scene, world):
    html = signed_in(world.outsider).get("/").content.decode()
    assert desk_numbers(html, "review") == "1"
    assert desk_numbers(html, "followups") == "0"


def test_the_board_lists_the_requests_waiting_for_a_follow_up(scene, world):
    html = signed_in(world.user(Role.STATION_STAFF)).get("/requests/board/?followup=on")
    rows = html.content.decode().split('data-testid="board-rows"')[1]
    assert re.findall(r'data-testid="request-(\d+)"', rows) == [str(scene["rated"].pk)]


def test_the_desk_panel_alone_refreshes_and_reads_in_fixed_queries(scene, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    with CaptureQueriesContext(connection) as few:
        first = client.get("/?part=desk")
    assert first.status_code == 200
    assert "<html" not in first.content.decode()
    for day in range(5):
        submit_request(world.jiaojia, description=f"第{day}张单")
        make_activity(
            world,
            f"活动{day}",
            at(timezone.localdate() - timedelta(days=30 + day), 9),
            ActivityStatus.CLOSED,
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/?part=desk")
    assert len(many) == len(few)
