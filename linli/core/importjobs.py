"""Excel imports run as jobs: the job row the resident and the volunteer imports share, its
states, and the frame of its two background steps.

A job walks uploaded → checking → checked → committing → done (or failed). The check (a dry run)
writes only the job's report; the import writes every row in one transaction, or none. The
uploaded sheet holds ID numbers in clear, so it is deleted as soon as the job can no longer be
imported (done, failed, or checked with bad rows). What a row holds and how it is checked and
written belong to each import (`people.importing`, `volunteers.importing`).

A worker can die in the middle of a step (a restart, the memory killer). `heartbeat_at` says when
the job last moved, and each step's progress reports beat in the cache; a periodic sweep
(`jobs_sweep`) queues a step again once neither has stirred for `LINLI_IMPORT_STALE_MINUTES`.
Running a step twice is safe: the check writes only the report, and the import moves the job to
done inside its own transaction, so a second run waits on the row, finds it done and writes
nothing. A job no one finished within a day is failed and its sheet deleted.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import IO, TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile

    from linli.org.models import Station

logger = logging.getLogger(__name__)


class ImportFileError(Exception):
    """The file as a whole cannot be imported (not an xlsx, no header, no rows): one message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RowsRefused(Exception):
    """The import's own re-check refused rows (the registry changed since the dry run): the job
    fails with `changes` (its counts and report), and nothing of the import is kept."""

    def __init__(self, **changes: Any) -> None:
        super().__init__("rows refused")
        self.changes = changes


class AbstractImportJob(models.Model):
    """One uploaded sheet. Each import adds its `station` (with its own related name), its `file`
    (under its own folder) and its `consent_confirmed` (in its own words), and what else it needs.

    `report` holds what the job's page shows: `problems` ([{row, name, errors: [{column,
    messages}]}]), `ignored_columns` and `message`.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", gettext_lazy("已上传")
        CHECKING = "checking", gettext_lazy("正在检查")
        CHECKED = "checked", gettext_lazy("检查完成")
        COMMITTING = "committing", gettext_lazy("正在导入")
        DONE = "done", gettext_lazy("导入完成")
        FAILED = "failed", gettext_lazy("失败")

    if TYPE_CHECKING:
        station: Station
        station_id: int
        file: FieldFile

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("上传人"),
    )
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("确认导入人"),
    )
    original_name = models.CharField(gettext_lazy("文件名"), max_length=200, blank=True)
    status = models.CharField(
        gettext_lazy("状态"), max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    total_rows = models.PositiveIntegerField(gettext_lazy("总行数"), default=0)
    valid_rows = models.PositiveIntegerField(gettext_lazy("无误行数"), default=0)
    bad_rows = models.PositiveIntegerField(gettext_lazy("有误行数"), default=0)
    created_count = models.PositiveIntegerField(gettext_lazy("已导入人数"), default=0)
    report = models.JSONField(gettext_lazy("检查报告"), default=dict, blank=True)
    created_at = models.DateTimeField(gettext_lazy("上传时间"), default=timezone.now)
    finished_at = models.DateTimeField(gettext_lazy("完成时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(gettext_lazy("最近进展"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in {
            self.Status.UPLOADED,
            self.Status.CHECKING,
            self.Status.COMMITTING,
        }

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.CHECKED and self.bad_rows == 0 and self.valid_rows > 0


Status = AbstractImportJob.Status
# The state machine: each step moves a job only from the state named here. checking → uploaded
# queues a check again after its worker died; checked → failed is a sheet left unconfirmed a day.
TRANSITIONS: dict[str, set[str]] = {
    Status.UPLOADED: {Status.CHECKING, Status.FAILED},
    Status.CHECKING: {Status.CHECKED, Status.FAILED, Status.UPLOADED},
    Status.CHECKED: {Status.COMMITTING, Status.FAILED},
    Status.COMMITTING: {Status.DONE, Status.FAILED},
    Status.DONE: set(),
    Status.FAILED: set(),
}
FINISHED = {Status.CHECKED, Status.DONE, Status.FAILED}

J = TypeVar("J", bound=AbstractImportJob)
S = TypeVar("S")


def upload_name(folder: str, filename: str) -> str:
    """A random name in `folder` under MEDIA_ROOT: the file's own name may itself hold names."""
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ""
    return f"{folder}{uuid.uuid4().hex}{suffix}"


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- progress kept in the cache ------------------------------------------------------------------


def _progress_key(job: AbstractImportJob) -> str:
    return f"linli:import:{job._meta.label_lower}:{job.pk}:done"


def _beat_key(job: AbstractImportJob) -> str:
    return f"linli:import:{job._meta.label_lower}:{job.pk}:beat"


def job_beat(job: AbstractImportJob) -> None:
    """The running step is alive: every progress report says so (in the cache, which a step
    inside its transaction can write and the sweep can read)."""
    cache.set(_beat_key(job), timezone.now().timestamp(), timeout=6 * 3600)


def last_sign_of_life(job: AbstractImportJob) -> datetime:
    """When the job last moved or its running step last reported progress."""
    beat = cache.get(_beat_key(job))
    if beat is None:
        return job.heartbeat_at
    return max(job.heartbeat_at, datetime.fromtimestamp(float(beat), tz=UTC))


def cached_progress(job: AbstractImportJob) -> Callable[[int], None]:
    """A step's progress reporter writing rows done to the cache, not the job row: a step whose
    rows are written in one transaction would show a progress update on the row to no one."""

    def report(done: int) -> None:
        cache.set(_progress_key(job), done, timeout=6 * 3600)
        job_beat(job)

    return report


def cached_rows_done(job: AbstractImportJob) -> int:
    """Rows done in the running step (`cached_progress`); all of them once the job stopped."""
    return int(cache.get(_progress_key(job)) or 0) if job.is_running else job.total_rows


# --- the job row: moves and the file -------------------------------------------------------------


def job_move(job: AbstractImportJob, source: str, target: str, **changes: Any) -> bool:
    """Move the job from `source` to `target` (with `changes`) unless someone else moved it first."""
    if target not in TRANSITIONS[source]:
        raise ValueError(f"import job cannot go from {source} to {target}")
    if target in FINISHED:
        changes.setdefault("finished_at", timezone.now())
    changes.setdefault("heartbeat_at", timezone.now())
    moved = (
        type(job)._default_manager.filter(pk=job.pk, status=source).update(status=target, **changes)
    )
    if moved:
        cache.delete_many([_progress_key(job), _beat_key(job)])
        job.refresh_from_db()
    return bool(moved)


def job_discard_file(job: AbstractImportJob) -> None:
    """The uploaded sheet holds ID numbers in clear: keep it only while it may still be imported."""
    if job.file:
        job.file.delete(save=False)
        type(job)._default_manager.filter(pk=job.pk).update(file="")


def job_sheet(job: AbstractImportJob, read: Callable[[IO[bytes]], S]) -> S:
    """The job's file, read by `read`."""
    if not job.file:
        raise ImportFileError(_("上传的文件已不存在，请重新上传。"))
    with job.file.open("rb") as stream:
        return read(stream)


def job_store_upload(job: J, upload: UploadedFile, *, actor: Any) -> J:
    """Save a new job row with its uploaded file, under the random name its `file` field gives."""
    job.uploaded_by = _user_or_none(actor)
    job.original_name = (upload.name or "")[:200]
    job.file.save(upload.name or "import.xlsx", upload, save=False)
    job.save()
    return job


def job_request_commit(job: AbstractImportJob, *, actor: Any, **changes: Any) -> None:
    """Move a checked job with no bad rows to committing, once: a second click (or a second
    person) finds it committing already and is refused. The caller queues the import."""
    moved = (
        type(job)
        ._default_manager.filter(pk=job.pk, status=Status.CHECKED, bad_rows=0, valid_rows__gt=0)
        .update(
            status=Status.COMMITTING,
            committed_by=_user_or_none(actor),
            heartbeat_at=timezone.now(),
            **changes,
        )
    )
    if not moved:
        raise ValidationError(_("这个文件已经在导入、已经导入过，或者还有需要修改的行。"))
    job.refresh_from_db()


# --- the two background steps --------------------------------------------------------------------


def run_check(model: type[J], job_id: int, check: Callable[[J], dict[str, Any]]) -> J:
    """The dry run's frame: move the job to checking (once), run `check`, store what it returns
    (the counts and the report) as the checked job's. A file that cannot be read, or any other
    failure, fails the job. A job that can never be imported loses its file at once: a corrected
    file is a new upload. `check` writes nothing but the job's progress and `total_rows`.
    """
    job = model._default_manager.select_related("station", "uploaded_by").get(pk=job_id)
    if not job_move(job, Status.UPLOADED, Status.CHECKING):
        return job
    try:
        checked = check(job)
    except ImportFileError as error:
        message = error.message
    except Exception:
        logger.exception("%s %s: check failed", model._meta.label, job.pk)
        message = _("检查时出现意外错误，请稍后重试或联系管理员。")
    else:
        # A second run of a check queued again finds the job moved by the first: it keeps the
        # first one's result (and its file).
        if job_move(job, Status.CHECKING, Status.CHECKED, **checked) and not job.can_commit:
            job_discard_file(job)
        return job
    if job_move(job, Status.CHECKING, Status.FAILED, report={"message": message}):
        job_discard_file(job)
    return job


def run_commit(
    model: type[J],
    job_id: int,
    commit: Callable[[J, Any], None],
    *,
    database_error: Callable[[Exception], str],
) -> J:
    """The import's frame: `commit(job, actor)` — the actor is whoever confirmed — re-checks
    and writes every row in ONE transaction, moving the job to done inside it first (a second
    worker on the same job then waits on the row, finds it done, and writes nothing). It raises
    `RowsRefused` when the re-check refuses rows; on that, an unreadable file, or a failure of the
    database half-way, nothing of the import remains and the failed job says why
    (`database_error` words the last). The file goes once the job is done or failed.
    """
    job = model._default_manager.select_related("station", "committed_by", "uploaded_by").get(
        pk=job_id
    )
    if job.status != Status.COMMITTING:
        return job
    try:
        commit(job, job.committed_by or job.uploaded_by)
    except RowsRefused as refused:
        job_move(job, Status.COMMITTING, Status.FAILED, **refused.changes)
    except ImportFileError as error:
        job_move(job, Status.COMMITTING, Status.FAILED, report={"message": error.message})
    except Exception as error:
        logger.exception("%s %s: commit failed and was rolled back", model._meta.label, job.pk)
        job_move(
            job,
            Status.COMMITTING,
            Status.FAILED,
            report={**job.report, "message": database_error(error)},
        )
    finally:
        cache.delete_many([_progress_key(job), _beat_key(job)])
        job.refresh_from_db()
        if job.status in {Status.DONE, Status.FAILED}:
            job_discard_file(job)
    return job


# --- the sweep: steps whose worker died, sheets left behind ---------------------------------------

ABANDONED_AFTER = timedelta(days=1)


def _stale_after() -> timedelta:
    return timedelta(minutes=settings.IMPORT_STALE_MINUTES)


def jobs_sweep(
    model: type[AbstractImportJob],
    *,
    check: Callable[[int], Any],
    commit: Callable[[int], Any],
    now: datetime | None = None,
) -> dict[str, list[int]]:
    """One pass over `model`'s jobs (the periodic sweep; `check`/`commit` queue a step):

    - a sheet that can no longer be imported (done, failed, checked with bad rows) is deleted,
      should its step have died before deleting it;
    - a job with a sheet that has not stirred for a day (checked and never confirmed, or stuck)
      fails, and its sheet is deleted: it holds ID numbers in clear;
    - a job waiting for, or in the middle of, a step that has not stirred for
      `LINLI_IMPORT_STALE_MINUTES` gets the step queued again (a check starts over).

    Each job is claimed by moving its `heartbeat_at`, so two sweeps queue a step once.
    """
    now = now or timezone.now()
    done: dict[str, list[int]] = {"discarded": [], "abandoned": [], "requeued": []}
    # `file` is each import's own field (see AbstractImportJob), named here by string.
    with_sheet = model._default_manager.exclude(**{"file": ""})
    for job in with_sheet.order_by("pk"):
        last = last_sign_of_life(job)
        if job.status in {Status.DONE, Status.FAILED} or (
            job.status == Status.CHECKED and not job.can_commit
        ):
            job_discard_file(job)
            done["discarded"].append(job.pk)
        elif last < now - ABANDONED_AFTER:
            message = _("这个文件超过一天没有完成导入，已经删除。需要时请重新上传。")
            if job_move(job, job.status, Status.FAILED, report={**job.report, "message": message}):
                job_discard_file(job)
                done["abandoned"].append(job.pk)
        elif job.is_running and last < now - _stale_after():
            if _job_requeue(job, check=check, commit=commit, now=now):
                done["requeued"].append(job.pk)
    return done


def _job_requeue(
    job: AbstractImportJob, *, check: Callable[[int], Any], commit: Callable[[int], Any], now: Any
) -> bool:
    claimed = (
        type(job)
        ._default_manager.filter(pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at)
        .update(heartbeat_at=now)
    )
    if not claimed:
        return False
    logger.warning(
        "%s %s: no sign of life while %s; queued again", job._meta.label, job.pk, job.status
    )
    if job.status == Status.CHECKING and not job_move(job, Status.CHECKING, Status.UPLOADED):
        return False
    step = commit if job.status == Status.COMMITTING else check
    transaction.on_commit(lambda: step(job.pk))
    return True
