"""The volunteer import job: create, dry run and import (the last two run as background tasks).

The job's states, its moves and its file are `linli.core.importjobs`' work. What is the volunteer
import's own: both steps register every row through `register_sheet`, and progress is kept in
the cache (`cached_progress`): the import registers its rows in one transaction, where an update
of the job row would show no one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.importjobs import (
    ImportFileError,
    RowsRefused,
    cached_progress,
    job_move,
    job_request_commit,
    job_sheet,
    job_store_upload,
    run_check,
    run_commit,
)
from linli.org.models import Station
from linli.people.importing.sheet import Sheet
from linli.volunteers.importing.columns import read_volunteer_sheet
from linli.volunteers.importing.rows import register_sheet
from linli.volunteers.models import VolunteerImportJob

Status = VolunteerImportJob.Status


def _read_rows(job: VolunteerImportJob) -> Sheet:
    sheet = job_sheet(job, read_volunteer_sheet)
    if not sheet.rows:
        raise ImportFileError(_("表头下面没有志愿者数据。"))
    return sheet


@transaction.atomic
def volunteer_import_create(
    *,
    station: Station,
    upload: UploadedFile,
    consent_confirmed: bool,
    approve: bool,
    actor: Any,
) -> VolunteerImportJob:
    """Keep an uploaded sheet and queue its dry run. Only with the uploader's word that everyone
    in it (a minor's guardian) signed the volunteer undertaking and its personal-data notice."""
    if not consent_confirmed:
        raise ValidationError(
            {"consent_confirmed": [_("请先确认已收集表中每位志愿者签字的注册承诺书。")]}
        )
    job = job_store_upload(
        VolunteerImportJob(station=station, consent_confirmed=True, approve=approve),
        upload,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="volunteer.import_upload",
        target=job,
        station=station,
        after={"file": job.original_name, "approve": approve},
    )
    from linli.volunteers.tasks import check_volunteer_import

    transaction.on_commit(lambda: check_volunteer_import.enqueue(job.pk))
    return job


def run_volunteer_import_check(job_id: int) -> VolunteerImportJob:
    """The dry run: every row registered and rolled back; the report stored. Nothing is kept."""

    def check(job: VolunteerImportJob) -> dict[str, Any]:
        sheet = _read_rows(job)
        VolunteerImportJob.objects.filter(pk=job.pk).update(total_rows=len(sheet.rows))
        outcome = register_sheet(
            station=job.station,
            sheet=sheet,
            actor=job.uploaded_by,
            approve=job.approve,
            keep=False,
            progress=cached_progress(job),
        )
        return {
            "valid_rows": outcome.registered,
            "bad_rows": len(outcome.problems),
            "report": {"problems": outcome.problems, "ignored_columns": sheet.ignored_columns},
        }

    return run_check(VolunteerImportJob, job_id, check)


@transaction.atomic
def volunteer_import_commit(*, job: VolunteerImportJob, actor: Any) -> VolunteerImportJob:
    """Ask for a checked job with no bad rows to be imported; the import runs in the background.
    A second click (or a second person) finds the job already committing and is refused."""
    job_request_commit(job, actor=actor)
    from linli.volunteers.tasks import commit_volunteer_import

    transaction.on_commit(lambda: commit_volunteer_import.enqueue(job.pk))
    return job


def _database_error(error: Exception) -> str:
    # The database's own message can quote a row's values (a phone number): it goes to the
    # server log only; the page names the kind of error.
    return _(
        "导入时数据库出错，已全部撤销，没有导入任何志愿者。请稍后重试或联系管理员。（%(error)s）"
    ) % {"error": type(error).__name__}


def run_volunteer_import_commit(job_id: int) -> VolunteerImportJob:
    """Register every row in ONE transaction with the one who confirmed as actor: if any row is
    refused now (the registry changed since the dry run) or the database fails half-way, nothing
    of the import remains and the job says why."""

    def commit(job: VolunteerImportJob, actor: Any) -> None:
        sheet = _read_rows(job)
        with transaction.atomic():
            if not job_move(job, Status.COMMITTING, Status.DONE):
                return
            outcome = register_sheet(
                station=job.station,
                sheet=sheet,
                actor=actor,
                approve=job.approve,
                keep=True,
                progress=cached_progress(job),
            )
            if outcome.problems:
                raise RowsRefused(
                    bad_rows=len(outcome.problems),
                    valid_rows=outcome.registered,
                    report={
                        "message": _(
                            "导入时复查发现 %(count)s 行有问题（检查之后名册有了变化，例如有人已用同一"
                            "身份证号码或手机号码注册）。没有导入任何志愿者，请改正后重新上传。"
                        )
                        % {"count": len(outcome.problems)},
                        "problems": outcome.problems,
                        "ignored_columns": sheet.ignored_columns,
                    },
                )
            audit_record(
                actor=actor,
                action="volunteer.import",
                target=job,
                station=job.station,
                after={
                    "file": job.original_name,
                    "count": outcome.registered,
                    "approve": job.approve,
                },
            )
            VolunteerImportJob.objects.filter(pk=job.pk).update(
                created_count=outcome.registered, valid_rows=outcome.registered
            )

    return run_commit(VolunteerImportJob, job_id, commit, database_error=_database_error)
