"""The nightly backup, run by the task worker (linli/ops/backup.py schedules it)."""

from django.conf import settings
from django_tasks import task

from linli.ops.backup import backup_create, backup_prune, schedule_nightly_backup


@task()
def nightly_backup() -> str:
    """A backup into LINLI_BACKUP_DIR, keeping the newest LINLI_BACKUP_KEEP; then the next."""
    folder = backup_create()
    backup_prune(keep=settings.BACKUP_KEEP)
    schedule_nightly_backup()
    return str(folder)
