"""`linli demo --seed-only` records 焦家社区's service requests since 2022 — the 民情e站 group,
phone calls, relatives calling for elders — and leaves the dispatch board alive today."""

from collections import Counter
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import User
from linli.assistance.access import requests_for_user, takeable_requests
from linli.assistance.demo import plan_requests, seed_requests
from linli.assistance.models import (
    FollowUp,
    MenuCategory,
    MenuItem,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
)
from linli.assistance.timers import accept_deadline, review_deadline
from linli.audit.models import AuditLog
from linli.ledger.models import EntryKind, LedgerEntry
from linli.notifications.models import Notification
from linli.org.models import Station
from linli.volunteers.models import Volunteer
from tests.conftest import api_token, bearer
from tests.demo.conftest import SeededDemo

OPEN = [
    RequestStatus.SUBMITTED,
    RequestStatus.DISPATCHED,
    RequestStatus.ACCEPTED,
    RequestStatus.IN_SERVICE,
]


def counts() -> list[int]:
    models = (
        MenuCategory,
        MenuItem,
        ServiceRequest,
        RequestEvent,
        FollowUp,
        LedgerEntry,
        Notification,
        AuditLog,
    )
    return [model.objects.count() for model in models]


def test_demo_requests(demo: SeededDemo):
    assert "群众点单: 新增" in demo.output
    jiaojia = Station.objects.get(code="JIAOJIA")
    now = timezone.now()
    requests = ServiceRequest.objects.filter(station=jiaojia)

    # The menu: categories served by the report's teams, items with words and courses.
    community = MenuCategory.objects.get(station=jiaojia, code="community")
    assert set(community.teams.values_list("name", flat=True)) == {
        '"百姓保姆"志愿服务队',
        "党员志愿服务队",
    }
    legal = MenuItem.objects.get(category__station=jiaojia, name="法律咨询")
    assert legal.required_course is not None and legal.required_course.name == "法律援助实务"
    repair = MenuItem.objects.get(category__station=jiaojia, name="水电维修")
    assert "漏水" in repair.words("keywords")

    # The history: from 2022 on, every year, a few hundred requests in all.
    history = requests.exclude(status__in=OPEN).filter(submitted_at__lt=now - timedelta(days=6))
    assert 280 <= history.count() <= 500
    years = set(history.values_list("submitted_at__year", flat=True))
    assert set(range(2022, timezone.localdate().year + 1)) <= years
    channels = Counter(history.values_list("channel", flat=True))
    assert [channel for channel, _n in channels.most_common(2)] == ["wechat", "phone"]
    assert {"visit", "proxy", "web"} <= set(channels)
    assert not history.filter(channel="wechat", source_text="").exists()
    assert not history.filter(channel="proxy", proxy_relation="").exists()

    # Ratings mostly 非常满意 and 满意; the poor ones were followed up, nearly all closed.
    scores = Counter(history.exclude(score=None).values_list("score", flat=True))
    rated = sum(scores.values())
    assert (scores[5] + scores[4]) / rated > 0.75
    assert scores[3] > 0 and scores[2] + scores[1] > 0
    followups = FollowUp.objects.filter(request__station=jiaojia)
    assert followups.count() == requests.filter(score__lte=2).count()
    assert followups.filter(closed_at__isnull=True).count() == 1  # today's
    assert not history.filter(status="rejected", reason="").exists()
    assert history.filter(status="rejected").exists()
    assert history.filter(status="cancelled").exclude(reason="").exists()

    # Served at plausible times; the confirmed hours are the volunteers' ledger entries.
    for service_request in history.filter(status="rated")[:80]:
        assert service_request.first_dispatched_at is not None
        assert service_request.accepted_at and service_request.started_at
        assert service_request.completed_at and service_request.hours
        waited = service_request.first_dispatched_at - service_request.submitted_at
        assert timedelta(0) < waited < timedelta(hours=14)
        served = service_request.completed_at - service_request.started_at
        assert timedelta(minutes=30) <= served <= timedelta(hours=3, minutes=15)
        assert service_request.hours_confirmed_at is not None
        statuses = list(service_request.events.values_list("to_status", flat=True))
        assert statuses[0] == "submitted" and "rated" in statuses
    entries = LedgerEntry.objects.filter(kind=EntryKind.REQUEST, volunteer__station=jiaojia)
    assert entries.count() == requests.filter(hours_confirmed_at__isnull=False).count() > 250
    entry = entries.first()
    assert entry is not None and entry.source_key.startswith("request:")
    credited = ServiceRequest.objects.get(pk=int(entry.source_key.split(":")[1]))
    assert entry.amount == credited.hours and entry.volunteer_id == credited.volunteer_id
    assert AuditLog.objects.filter(action="service_request.rated").count() >= rated

    # The dispatch board today: every open state, each way of dispatching, and the overdue.
    board = requests.filter(status__in=OPEN)
    assert set(board.values_list("status", flat=True)) == set(OPEN)
    waiting = board.filter(status="submitted")
    assert waiting.filter(urgency="urgent").exists()
    assert any(review_deadline(r) < now for r in waiting)
    dispatched = board.filter(status="dispatched")
    assert set(dispatched.values_list("dispatch_mode", flat=True)) == {"team", "volunteer", "open"}
    assert any(accept_deadline(r) < now for r in dispatched)
    assert requests.filter(status="completed", completed_at__gt=now - timedelta(days=2)).exists()
    assert FollowUp.objects.filter(request__station=jiaojia, closed_at=None).exists()

    # The history's notifications are read; today's open requests' are not.
    unread = Notification.objects.filter(kind__startswith="request.", read_at__isnull=True)
    assert unread.exists()
    recent = requests.filter(submitted_at__gt=now - timedelta(days=5)).values_list("pk", flat=True)
    today = {reverse("assistance:detail", args=[pk]) for pk in recent}
    assert set(unread.values_list("url", flat=True)) <= today
    assert (
        Notification.objects.filter(kind__startswith="request.", read_at__isnull=False).count()
        > 1000
    )

    # The demo accounts: the resident follows her own requests, one to rate; the volunteer has
    # served some, holds one and has one dispatched to her.
    resident = User.objects.get(phone="13900000005")
    own = requests_for_user(resident).filter(requester=resident)
    assert own.filter(status="rated").count() >= 5
    assert own.filter(status="completed").exists() and own.filter(status="submitted").exists()
    volunteer = Volunteer.objects.get(user__phone="13900000004")
    tasks = requests.filter(volunteer=volunteer)
    assert tasks.filter(status="rated").count() >= 2
    assert tasks.filter(status="accepted").exists()
    assert takeable_requests(volunteer).filter(dispatch_volunteer=volunteer).exists()

    # The summary counts them.
    staff = User.objects.get(phone="13900000002")
    body = Client().get("/api/v1/stats/summary", **bearer(api_token(staff))).json()
    assert body["requests"] == requests.count()
    assert body["requests_by_status"]["in_service"] >= 1
    assert body["requests_by_category"]["community"] > body["requests_by_category"]["legal"]
    assert 0.75 < body["satisfaction_rate"] < 0.98
    assert 5 < body["median_minutes_to_dispatch"] < 60
    assert body["open_followups"] == 1

    # The plan is drawn from a fixed seed; a second run adds nothing.
    def drawn() -> list[object]:
        plan = plan_requests(jiaojia, now=now)
        return [
            (
                planned.item.name,
                planned.resident,
                [(step.action, step.at) for step in planned.steps],
            )
            for planned in [*plan.history, *plan.open_now]
        ]

    assert drawn() == drawn()
    before = counts()
    assert seed_requests() == 0
    assert counts() == before
