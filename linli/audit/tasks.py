"""The audit log's housekeeping, run by the task worker once a day at 03:00 station time."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from linli.audit.actions import audit_prune


def next_prune_time(now: datetime | None = None) -> datetime:
    local_now = timezone.localtime(now)
    run_at = timezone.make_aware(datetime.combine(local_now.date(), time(3, 0)))
    return run_at if run_at > local_now else run_at + timedelta(days=1)


def schedule_audit_prune(now: datetime | None = None) -> bool:
    """Queue the next prune unless one is already queued for that night.

    The cache key makes restarts and the task's own re-scheduling converge on one pending run.
    """
    run_at = next_prune_time(now)
    if not cache.add(f"audit-prune:{run_at:%Y%m%d}", True, timeout=3 * 24 * 3600):
        return False
    transaction.on_commit(lambda: prune_audit_log.using(run_after=run_at).enqueue())
    return True


@task()
def prune_audit_log() -> int:
    deleted = audit_prune(retention_days=settings.AUDIT_RETENTION_DAYS)
    schedule_audit_prune()
    return deleted
