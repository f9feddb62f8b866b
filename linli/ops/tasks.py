"""The task worker's housekeeping: the nightly backup (linli/ops/backup.py schedules it) and the
sweep of import jobs whose worker died."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from linli.core.importjobs import jobs_sweep
from linli.ops.backup import backup_create, backup_prune, schedule_nightly_backup


@task()
def nightly_backup() -> str:
    """A backup into LINLI_BACKUP_DIR, keeping the newest LINLI_BACKUP_KEEP; then the next."""
    folder = backup_create()
    backup_prune(keep=settings.BACKUP_KEEP)
    schedule_nightly_backup()
    return str(folder)


# --- imports whose worker died, sheets left behind ---------------------------------------------

IMPORT_SWEEP_MINUTES = 10


def next_import_sweep_time(now: datetime | None = None) -> datetime:
    now = now or timezone.now()
    step = IMPORT_SWEEP_MINUTES * 60
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % step + step, tz=UTC)


def schedule_import_sweep(now: datetime | None = None) -> bool:
    """Queue the next sweep of the import jobs unless one is already queued for that slot."""
    run_at = next_import_sweep_time(now)
    if not cache.add(f"import-sweep:{run_at:%Y%m%d%H%M}", True, timeout=3 * 3600):
        return False
    transaction.on_commit(lambda: sweep_import_jobs.using(run_after=run_at).enqueue())
    return True


def import_jobs_sweep(now: datetime | None = None) -> dict[str, dict[str, list[int]]]:
    """Both imports' jobs swept once (`core.importjobs.jobs_sweep`)."""
    from linli.people.models import ImportJob
    from linli.people.tasks import check_resident_import, commit_resident_import
    from linli.volunteers.models import VolunteerImportJob
    from linli.volunteers.tasks import check_volunteer_import, commit_volunteer_import

    return {
        "residents": jobs_sweep(
            ImportJob,
            check=check_resident_import.enqueue,
            commit=commit_resident_import.enqueue,
            now=now,
        ),
        "volunteers": jobs_sweep(
            VolunteerImportJob,
            check=check_volunteer_import.enqueue,
            commit=commit_volunteer_import.enqueue,
            now=now,
        ),
    }


@task()
def sweep_import_jobs() -> dict[str, dict[str, list[int]]]:
    """Every ten minutes: steps of imports whose worker died are queued again, sheets of imports
    no one finished within a day are deleted; then the next sweep."""
    swept = import_jobs_sweep()
    schedule_import_sweep(timezone.now() + timedelta(seconds=1))
    return swept
