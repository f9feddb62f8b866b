"""Pages for residents in Excel: the import (upload, progress and report, commit), its template,
and the export of the resident list.

Importing is a registry write (`people.access.can_write_registry`) into one station the user runs;
a job of another station answers 404. Exporting is a registry read with the list page's filters.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import role_required
from linli.core.importjob_views import SheetUploadForm, job_page, upload_form
from linli.core.xlsx import xlsx_response
from linli.people import access, exporting, importing

RECENT_JOBS = 20


class ImportUploadForm(SheetUploadForm):
    file_help = gettext_lazy("最大 10 MB；可以直接用站里原有的花名册，列名和顺序不必与模板一致。")
    consent_confirmed = forms.BooleanField(
        label=gettext_lazy(
            "我确认：表中每位居民都已签署书面同意书（含身份证号、健康、残疾等敏感个人信息的单独同意）；"
            "未满 14 周岁的儿童由监护人签署，监护人姓名已填在“监护人”列。"
        ),
        error_messages={"required": gettext_lazy("请先确认已收集书面同意书。")},
    )


def _require_registry_writer(user: Any) -> None:
    if not access.can_write_registry(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """The upload form (the station it goes to: the first the user runs, or `?station=CODE`),
    and the recent imports of the user's stations."""
    _require_registry_writer(request.user)
    stations = list(access.writable_stations(request.user))
    if not stations:
        raise PermissionDenied
    form = upload_form(request, ImportUploadForm, stations)
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.import_job_create(
                station=form.chosen_station(),
                upload=form.cleaned_data["file"],
                consent_confirmed=form.cleaned_data["consent_confirmed"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("people:import_job", job_id=job.pk)
    context = {
        "form": form,
        "jobs": access.import_jobs_for_user(request.user)[:RECENT_JOBS],
        "max_rows": importing.MAX_ROWS,
    }
    return render(request, "people/import_upload.html", context)


@login_required
@require_safe
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Progress while checking or importing (htmx polls the status card), then the report."""
    _require_registry_writer(request.user)
    job = access.get_import_job_for_user(request.user, job_id)
    return job_page(request, job, namespace="people", done=job.processed_rows)


@login_required
@require_POST
def import_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    """确认导入: queue the import of a checked job that has no bad rows."""
    _require_registry_writer(request.user)
    job = access.get_import_job_for_user(request.user, job_id)
    try:
        importing.import_job_commit(job=job, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("people:import_job", job_id=job.pk)


@login_required
@require_safe
def import_template(request: HttpRequest) -> HttpResponse:
    _require_registry_writer(request.user)
    return xlsx_response(exporting.template_workbook(), "居民导入模板.xlsx")


@login_required
@require_safe
@role_required(*access.READ_ROLES)
def export(request: HttpRequest) -> HttpResponse:
    """The resident list (its filters: `q`, `estate`, `building`, `tag`, `age_band`, `status`) as
    xlsx; `full=1` asks for full ID numbers, given only where the user may reveal them."""
    content, _count = exporting.export_residents(user=request.user, params=request.GET)
    return xlsx_response(content, f"居民名册-{timezone.localdate():%Y%m%d}.xlsx")
