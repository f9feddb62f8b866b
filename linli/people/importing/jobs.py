"""The import job: create, check and commit (the last two run as background tasks)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.org.models import Station
from linli.people.actions import (
    residents_bulk_create,
)
from linli.people.importing.columns import ImportFileError, logger
from linli.people.importing.rows import check_sheet
from linli.people.importing.sheet import Sheet, read_sheet
from linli.people.models import ImportJob

# --- the job: actions and the two background steps ---------------------------------------------

# ImportJob's state machine: each step moves the job only from the state named here.
TRANSITIONS: dict[str, set[str]] = {
    ImportJob.Status.UPLOADED: {ImportJob.Status.CHECKING, ImportJob.Status.FAILED},
    ImportJob.Status.CHECKING: {ImportJob.Status.CHECKED, ImportJob.Status.FAILED},
    ImportJob.Status.CHECKED: {ImportJob.Status.COMMITTING},
    ImportJob.Status.COMMITTING: {ImportJob.Status.DONE, ImportJob.Status.FAILED},
    ImportJob.Status.DONE: set(),
    ImportJob.Status.FAILED: set(),
}


def _move(job: ImportJob, source: str, target: str, **changes: Any) -> bool:
    """Move the job from `source` to `target` unless someone else moved it first."""
    if target not in TRANSITIONS[source]:
        raise ValueError(f"import job cannot go from {source} to {target}")
    if target in {ImportJob.Status.DONE, ImportJob.Status.FAILED, ImportJob.Status.CHECKED}:
        changes.setdefault("finished_at", timezone.now())
    moved = ImportJob.objects.filter(pk=job.pk, status=source).update(status=target, **changes)
    if moved:
        job.refresh_from_db()
    return bool(moved)


def _progress(job: ImportJob) -> Callable[[int], None]:
    def report(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)

    return report


def _discard_file(job: ImportJob) -> None:
    """The uploaded sheet holds ID numbers in clear: keep it only while it may still be imported."""
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def _read_job_sheet(job: ImportJob) -> Sheet:
    if not job.file:
        raise ImportFileError(_("上传的文件已不存在，请重新上传。"))
    with job.file.open("rb") as stream:
        return read_sheet(stream)


@transaction.atomic
def import_job_create(
    *, station: Station, upload: UploadedFile, consent_confirmed: bool, actor: Any
) -> ImportJob:
    """Keep an uploaded sheet and queue its check. Only with the uploader's word that every
    resident in it (a child's guardian) signed the written consent form, sensitive data included.
    """
    if not consent_confirmed:
        raise ValidationError(
            {"consent_confirmed": [_("请先确认已收集表中每位居民签字的书面同意书。")]}
        )
    job = ImportJob(
        station=station,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        original_name=(upload.name or "")[:200],
        consent_confirmed=True,
    )
    job.file.save(upload.name or "import.xlsx", upload, save=False)
    job.save()
    audit_record(
        actor=actor,
        action="resident.import_upload",
        target=job,
        station=station,
        after={"file": job.original_name},
    )
    from linli.people.tasks import check_resident_import

    transaction.on_commit(lambda: check_resident_import.enqueue(job.pk))
    return job


def run_import_check(job_id: int, *, today: date | None = None) -> ImportJob:
    """The dry run: read the file, check every row, store the report. No resident is written."""
    job = ImportJob.objects.select_related("station").get(pk=job_id)
    if not _move(job, ImportJob.Status.UPLOADED, ImportJob.Status.CHECKING):
        return job
    try:
        sheet = _read_job_sheet(job)
        if not sheet.rows:
            raise ImportFileError(_("表头下面没有居民数据。"))
        ImportJob.objects.filter(pk=job.pk).update(total_rows=len(sheet.rows))
        result = check_sheet(station=job.station, sheet=sheet, progress=_progress(job), today=today)
    except ImportFileError as error:
        _move(
            job,
            ImportJob.Status.CHECKING,
            ImportJob.Status.FAILED,
            report={"message": error.message},
        )
        _discard_file(job)
        return job
    except Exception:
        logger.exception("resident import %s: check failed", job.pk)
        _move(
            job,
            ImportJob.Status.CHECKING,
            ImportJob.Status.FAILED,
            report={"message": _("检查时出现意外错误，请稍后重试或联系管理员。")},
        )
        _discard_file(job)
        return job
    _move(
        job,
        ImportJob.Status.CHECKING,
        ImportJob.Status.CHECKED,
        processed_rows=len(sheet.rows),
        valid_rows=len(result.checked),
        bad_rows=len(result.problems),
        report={"problems": result.problems, "ignored_columns": sheet.ignored_columns},
    )
    if not job.can_commit:
        _discard_file(job)  # it can never be imported: a corrected file is a new upload
    return job


@transaction.atomic
def import_job_commit(*, job: ImportJob, actor: Any) -> ImportJob:
    """Ask for a checked job with no bad rows to be imported; the import runs in the background.

    A second click (or a second person) finds the job already committing and is refused.
    """
    moved = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.CHECKED, bad_rows=0, valid_rows__gt=0
    ).update(
        status=ImportJob.Status.COMMITTING,
        processed_rows=0,
        committed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if not moved:
        raise ValidationError(_("这个文件已经在导入、已经导入过，或者还有需要修改的行。"))
    job.refresh_from_db()
    from linli.people.tasks import commit_resident_import

    transaction.on_commit(lambda: commit_resident_import.enqueue(job.pk))
    return job


def run_import_commit(job_id: int, *, today: date | None = None) -> ImportJob:
    """Check the file again (the registry may have changed), then create every row in ONE
    transaction: on any failure, of the check or of the database half-way through, nothing of the
    import remains and the job says why.
    """
    job = ImportJob.objects.select_related("station", "committed_by", "uploaded_by").get(pk=job_id)
    if job.status != ImportJob.Status.COMMITTING:
        return job
    actor = job.committed_by or job.uploaded_by
    try:
        sheet = _read_job_sheet(job)
        result = check_sheet(station=job.station, sheet=sheet, progress=_progress(job), today=today)
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=len(sheet.rows))
        if result.problems:
            _move(
                job,
                ImportJob.Status.COMMITTING,
                ImportJob.Status.FAILED,
                bad_rows=len(result.problems),
                valid_rows=len(result.checked),
                report={
                    "message": _(
                        "导入前复查时发现 %(count)s 行有问题（检查之后登记簿有了变化，例如有人已登记了"
                        "同一身份证号码）。没有导入任何居民，请改正后重新上传。"
                    )
                    % {"count": len(result.problems)},
                    "problems": result.problems,
                    "ignored_columns": sheet.ignored_columns,
                },
            )
            return job
        with transaction.atomic():
            # The job row first: a second worker running the same job waits on this row, then
            # finds it no longer committing and writes nothing.
            if not _move(job, ImportJob.Status.COMMITTING, ImportJob.Status.DONE):
                return job
            residents = residents_bulk_create(
                station=job.station,
                rows=result.checked,
                consent=result.consents,
                actor=actor,
                audit_each=False,
            )
            audit_record(
                actor=actor,
                action="resident.import",
                target=job,
                station=job.station,
                after={"file": job.original_name, "count": len(residents)},
            )
            ImportJob.objects.filter(pk=job.pk).update(created_count=len(residents))
    except ImportFileError as error:
        _move(
            job,
            ImportJob.Status.COMMITTING,
            ImportJob.Status.FAILED,
            report={"message": error.message},
        )
    except Exception as error:
        logger.exception("resident import %s: commit failed and was rolled back", job.pk)
        _move(
            job,
            ImportJob.Status.COMMITTING,
            ImportJob.Status.FAILED,
            report={
                **job.report,
                "message": _(
                    "导入时数据库出错，已全部撤销，没有导入任何居民。请稍后重试或联系管理员。"
                    "（%(error)s）"
                )
                % {"error": f"{type(error).__name__}: {error}"[:200]},
            },
        )
    finally:
        job.refresh_from_db()
        if job.status in {ImportJob.Status.DONE, ImportJob.Status.FAILED}:
            _discard_file(job)
    return job
