"""The study room's sweep, run by the task worker every SWEEP_MINUTES: the still-in alert (each
late stay once) and the retention rule (pupils whose retention period ran out are anonymised).
Both are derived from the rows, so a missed run only delays them, never loses one."""

from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from linli.studyroom.actions.day import still_in_alert
from linli.studyroom.actions.pupils import pupils_anonymise_due

SWEEP_MINUTES = 10


def next_sweep_time(now: datetime | None = None) -> datetime:
    """The next slot on the SWEEP_MINUTES grid: chains started apart converge on the same slots."""
    now = now or timezone.now()
    step = SWEEP_MINUTES * 60
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % step + step, tz=UTC)


def schedule_study_room_sweep(now: datetime | None = None) -> bool:
    """Queue the next sweep unless this process already queued one for that slot."""
    run_at = next_sweep_time(now)
    if not cache.add(f"study-room-sweep:{run_at:%Y%m%d%H%M}", True, timeout=3600):
        return False
    transaction.on_commit(lambda: sweep_study_room.using(run_after=run_at).enqueue())
    return True


def run_sweep(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "still_in_alerted": still_in_alert(now=now),
        "anonymised": pupils_anonymise_due(today=timezone.localdate(now)),
    }


@task()
def sweep_study_room() -> dict[str, int]:
    done = run_sweep()
    schedule_study_room_sweep(timezone.now() + timedelta(seconds=1))
    return done
