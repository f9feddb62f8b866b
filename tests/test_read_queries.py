"""The issue-16 main reads answer in a fixed number of queries whatever the number of rows:
`/api/v1/me`, `/api/v1/activities`, `/api/v1/volunteers`, the activities page, the dispatch board,
a request's page (with its volunteer ranking) and the summary, before and after more activities
with sign-ups, volunteers in teams and requests are added."""

from datetime import timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.accounts.models import Role
from linli.activities.actions import lifecycle
from linli.activities.actions.signups import signup_create
from tests.conftest import api_token, bearer, signed_in
from tests.test_activity_lifecycle import local, make_activity
from tests.test_request_stats import MONDAY, submitted, walk
from tests.test_volunteer_list import add_volunteers


def counts(world: Any, request_id: int) -> dict[str, int]:
    staff = world.user(Role.STATION_STAFF)
    page, api = signed_in(staff), Client()
    headers = bearer(api_token(staff))
    supervisor = bearer(api_token(world.user(Role.SUPERVISOR)))
    reads = {
        "me": (api, "/api/v1/me", headers),
        "activities api": (api, "/api/v1/activities", headers),
        "volunteers api": (api, "/api/v1/volunteers?limit=50", headers),
        "summary": (api, "/api/v1/stats/summary", supervisor),
        "activities page": (page, "/activities/", {}),
        "dispatch board": (page, "/requests/board/", {}),
        "request page": (page, f"/requests/{request_id}/", {}),
    }
    found = {}
    for name, (client, path, extra) in reads.items():
        client.get(path, **extra)  # a token's first use is written down once
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, **extra)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = len(captured)
    return found


def test_the_main_reads_do_not_grow_with_rows(menu, corps, world):
    waiting = submitted(world.jiaojia, timezone.now() - timedelta(minutes=5))
    walk(world.jiaojia, corps.volunteer, MONDAY, dispatch=10, accept=5, complete=60, score=5)
    make_activity(world, title="第一场活动")
    few = counts(world, waiting.pk)

    add_volunteers(world, corps.party_team, 12)
    for index in range(6):
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
    for index in range(4):
        submitted(world.jiaojia, timezone.now() - timedelta(minutes=30 + index))
        walk(
            world.jiaojia,
            corps.volunteer,
            MONDAY + timedelta(days=index + 1),
            dispatch=10,
            accept=5,
            complete=60,
            score=4,
        )
    assert counts(world, waiting.pk) == few
