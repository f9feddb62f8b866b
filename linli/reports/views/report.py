"""The report of a station and a period (the year's report of a 站, the month's of a 所): asked
for here, built in the background with its progress shown, downloaded as PDF or xlsx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from linli.accounts.access import STATS_ROLES, get_stats_station_for_user, role_required
from linli.core.xlsx import XLSX_CONTENT_TYPE
from linli.reports.actions import fresh_build, report_request
from linli.reports.models import BuildStatus, ReportBuild
from linli.reports.periods import PARTS, period_from, year_choices

CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@role_required(*STATS_ROLES)
def report(request: HttpRequest, code: str) -> HttpResponse:
    station = get_stats_station_for_user(request.user, code)
    source = request.POST if request.method == "POST" else request.GET
    period = period_from(source, default_part="year" if station.kind == "station" else "month")
    if request.method == "POST":
        report_request(station=station, period=period, actor=request.user)
        return redirect(f"{request.path}?{period.query}")
    build = ReportBuild.objects.filter(station=station, year=period.year, part=period.part).first()
    fresh = fresh_build(station, period) if build and build.status == BuildStatus.DONE else None
    context = {
        "station": station,
        "period": period,
        "years": year_choices(),
        "parts": PARTS,
        "build": build,
        "fresh": fresh,
        "working": build is not None and build.status in (BuildStatus.QUEUED, BuildStatus.RUNNING),
    }
    template = "reports/report.html#status" if request.htmx else "reports/report.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_safe
@login_required
@role_required(*STATS_ROLES)
def report_file(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    station = get_stats_station_for_user(request.user, code)
    period = period_from(request.GET)
    build = fresh_build(station, period)
    if build is None or kind not in CONTENT_TYPES:
        raise Http404("report")
    response = HttpResponse(bytes(getattr(build, kind)), content_type=CONTENT_TYPES[kind])
    filename = f"{station.name}-{period.label}.{kind}"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
