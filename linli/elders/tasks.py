"""The elders' daily sweep, run by the task worker every morning at 07:30 station time: new
60-year-olds get their profile, intervals follow the registry's tags, and the staff hear which
visits are overdue (each overdue period once). Derived from the data: missing a morning only
delays the message, it never loses one."""

from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from linli.elders.actions import elder_profiles_sync, overdue_visits_alert

SWEEP_AT = time(7, 30)


def next_sweep_time(now: datetime | None = None) -> datetime:
    local_now = timezone.localtime(now)
    run_at = timezone.make_aware(datetime.combine(local_now.date(), SWEEP_AT))
    return run_at if run_at > local_now else run_at + timedelta(days=1)


def schedule_elder_sweep(now: datetime | None = None) -> bool:
    """Queue the next morning's sweep unless one is already queued for it."""
    run_at = next_sweep_time(now)
    if not cache.add(f"elder-sweep:{run_at:%Y%m%d}", True, timeout=3 * 24 * 3600):
        return False
    transaction.on_commit(lambda: sweep_elders.using(run_after=run_at).enqueue())
    return True


def run_sweep() -> dict[str, int]:
    created = elder_profiles_sync()
    alerted = overdue_visits_alert()
    return {"profiles_created": created, "overdue_alerted": alerted}


@task()
def sweep_elders() -> dict[str, int]:
    done = run_sweep()
    schedule_elder_sweep(timezone.now() + timedelta(seconds=1))
    return done
