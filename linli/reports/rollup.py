"""The supervisors' roll-up: the 站 under a 所 or a 中心 side by side, with totals, a ranking and
the change against the period before — and its workbook, one sheet per station. Every figure is
a sum of the kept monthly figures (linli.reports.monthly) grouped by station (and month, for the
sheets) in the database: the query count does not grow with the number of stations, and the
rows read with their number, not with the records behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from linli.core.xlsx import ColumnFormats, append_row, header_sheet, workbook_bytes
from linli.org.models import Station
from linli.reports import monthly
from linli.reports.breakdowns import active_volunteers
from linli.reports.periods import Period
from linli.stats.metrics import METRICS, period_label, periods

ROLLUP_METRICS = (
    "people_served",
    "activities",
    "hours",
    "person_times",
    "requests",
    "meals",
    "attendance",
)


@dataclass
class Cell:
    value: int | float
    previous: int | float

    @property
    def change(self) -> float | None:
        """Change against the period before, in per cent; None when there was nothing before."""
        if not self.previous:
            return None
        return round(100 * (self.value - self.previous) / self.previous, 1)


@dataclass
class StationRow:
    station: Station
    volunteers: int
    cells: dict[str, Cell] = field(default_factory=dict)
    rank: int = 0


def stations_under(root: Station) -> list[Station]:
    """The 站 of a 所 or 中心 (a 站 alone: itself), in tree order."""
    found = Station.objects.filter(path__startswith=root.path, kind=Station.Kind.STATION)
    return list(found.select_related("parent").order_by("path"))


def rollup(
    root: Station, period: Period, *, rank_by: str
) -> tuple[list[StationRow], dict[str, Cell], int]:
    """(one row per station ranked by `rank_by`, the totals per metric, the volunteers' total)."""
    stations = stations_under(root)
    ids = [station.pk for station in stations]
    now = _per_station(ids, period)
    then = _per_station(ids, period.previous())
    volunteers = dict(
        active_volunteers(ids)
        .order_by()
        .values("station_id")
        .annotate(count=Count("pk"))
        .values_list("station_id", "count")
    )
    rows = [
        StationRow(
            station,
            volunteers.get(station.pk, 0),
            {
                code: Cell(now[code].get(station.pk, 0), then[code].get(station.pk, 0))
                for code in ROLLUP_METRICS
            },
        )
        for station in stations
    ]
    ranked = sorted(rows, key=lambda row: -row.cells[rank_by].value)
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    totals = {
        code: Cell(_sum(code, now[code].values()), _sum(code, then[code].values()))
        for code in ROLLUP_METRICS
    }
    return ranked, totals, sum(volunteers.values())


def _sum(code: str, values: Any) -> int | float:
    return round(sum(values), METRICS[code].decimals)


def _per_station(ids: list[int], period: Period) -> dict[str, dict[int, int | float]]:
    """code → {station id: the metric over the period} (stations without any are absent)."""
    found = monthly.figures(
        ROLLUP_METRICS, ids, start=period.start, end=period.end, per_station=True
    )
    return {
        code: {key[0]: values[code] for key, values in found.items() if code in values}
        for code in ROLLUP_METRICS
    }


def workbook(root: Station, period: Period) -> bytes:
    """汇总 (the stations side by side), then one sheet per station: its figures by month."""
    import openpyxl  # type: ignore[import-untyped]  # loads on first use, not in every worker

    rows, totals, volunteer_total = rollup(root, period, rank_by="people_served")
    labels = [str(METRICS[code].label) for code in ROLLUP_METRICS]
    book = openpyxl.Workbook(write_only=True)
    headers = [_("排名"), _("站点"), _("站点编码"), _("在册志愿者"), *labels]
    formats = ColumnFormats(
        widths={_("站点"): 28}, default_width=12, text={_("站点"), _("站点编码")}
    )
    summary = header_sheet(book, _("汇总"), headers, formats)
    for row in sorted(rows, key=lambda row: row.rank):
        values = [row.cells[code].value for code in ROLLUP_METRICS]
        append_row(
            summary,
            headers,
            [row.rank, row.station.name, row.station.code, row.volunteers, *values],
            formats,
        )
    append_row(
        summary,
        headers,
        ["", _("合计"), "", volunteer_total, *[totals[code].value for code in ROLLUP_METRICS]],
        formats,
    )
    ids = [row.station.pk for row in rows]
    months = periods(period.start, period.end, "month")
    by_month = monthly.figures(
        ROLLUP_METRICS, ids, start=period.start, end=period.end, per_station=True, by_month=True
    )
    month_headers = [_("月份"), *labels]
    month_formats = ColumnFormats(default_width=12, text={_("月份")})
    used: set[str] = set()
    for row in sorted(rows, key=lambda row: row.station.path):
        sheet = header_sheet(book, _sheet_title(row.station, used), month_headers, month_formats)
        for first in months:
            found = by_month.get((row.station.pk, first), {})
            values = [found.get(code, monthly.number(code, None)) for code in ROLLUP_METRICS]
            append_row(sheet, month_headers, [period_label(first, "month"), *values], month_formats)
        append_row(
            sheet,
            month_headers,
            [_("合计"), *[row.cells[code].value for code in ROLLUP_METRICS]],
            month_formats,
        )
    return workbook_bytes(book)


def _sheet_title(station: Station, used: set[str]) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\, unique in the book."""
    title = "".join(ch for ch in station.name if ch not in "[]:*?/\\")[:31] or station.code[:31]
    if title in used:
        title = f"{title[: 31 - len(station.code) - 1]}-{station.code}"[:31]
    used.add(title)
    return title


def rollup_context(root: Station, period: Period, rank_by: str) -> dict[str, Any]:
    rows, totals, volunteer_total = rollup(root, period, rank_by=rank_by)
    return {
        "rows": rows,
        "totals": totals,
        "volunteer_total": volunteer_total,
        "metrics": [(code, METRICS[code].label) for code in ROLLUP_METRICS],
        "previous": period.previous(),
    }
