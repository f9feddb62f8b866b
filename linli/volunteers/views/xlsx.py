"""Pages for volunteers in Excel: the import (upload, dry-run report and progress, confirm), its
template, the list export and the export for 全国志愿服务信息系统.

Importing is for station staff and admin (`access.can_manage_volunteers`) into a station they run;
a job of another station answers 404. The list export follows the list page's reach and filters;
the national export is for station staff and admin only (403 for everyone else).
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

from linli.core.importjob_views import SheetUploadForm, job_page, upload_form
from linli.core.importjobs import cached_rows_done
from linli.core.xlsx import xlsx_response
from linli.volunteers import access, exporting, importing

RECENT_JOBS = 20


class VolunteerImportForm(SheetUploadForm):
    file_help = gettext_lazy(
        "最大 10 MB；可以直接用站里原有的志愿者花名册，列名和顺序不必与模板一致。"
    )
    consent_confirmed = forms.BooleanField(
        label=gettext_lazy(
            "我确认：表中每位志愿者都已签署《志愿者注册承诺书及个人信息处理告知》（含身份证号码的单独同意）；"
            "未满 18 周岁的由监护人签署，监护人姓名已填在“监护人”列。"
        ),
        error_messages={"required": gettext_lazy("请先确认已收集签字的注册承诺书。")},
    )
    approve = forms.BooleanField(
        label=gettext_lazy("已审核，直接在册（导入后即为在册志愿者并编号；不勾选则为待审核）"),
        required=False,
    )


def _require_manager(user: Any) -> None:
    if not access.can_manage_volunteers(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """The upload form (to the first station the user runs, or `?station=CODE`) and the recent
    imports of the user's stations."""
    _require_manager(request.user)
    stations = list(access.managed_stations(request.user))
    if not stations:
        raise PermissionDenied
    form = upload_form(request, VolunteerImportForm, stations)
    if request.method == "POST" and form.is_valid():
        try:
            job = importing.volunteer_import_create(
                station=form.chosen_station(),
                upload=form.cleaned_data["file"],
                consent_confirmed=form.cleaned_data["consent_confirmed"],
                approve=form.cleaned_data["approve"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("volunteers:import_job", job_id=job.pk)
    context = {
        "form": form,
        "jobs": access.import_jobs_for_user(request.user)[:RECENT_JOBS],
        "max_rows": importing.MAX_ROWS,
    }
    return render(request, "volunteers/import_upload.html", context)


@login_required
@require_safe
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """Progress of the dry run or the import (htmx polls the status card), then the report."""
    _require_manager(request.user)
    job = access.get_import_job_for_user(request.user, job_id)
    return job_page(request, job, namespace="volunteers", done=cached_rows_done(job))


@login_required
@require_POST
def import_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    """确认导入: queue the import of a checked job that has no bad rows."""
    _require_manager(request.user)
    job = access.get_import_job_for_user(request.user, job_id)
    try:
        importing.volunteer_import_commit(job=job, actor=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("volunteers:import_job", job_id=job.pk)


@login_required
@require_safe
def import_template(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    return xlsx_response(exporting.template_workbook(), "志愿者导入模板.xlsx")


@login_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The volunteer list (its filters: `q`, `team`, `skill`, `category`, `status`, `weekday`,
    `slot`) as xlsx, ID numbers masked."""
    content, _count = exporting.export_volunteers(user=request.user, params=request.GET)
    return xlsx_response(content, f"志愿者名册-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_safe
def export_national(request: HttpRequest) -> HttpResponse:
    """The list's volunteers for 全国志愿服务信息系统, full ID numbers: station staff and admin."""
    content, _count = exporting.export_national(user=request.user, params=request.GET)
    return xlsx_response(content, f"全国志愿服务信息系统-志愿者-{timezone.localdate():%Y%m%d}.xlsx")
