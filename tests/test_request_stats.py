"""The request figures of the summary (SPEC §4, §5), from requests walked through the actions at
known times: counts by status and category, median minutes to dispatch, accept and complete,
the satisfaction rate and open follow-ups; by year, by station, and through the API."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client

from linli.accounts.models import Role
from linli.assistance import stats
from linli.assistance.actions import (
    RequestInput,
    request_accept,
    request_complete,
    request_dispatch,
    request_rate,
    request_reject,
    request_reopen,
    request_start,
    request_submit,
)
from linli.assistance.models import RequestStatus, ServiceRequest
from tests.conftest import api_token, bearer

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=SHANGHAI)


def submitted(station: Any, at: datetime, *, item: Any = None, category: str = "community") -> Any:
    data = RequestInput(
        category=category,
        description="厨房水管漏水",
        item_id=item.pk if item is not None else None,
        requester_name="王秀梅",
    )
    return request_submit(station=station, data=data, channel="phone", actor=None, at=at)


def walk(
    station: Any,
    volunteer: Any,
    at: datetime,
    *,
    dispatch: int,
    accept: int | None = None,
    complete: int | None = None,
    score: int | None = None,
    category: str = "community",
    rater: Any = None,
) -> ServiceRequest:
    """A request submitted `at`, dispatched to `volunteer` `dispatch` minutes later, accepted
    `accept` minutes after the dispatch, completed `complete` minutes after submission, rated."""
    service_request = submitted(station, at, category=category)
    dispatched_at = at + timedelta(minutes=dispatch)
    service_request = request_dispatch(
        service_request=service_request, actor=None, volunteer=volunteer, at=dispatched_at
    )
    if accept is None:
        return service_request
    accepted_at = dispatched_at + timedelta(minutes=accept)
    actor = volunteer.user
    request_accept(service_request=service_request, actor=actor, at=accepted_at)
    if complete is None:
        return service_request
    request_start(service_request=service_request, actor=actor, at=accepted_at)
    service_request = request_complete(
        service_request=service_request,
        actor=actor,
        hours=Decimal("1"),
        note="更换阀芯",
        at=at + timedelta(minutes=complete),
    )
    if score is not None:
        service_request = request_rate(
            service_request=service_request,
            actor=rater,
            score=score,
            at=at + timedelta(minutes=complete + 60),
        )
    return service_request


def test_figures_from_requests_walked_at_known_times(menu, corps, world):
    staff = world.user(Role.STATION_STAFF)
    jiaojia, volunteer = world.jiaojia, corps.volunteer
    day = timedelta(days=1)
    walk(jiaojia, volunteer, MONDAY, dispatch=10, accept=20, complete=120, score=5, rater=staff)
    walk(jiaojia, volunteer, MONDAY + day, dispatch=20, accept=40, complete=240, score=2)
    walk(
        jiaojia,
        volunteer,
        MONDAY + 2 * day,
        dispatch=30,
        accept=60,
        complete=360,
        score=4,
        category="elderly_disabled",
    )
    walk(jiaojia, volunteer, MONDAY + 3 * day, dispatch=40, accept=5)  # accepted, not served
    rejected = submitted(jiaojia, MONDAY + 4 * day)
    request_reject(
        service_request=rejected, actor=staff, reason="属于物业维修范围", at=MONDAY + 4 * day
    )
    submitted(jiaojia, MONDAY + 5 * day, item=menu.escort, category="elderly_disabled")
    # HUANGCHI's request, slow and poorly rated, is none of JIAOJIA's figures.
    walk(
        world.huangchi,
        corps.outsider,
        MONDAY,
        dispatch=900,
        accept=900,
        complete=3000,
        score=1,
    )
    ids = [jiaojia.pk]

    assert stats.requests_by_status(ids) == {
        "submitted": 1,
        "dispatched": 0,
        "accepted": 1,
        "in_service": 0,
        "completed": 0,
        "rated": 3,
        "rejected": 1,
        "cancelled": 0,
    }
    assert stats.requests_by_category(ids) == {"community": 4, "elderly_disabled": 2}
    assert list(stats.requests_by_category(ids)) == ["community", "elderly_disabled"]
    assert stats.median_minutes_to_dispatch(ids) == 25.0  # 10, 20, 30, 40
    assert stats.median_minutes_to_accept(ids) == 30.0  # 20, 40, 60, 5
    assert stats.median_minutes_to_complete(ids) == 240.0  # 120, 240, 360
    assert stats.rated_count(ids) == 3
    assert stats.satisfaction_rate(ids) == round(2 / 3, 4)  # 5 and 4 of 5, 2, 4
    assert stats.open_followups(ids) == 1

    outside = [world.huangchi.pk]
    assert stats.requests_by_status(outside)["rated"] == 1
    assert stats.median_minutes_to_dispatch(outside) == 900.0
    assert stats.satisfaction_rate(outside) == 0.0
    assert stats.open_followups(outside) == 1
    both = stats.request_figures([jiaojia.pk, world.huangchi.pk], None)
    assert both["requests"] == 7
    assert both["median_minutes_to_dispatch"] == 30.0  # 10, 20, 30, 40, 900
    assert both["open_followups"] == 2


def test_medians_of_odd_and_even_counts(menu, corps, world):
    jiaojia, volunteer = world.jiaojia, corps.volunteer
    for offset, minutes in enumerate((30, 10, 50)):
        walk(jiaojia, volunteer, MONDAY + timedelta(hours=offset), dispatch=minutes)
    assert stats.median_minutes_to_dispatch([jiaojia.pk]) == 30.0
    walk(jiaojia, volunteer, MONDAY + timedelta(hours=5), dispatch=15)
    assert stats.median_minutes_to_dispatch([jiaojia.pk]) == 22.5  # (15 + 30) / 2
    assert stats.median_minutes_to_accept([jiaojia.pk]) is None  # none accepted
    assert stats.median_minutes_to_complete([jiaojia.pk]) is None


def test_nothing_yet_gives_zeros_and_nulls(menu, world):
    figures = stats.request_figures([world.jiaojia.pk], None)
    assert figures["requests"] == 0
    assert figures["requests_by_status"] == dict.fromkeys(RequestStatus.values, 0)
    assert figures["requests_by_category"] == {}
    assert figures["median_minutes_to_dispatch"] is None
    assert figures["satisfaction_rate"] is None
    assert figures["rated_count"] == figures["open_followups"] == 0
    submitted(world.jiaojia, MONDAY)
    assert stats.satisfaction_rate([world.jiaojia.pk]) is None  # submitted, nothing rated


def test_year_counts_requests_submitted_in_it_local_time(menu, corps, world):
    jiaojia, volunteer = world.jiaojia, corps.volunteer
    # 23:30 on New Year's Eve in 焦家 is still 2024 (15:30 UTC).
    new_years_eve = datetime(2024, 12, 31, 23, 30, tzinfo=SHANGHAI)
    walk(jiaojia, volunteer, new_years_eve, dispatch=60, accept=10, complete=600, score=3)
    walk(jiaojia, volunteer, MONDAY, dispatch=10, accept=10, complete=90, score=5)
    ids = [jiaojia.pk]

    in_2024 = stats.request_figures(ids, 2024)
    assert in_2024["requests"] == 1
    assert in_2024["median_minutes_to_dispatch"] == 60.0
    assert in_2024["median_minutes_to_complete"] == 600.0
    assert in_2024["satisfaction_rate"] == 0.0
    in_2025 = stats.request_figures(ids, 2025)
    assert in_2025["requests_by_status"]["rated"] == 1
    assert in_2025["median_minutes_to_complete"] == 90.0
    assert in_2025["satisfaction_rate"] == 1.0
    assert stats.request_figures(ids, 2023)["requests"] == 0
    assert stats.rated_count(ids) == 2


def test_a_reopened_request_waits_again(menu, corps, world):
    staff = world.user(Role.STATION_STAFF)
    service_request = walk(
        world.jiaojia, corps.volunteer, MONDAY, dispatch=10, accept=10, complete=120, score=1
    )
    request_reopen(
        service_request=service_request,
        actor=staff,
        reason="水管又漏了",
        at=MONDAY + timedelta(days=1),
    )
    ids = [world.jiaojia.pk]
    assert stats.requests_by_status(ids)["submitted"] == 1
    # Its first completion came before the new submission: not a time to complete.
    assert stats.median_minutes_to_complete(ids) is None
    assert stats.median_minutes_to_dispatch(ids) is None  # not dispatched since


def get(user: Any, **params: Any) -> Any:
    return Client().get("/api/v1/stats/summary", params, **bearer(api_token(user)))


def test_summary_api_carries_the_request_figures(menu, corps, world):
    staff = world.user(Role.STATION_STAFF)
    walk(world.jiaojia, corps.volunteer, MONDAY, dispatch=12, accept=8, complete=100, score=5)
    walk(world.jiaojia, corps.volunteer, MONDAY, dispatch=20, accept=4, complete=60, score=2)
    walk(world.huangchi, corps.outsider, MONDAY, dispatch=90, accept=9, complete=300, score=1)

    body = get(staff, station="JIAOJIA", year=2025).json()
    assert body["requests"] == 2
    assert body["requests_by_status"]["rated"] == 2
    assert body["requests_by_status"]["cancelled"] == 0
    assert body["requests_by_category"] == {"community": 2}
    assert body["median_minutes_to_dispatch"] == 16.0
    assert body["median_minutes_to_accept"] == 6.0
    assert body["median_minutes_to_complete"] == 80.0
    assert body["satisfaction_rate"] == 0.5
    assert body["rated_count"] == 2
    assert body["open_followups"] == 1
    assert get(staff, station="JIAOJIA", year=2024).json()["satisfaction_rate"] is None

    everywhere = get(world.user(Role.ADMIN)).json()
    assert everywhere["requests"] == 3
    assert everywhere["open_followups"] == 2
    huangchi = get(world.outsider, station="HUANGCHI").json()
    assert huangchi["requests"] == 1
    assert huangchi["median_minutes_to_dispatch"] == 90.0
    assert get(world.outsider, station="JIAOJIA").status_code == 404

    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]["SummaryOut"]
    assert "4 满意" in schema["properties"]["satisfaction_rate"]["description"]
