"""The report builder in the background (django-tasks; the database queue, or Redis)."""

from __future__ import annotations

from django_tasks import task

from linli.reports.actions import report_build
from linli.reports.models import BuildStatus, ReportBuild


@task()
def build_report(build_id: int) -> None:
    build = ReportBuild.objects.select_related("station").filter(pk=build_id).first()
    if build is None or build.status not in (BuildStatus.QUEUED, BuildStatus.RUNNING):
        return
    try:
        report_build(build)
    except Exception as error:
        ReportBuild.objects.filter(pk=build_id).update(
            status=BuildStatus.FAILED, error=str(error)[:200]
        )
        raise
