"""Building a station's report of a period: asked for on a page (in the background, with
progress) or by the API (at once); either way the one row per station and period is the cache,
valid while the period's records stay as they were (`stamp`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.audit.actions import audit_record
from linli.org.models import Station
from linli.reports.annual import records_stamp, report_data
from linli.reports.models import BuildStatus, ReportBuild
from linli.reports.periods import Period


def fresh_build(station: Station, period: Period) -> ReportBuild | None:
    """The cached build of the period if it is done and its records have not changed since."""
    build = ReportBuild.objects.filter(
        station=station, year=period.year, part=period.part, status=BuildStatus.DONE
    ).first()
    if build is None or build.stamp != records_stamp(station, period):
        return None
    return build


@transaction.atomic
def report_request(*, station: Station, period: Period, actor: Any) -> ReportBuild:
    """Queue a build of the period (a build already queued or running is left to finish); the
    worker runs `report_build` after commit."""
    from linli.reports.tasks import build_report

    build, created = ReportBuild.objects.select_for_update().get_or_create(
        station=station,
        year=period.year,
        part=period.part,
        defaults={"status": BuildStatus.QUEUED, "requested_by": actor},
    )
    if not created and build.status in (BuildStatus.QUEUED, BuildStatus.RUNNING):
        return build
    build.status, build.progress, build.error = BuildStatus.QUEUED, 0, ""
    build.requested_by, build.requested_at = actor, timezone.now()
    build.save(update_fields=["status", "progress", "error", "requested_by", "requested_at"])
    audit_record(
        actor=actor,
        action="report.request",
        target=build,
        station=station,
        after={"year": period.year, "period": period.part},
    )
    build_id = build.pk
    transaction.on_commit(lambda: build_report.enqueue(build_id))
    return build


def report_build(build: ReportBuild) -> ReportBuild:
    """Build the PDF and the workbook, reporting progress on the row as it goes (each step its
    own short write, so the page polling it sees it move)."""
    from linli.reports.exports import annual_pdf, annual_xlsx  # ReportLab, openpyxl: first use

    station, period = build.station, Period(build.year, build.part)
    _progress(build, 5, status=BuildStatus.RUNNING)
    stamp = records_stamp(station, period)
    data = report_data(station, period)
    _progress(build, 40)
    pdf = annual_pdf(data, progress=lambda share: _progress(build, 40 + int(40 * share)))
    xlsx = annual_xlsx(data)
    build.pdf, build.xlsx, build.stamp = pdf, xlsx, stamp
    build.status, build.progress, build.finished_at = BuildStatus.DONE, 100, timezone.now()
    build.save(update_fields=["pdf", "xlsx", "stamp", "status", "progress", "finished_at"])
    return build


def report_build_now(*, station: Station, period: Period, actor: Any) -> ReportBuild:
    """The API's path: the cached build if fresh, else built at once into the same row."""
    found = fresh_build(station, period)
    if found is not None:
        return found
    with transaction.atomic():
        build, _created = ReportBuild.objects.select_for_update().get_or_create(
            station=station,
            year=period.year,
            part=period.part,
            defaults={"status": BuildStatus.QUEUED, "requested_by": actor},
        )
    return report_build(build)


def _progress(build: ReportBuild, percent: int, **changes: Any) -> None:
    build.progress = percent
    for name, value in changes.items():
        setattr(build, name, value)
    build.save(update_fields=["progress", *changes])
