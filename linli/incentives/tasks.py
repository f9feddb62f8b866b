"""The 爱心超市's hourly sweep, run by the task worker: reservations past their 7 days are
cancelled and their points and stock return (`redemptions_expire`). Derived from the rows: a
missed hour only delays the return, it never loses one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from linli.incentives.actions.shop import redemptions_expire

SWEEP_MINUTES = 60


def next_sweep_time(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    step = SWEEP_MINUTES * 60
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % step + step, tz=UTC)


def schedule_shop_sweep(now: datetime | None = None) -> bool:
    """Queue the next sweep unless one is already queued for that slot."""
    run_at = next_sweep_time(now)
    if not cache.add(f"shop-sweep:{run_at:%Y%m%d%H%M}", True, timeout=3 * 3600):
        return False
    transaction.on_commit(lambda: sweep_shop.using(run_after=run_at).enqueue())
    return True


@task()
def sweep_shop() -> int:
    expired = redemptions_expire()
    schedule_shop_sweep(timezone.now() + timedelta(seconds=1))
    return expired
