"""The pages an Excel import shares (`linli.core.importjobs`): the upload form's station and file,
and the job's page with its polled status card.

Each import's views stay its own (`people.views.xlsx`, `volunteers.views.xlsx`): they check who
may import, call their import's actions and name their templates; these are the parts between.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.forms import BaseForm
from linli.core.importjobs import AbstractImportJob
from linli.core.xlsx import XLSX_CONTENT_TYPE

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from linli.org.models import Station

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

F = TypeVar("F", bound="SheetUploadForm")


class SheetUploadForm(BaseForm):
    """The station an upload goes to (hidden when the user runs one) and the .xlsx file. Each
    import adds its `consent_confirmed` in its own words, and says what sheets it takes in
    `file_help`."""

    file_help: StrOrPromise = ""

    station = forms.ChoiceField(label=gettext_lazy("导入到"))
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args: Any, stations: list[Station], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.stations = stations
        self.fields["file"].help_text = self.file_help
        station_field = self.fields["station"]
        assert isinstance(station_field, forms.ChoiceField)  # noqa: S101 (declared above)
        station_field.choices = [(station.code, station.name) for station in stations]
        if len(stations) == 1:
            station_field.widget = forms.HiddenInput()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise ValidationError(
                _("请上传 .xlsx 文件。旧的 .xls 文件请在 Excel 或 WPS 中“另存为” .xlsx 后再上传。")
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("文件超过 10 MB，请分成几个文件上传。"))
        return upload

    def chosen_station(self) -> Station:
        """The station picked (a valid form's: one of `stations`)."""
        return next(s for s in self.stations if s.code == self.cleaned_data["station"])


def upload_form(request: HttpRequest, form_class: type[F], stations: list[Station]) -> F:
    """The upload form, bound on POST, going to the first of `stations` or to `?station=CODE`
    (404 when that is not one of them)."""
    wanted = request.GET.get("station") or ""
    if wanted and wanted not in {station.code for station in stations}:
        raise Http404("station")
    return form_class(
        request.POST or None,
        request.FILES or None,
        stations=stations,
        initial={"station": wanted or stations[0].code},
    )


def job_page(
    request: HttpRequest, job: AbstractImportJob, *, namespace: str, done: int
) -> HttpResponse:
    """A job's page, `<namespace>/import_job.html`: progress (`done` of its rows) while the job
    runs, then its report. Its status card, `<namespace>/import_job_status.html`, polls this page
    with htmx and is answered alone."""
    percent = min(100, round(100 * done / job.total_rows)) if job.total_rows else 0
    context = {
        "job": job,
        "report": job.report or {},
        "done": done,
        "percent": percent,
        "job_url": reverse(f"{namespace}:import_job", args=[job.pk]),
        "commit_url": reverse(f"{namespace}:import_commit", args=[job.pk]),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, f"{namespace}/import_job_status.html", context)
    return render(request, f"{namespace}/import_job.html", context)
