"""Background work for service requests: the escalation sweep, every SWEEP_MINUTES (timers.py)."""

from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from linli.assistance.timers import sweep

SWEEP_MINUTES = 5


def next_sweep_time(now: datetime | None = None) -> datetime:
    """The next slot on the SWEEP_MINUTES grid: chains started apart converge on the same slots."""
    now = now or timezone.now()
    step = SWEEP_MINUTES * 60
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % step + step, tz=UTC)


def schedule_request_sweep(now: datetime | None = None) -> bool:
    """Queue the next sweep unless this process already queued one for that slot."""
    run_at = next_sweep_time(now)
    if not cache.add(f"request-sweep:{run_at:%Y%m%d%H%M}", True, timeout=3600):
        return False
    transaction.on_commit(lambda: sweep_request_timers.using(run_after=run_at).enqueue())
    return True


@task()
def sweep_request_timers() -> dict[str, int]:
    """Every five minutes: the request timers, and (on the same beat, so one chain of tasks keeps
    the platform's clocks) notification deliveries whose queued task was lost."""
    from linli.notifications.tasks import requeue_due_deliveries

    fired = sweep()
    requeue_due_deliveries()
    schedule_request_sweep(timezone.now() + timedelta(seconds=1))
    return fired
