"""The health part of a person's care page: the latest records and the trend chart.

Built only for a reader `health.access` lets in; building it reads values in clear, so it goes
through `health_records_read` and is audited like any other read.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from linli.health import access
from linli.health.actions import ReadRecord, health_records_read
from linli.people.models import Resident

CHART_POINTS = 24  # the trend chart shows the latest this many measurements
LISTED = 12

SERIES = (
    ("systolic", _("收缩压")),
    ("diastolic", _("舒张压")),
    ("heart_rate", _("心率")),
    ("glucose", _("血糖")),
)


def trend_chart(reads: list[ReadRecord]) -> dict[str, Any]:
    """ECharts line data (charts.js `line`): oldest to newest, a gap where a value was not taken."""
    ordered = sorted(reads, key=lambda read: read.record.measured_at)[-CHART_POINTS:]
    series = []
    for name, label in SERIES:
        values = [getattr(read.values, name) for read in ordered]
        if any(value is not None for value in values):
            series.append(
                {
                    "name": str(label),
                    "values": [float(value) if value is not None else None for value in values],
                }
            )
    return {
        "kind": "line",
        "title": str(_("健康指标趋势")),
        "labels": [
            timezone.localtime(read.record.measured_at).strftime("%Y-%m-%d") for read in ordered
        ],
        "series": series,
    }


def health_panel(user: Any, resident: Resident) -> dict[str, Any] | None:
    """The records and chart for a reader allowed to see them; None for anyone else."""
    if not access.may_read_health(user, resident):
        return None
    records = list(
        resident.health_records.select_related("recorded_by", "check_activity").order_by(
            "-measured_at", "-pk"
        )[:CHART_POINTS]
    )
    reads = health_records_read(resident=resident, actor=user, records=records)
    chart = trend_chart(reads)
    return {
        "reads": reads[:LISTED],
        "chart": chart,
        "chart_rows": list(zip(chart["labels"], range(len(chart["labels"])), strict=True)),
        "total": resident.health_records.count(),
    }
