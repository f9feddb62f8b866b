"""Escalation (SPEC §4: a request not dispatched or not accepted in time is escalated) and the
rating reminder, with time moved forward by passing a later `now` to the sweep.

Each timer fires once per waiting period: sweeping again fires nothing, and leaves one alert row
on the timeline and one notification in each inbox. The sweep runs as a queued task that
re-queues itself on a five-minute grid; restarts do not queue it twice.

The menu (tests/conftest.py): 社区服务 must be reviewed within 4 hours, 助老助残 within 2; a
dispatched request must be accepted within REQUEST_ACCEPT_WITHIN_MINUTES (120).
"""

from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from linli.accounts.models import Role
from linli.assistance.actions import (
    RequestInput,
    request_accept,
    request_complete,
    request_dispatch,
    request_start,
    request_submit,
)
from linli.assistance.models import RequestEvent, ServiceRequest
from linli.assistance.tasks import schedule_request_sweep, sweep_request_timers
from linli.assistance.timers import check_timer, sweep
from linli.notifications.models import Notification
from tests.conftest import submit_request

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOTHING = {"review": 0, "accept": 0, "rating": 0}


def alerts(service_request: ServiceRequest, kind: str = RequestEvent.Kind.ALERT) -> list[str]:
    return list(
        RequestEvent.objects.filter(request=service_request, kind=kind).values_list(
            "note", flat=True
        )
    )


def inbox(user: Any, kind: str) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


def test_an_unreviewed_request_is_escalated_once_after_its_response_time(menu, world):
    staff = world.user(Role.STATION_STAFF)
    service_request = submit_request(world.jiaojia, item_id=menu.repair.pk)
    submitted = service_request.submitted_at

    early = sweep(now=submitted + timedelta(hours=3, minutes=59))
    due = sweep(now=submitted + timedelta(hours=4, minutes=1))
    again = sweep(now=submitted + timedelta(hours=9))

    assert early == NOTHING
    assert due == {**NOTHING, "review": 1}
    assert again == NOTHING
    assert alerts(service_request) == ["超时未审核：已等待 4 小时"]
    assert inbox(staff, "request.review_overdue") == 1
    assert not check_timer("review", service_request.pk, now=submitted + timedelta(days=1))
    service_request.refresh_from_db()
    assert service_request.status == "submitted"  # escalation tells people; it moves nothing


def test_an_urgent_request_is_escalated_at_half_the_time(menu, world):
    urgent = submit_request(world.jiaojia, urgency="urgent", description="水管爆了，满屋是水")
    normal = submit_request(world.jiaojia)
    halfway = urgent.submitted_at + timedelta(hours=2, minutes=1)

    assert not check_timer("review", urgent.pk, now=urgent.submitted_at + timedelta(hours=1))
    fired = sweep(now=halfway)

    assert fired == {**NOTHING, "review": 1}
    assert len(alerts(urgent)) == 1
    assert alerts(normal) == []


def test_a_reviewed_request_is_not_escalated(menu, world):
    service_request = submit_request(world.jiaojia)
    request_dispatch(service_request=service_request, actor=None, open_to_all=True)

    fired = sweep(now=service_request.submitted_at + timedelta(hours=5))

    assert fired["review"] == 0


def test_nobody_accepting_is_escalated_and_a_redispatch_starts_the_clock_again(menu, world, corps):
    staff = world.user(Role.STATION_STAFF)
    service_request = submit_request(world.jiaojia, item_id=menu.repair.pk)
    dispatched = timezone.now()
    request_dispatch(
        service_request=service_request, actor=staff, team=corps.party_team, at=dispatched
    )

    assert not check_timer("accept", service_request.pk, now=dispatched + timedelta(minutes=119))
    assert check_timer("accept", service_request.pk, now=dispatched + timedelta(minutes=121))
    assert not check_timer("accept", service_request.pk, now=dispatched + timedelta(minutes=125))
    (note,) = alerts(service_request)
    assert note.startswith("派单后无人接单，请改派")
    assert "黄文静" in note  # the suggestions name who could take it
    assert inbox(staff, "request.accept_overdue") == 1

    redispatched = dispatched + timedelta(minutes=130)
    request_dispatch(
        service_request=service_request, actor=staff, open_to_all=True, at=redispatched
    )

    assert sweep(now=redispatched + timedelta(minutes=60)) == NOTHING
    assert sweep(now=redispatched + timedelta(minutes=121)) == {**NOTHING, "accept": 1}
    assert len(alerts(service_request)) == 2
    assert inbox(staff, "request.accept_overdue") == 2


def test_an_accepted_request_is_not_escalated(menu, world, corps):
    service_request = submit_request(world.jiaojia)
    dispatched = timezone.now()
    request_dispatch(
        service_request=service_request, actor=None, team=corps.party_team, at=dispatched
    )
    request_accept(service_request=service_request, actor=world.user(Role.VOLUNTEER))

    assert sweep(now=dispatched + timedelta(hours=5)) == NOTHING


def _completed(world: Any, corps: Any, requester: Any) -> tuple[ServiceRequest, datetime]:
    volunteer = world.user(Role.VOLUNTEER)
    service_request = submit_request(world.jiaojia, requester)
    request_dispatch(service_request=service_request, actor=None, team=corps.party_team)
    request_accept(service_request=service_request, actor=volunteer)
    request_start(service_request=service_request, actor=volunteer)
    completed = timezone.now()
    request_complete(
        service_request=service_request,
        actor=volunteer,
        hours=Decimal("1"),
        note="修好了",
        at=completed,
    )
    return service_request, completed


def test_the_requester_is_reminded_to_rate_after_three_days(menu, world, corps):
    requester = world.user(Role.RESIDENT)
    service_request, completed = _completed(world, corps, requester)

    early = sweep(now=completed + timedelta(days=2, hours=23))
    due = sweep(now=completed + timedelta(days=3, minutes=1))
    again = sweep(now=completed + timedelta(days=10))

    assert early == NOTHING
    assert due == {**NOTHING, "rating": 1}
    assert again == NOTHING
    assert alerts(service_request, RequestEvent.Kind.REMINDER) == ["服务完成 3 天仍未评价，已提醒"]
    assert inbox(requester, "request.rating_reminder") == 1


def test_without_an_account_to_remind_staff_are_asked_to_call(menu, world, corps):
    staff = world.user(Role.STATION_STAFF)
    service_request, completed = _completed(world, corps, None)

    assert sweep(now=completed + timedelta(days=4)) == {**NOTHING, "rating": 1}

    assert inbox(staff, "request.rating_call") == 1


# --- the sweep as a queued task -------------------------------------------------------------------

SWEEP_TASK = "linli.assistance.tasks.sweep_request_timers"


def test_restarts_queue_one_sweep_per_slot(db, django_capture_on_commit_callbacks):
    now = datetime(2026, 11, 29, 22, 2, tzinfo=SHANGHAI)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_request_sweep(now) is True
        assert schedule_request_sweep(now + timedelta(minutes=2)) is False  # the same slot
        assert schedule_request_sweep(now + timedelta(minutes=5)) is True  # the next one

    queued = DBTaskResult.objects.filter(task_path=SWEEP_TASK).order_by("run_after")
    assert [row.run_after for row in queued] == [
        datetime(2026, 11, 29, 22, 5, tzinfo=SHANGHAI),
        datetime(2026, 11, 29, 22, 10, tzinfo=SHANGHAI),
    ]


def test_the_sweep_runs_in_the_worker_and_queues_the_next_one(transactional_db):
    sweep_request_timers.enqueue()

    call_command("worker", batch=True, verbosity=0)

    rows = DBTaskResult.objects.filter(task_path=SWEEP_TASK)
    done = rows.get(status="SUCCESSFUL")
    assert done.return_value == NOTHING
    (following,) = rows.exclude(pk=done.pk)
    assert following.status == "READY"
    assert following.run_after > timezone.now()
    assert following.run_after.timestamp() % (5 * 60) == 0


def test_the_request_timers_command_sweeps_now(menu, world):
    long_ago = timezone.now() - timedelta(hours=5)
    request_submit(
        station=world.jiaojia,
        data=RequestInput(category="community", description="楼道灯坏了", requester_name="李建国"),
        channel="phone",
        actor=world.user(Role.STATION_STAFF),
        at=long_ago,
    )
    first, second = StringIO(), StringIO()

    call_command("request_timers", stdout=first)
    call_command("request_timers", stdout=second)

    assert first.getvalue().strip() == "review alerts 1, accept alerts 0, rating reminders 0"
    assert second.getvalue().strip() == "review alerts 0, accept alerts 0, rating reminders 0"
