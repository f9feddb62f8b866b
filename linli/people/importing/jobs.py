"""The resident import job: create, check and commit (the last two run as background tasks).

The job's states, its moves and its file are `linli.core.importjobs`' work. What is the resident
import's own: rows are checked by `check_sheet` and written by `residents_bulk_create`, and
progress is kept on the job row (`processed_rows`): rows are checked before the import's
transaction opens, so the page sees each update.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.importjobs import (
    ImportFileError,
    RowsRefused,
    job_beat,
    job_move,
    job_request_commit,
    job_sheet,
    job_store_upload,
    run_check,
    run_commit,
)
from linli.org.models import Station
from linli.people.actions import residents_bulk_create
from linli.people.importing.rows import check_sheet
from linli.people.importing.sheet import Sheet, read_sheet
from linli.people.models import ImportJob

Status = ImportJob.Status


def _progress(job: ImportJob) -> Callable[[int], None]:
    def report(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done)
        job_beat(job)

    return report


def _read_rows(job: ImportJob) -> Sheet:
    sheet = job_sheet(job, read_sheet)
    if not sheet.rows:
        raise ImportFileError(_("表头下面没有居民数据。"))
    return sheet


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
    job = job_store_upload(ImportJob(station=station, consent_confirmed=True), upload, actor=actor)
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

    def check(job: ImportJob) -> dict[str, Any]:
        sheet = _read_rows(job)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=len(sheet.rows))
        result = check_sheet(station=job.station, sheet=sheet, progress=_progress(job), today=today)
        return {
            "processed_rows": len(sheet.rows),
            "valid_rows": len(result.checked),
            "bad_rows": len(result.problems),
            "report": {"problems": result.problems, "ignored_columns": sheet.ignored_columns},
        }

    return run_check(ImportJob, job_id, check)


@transaction.atomic
def import_job_commit(*, job: ImportJob, actor: Any) -> ImportJob:
    """Ask for a checked job with no bad rows to be imported; the import runs in the background.

    A second click (or a second person) finds the job already committing and is refused.
    """
    job_request_commit(job, actor=actor, processed_rows=0)
    from linli.people.tasks import commit_resident_import

    transaction.on_commit(lambda: commit_resident_import.enqueue(job.pk))
    return job


def _database_error(error: Exception) -> str:
    return _(
        "导入时数据库出错，已全部撤销，没有导入任何居民。请稍后重试或联系管理员。（%(error)s）"
    ) % {"error": f"{type(error).__name__}: {error}"[:200]}


def run_import_commit(job_id: int, *, today: date | None = None) -> ImportJob:
    """Check the file again (the registry may have changed), then create every row in ONE
    transaction: on any failure, of the check or of the database half-way through, nothing of the
    import remains and the job says why.
    """

    def commit(job: ImportJob, actor: Any) -> None:
        sheet = _read_rows(job)
        result = check_sheet(station=job.station, sheet=sheet, progress=_progress(job), today=today)
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=len(sheet.rows))
        if result.problems:
            raise RowsRefused(
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
        with transaction.atomic():
            if not job_move(job, Status.COMMITTING, Status.DONE):
                return
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

    return run_commit(ImportJob, job_id, commit, database_error=_database_error)
