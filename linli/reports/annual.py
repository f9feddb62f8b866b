"""The station's report of a year (or a month, for the 所), in the shape of the community's own:
its figures, its teams and their activities, the services (点单, 食堂, 日间照料, 午间微学堂),
honours — as a PDF with charts drawn by ReportLab on the server (Chinese in the embedded font of
`linli.core.fonts`, which `pdftotext` reads back exactly) and as an xlsx workbook. Everything is
read from rows by `report_data`; the two writers only lay it out."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

import openpyxl  # type: ignore[import-untyped]
from django.db.models import Count, Q, Sum
from django.utils import timezone
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linli.activities.models import Activity, ActivityStatus
from linli.assistance.stats import ratings
from linli.core.categories import ServiceCategory
from linli.core.fonts import cjk_font
from linli.core.xlsx import ColumnFormats, append_row, header_sheet, workbook_bytes
from linli.daycare.models import Centre, CentreKind
from linli.org.models import Station
from linli.reports import monthly
from linli.reports.breakdowns import active_volunteers
from linli.reports.periods import Period
from linli.reports.study import StudyPart, study_part
from linli.stats.metrics import METRICS, period_label, periods
from linli.teams.models import Team
from linli.volunteers.models import VolunteerAward

FONT = cjk_font()
RED = colors.HexColor("#B3261E")
REPORT_METRICS = (
    "people_served",
    "activities",
    "hours",
    "person_times",
    "volunteers_new",
    "requests",
    "requests_completed",
    "meals",
    "attendance",
)
CHARTED = ("hours", "person_times", "people_served", "meals", "attendance")
ACTIVITIES_LISTED = 40  # per team, in the PDF; the workbook lists them all


@dataclass
class TeamPart:
    name: str
    station: str
    activities: list[tuple[date, str, str, int | None]]  # day, title, category, people served
    hours: float = 0.0


@dataclass
class ReportData:
    station: Station
    period: Period
    figures: list[tuple[str, str, int | float, str]]  # code, label, value, unit
    monthly: dict[str, list[tuple[str, int | float]]]  # code → (period label, value)
    teams: list[TeamPart] = field(default_factory=list)
    services: list[tuple[str, str]] = field(default_factory=list)
    honours: list[tuple[date, str, str, str]] = field(default_factory=list)
    stations: list[tuple[str, dict[str, int | float]]] = field(default_factory=list)
    study: StudyPart | None = None

    @property
    def title(self) -> str:
        return f"{self.station.name} {self.period.label}工作报告"


def records_stamp(station: Station, period: Period) -> str:
    """A digest of the period's records, cheap beside a build (the kept monthly figures and a
    few counts):
    when an activity, an hour, a request, a meal, a day-care or study-room stay, a tutor's shift
    or an honour of the period is added or changed, the stamp changes and a cached report of the
    period is built again."""
    reach = list(Station.objects.filter(path__startswith=station.path).values_list("pk", flat=True))
    start, end = period.start, period.end
    shape: list[Any] = [monthly.totals(REPORT_METRICS, reach, start=start, end=end)]
    shape.append(active_volunteers(reach).count())
    shape.append(
        VolunteerAward.objects.filter(
            volunteer__station_id__in=reach, awarded_on__gte=start, awarded_on__lt=end
        ).count()
    )
    shape.append(
        Activity.objects.filter(
            station_id__in=reach, starts_at__date__gte=start, starts_at__date__lt=end
        ).aggregate(count=Count("pk"), last=Count("pk", filter=Q(status=ActivityStatus.VERIFIED)))
    )
    study = study_part(reach, start, end)
    shape.append(asdict(study) if study is not None else None)
    return hashlib.sha256(json.dumps(shape, default=str).encode()).hexdigest()[:32]


def report_data(station: Station, period: Period) -> ReportData:
    """The report's figures, all from rows (aggregates; the lists are the period's activities
    and honours). A 所 or 中心 adds one line per station under it."""
    reach = list(Station.objects.filter(path__startswith=station.path).values_list("pk", flat=True))
    start, end = period.start, period.end
    values = monthly.totals(REPORT_METRICS, reach, start=start, end=end)
    figures: list[tuple[str, str, int | float, str]] = [
        ("volunteers", "在册志愿者", active_volunteers(reach).count(), "人")
    ]
    for code in REPORT_METRICS:
        chosen = METRICS[code]
        figures.append((code, str(chosen.label), values[code], str(chosen.unit)))
    found = monthly.figures(CHARTED, reach, start=start, end=end, by_month=True)
    by_month = {
        code: [
            (
                period_label(first, "month"),
                found.get((first,), {}).get(code, monthly.number(code, None)),
            )
            for first in periods(start, end, "month")
        ]
        for code in CHARTED
    }
    data = ReportData(station, period, figures, by_month)
    data.teams = _teams(reach, period)
    data.services = _services(reach, period, values)
    data.study = study_part(reach, start, end)
    data.honours = [
        (award.awarded_on, award.name, award.volunteer.person.name, award.granted_by)
        for award in VolunteerAward.objects.filter(
            volunteer__station_id__in=reach, awarded_on__gte=start, awarded_on__lt=end
        )
        .select_related("volunteer__person")
        .order_by("awarded_on", "name", "id")
    ]
    if station.kind != Station.Kind.STATION:
        data.stations = _stations(station, period)
    return data


def _teams(reach: list[int], period: Period) -> list[TeamPart]:
    held = (
        Activity.objects.filter(
            station_id__in=reach, starts_at__date__gte=period.start, starts_at__date__lt=period.end
        )
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("team", "station")
        .order_by("starts_at", "id")
    )
    labels = dict(ServiceCategory.choices)
    # A station's activities without a team are the station's own: one part per station.
    teams: dict[tuple[int, int | None], TeamPart] = {}
    for activity in held:
        key = (activity.station_id, activity.team_id)
        if key not in teams:
            name = activity.team.name if activity.team else "实践站"
            teams[key] = TeamPart(name, activity.station.name, [])
        teams[key].activities.append(
            (
                timezone.localdate(activity.starts_at),
                activity.title,
                str(labels.get(activity.category, activity.category)),
                activity.people_served,
            )
        )
    hours = dict(
        Team.objects.filter(station_id__in=reach)
        .annotate(
            served=Sum(
                "activities__ledger_entries__amount",
                filter=Q(
                    activities__ledger_entries__served_on__gte=period.start,
                    activities__ledger_entries__served_on__lt=period.end,
                ),
            )
        )
        .values_list("pk", "served")
    )
    for (_station, team_id), part in teams.items():
        part.hours = float((hours.get(team_id) if team_id is not None else 0) or 0)
    return sorted(teams.values(), key=lambda part: (-len(part.activities), part.name))


def _services(
    reach: list[int], period: Period, values: dict[str, int | float]
) -> list[tuple[str, str]]:
    rated, satisfied = ratings(reach, period.year) if period.part == "year" else (0, 0)
    asked, served = values["requests"], values["requests_completed"]
    lines = [("群众点单", f"受理 {asked} 单，完成 {served} 单")]
    if rated:
        lines.append(("点单满意率", f"{round(100 * satisfied / rated, 1)}%（{satisfied}/{rated}）"))
    lines.append(("银龄爱心食堂", f"供餐 {values['meals']} 份"))
    centres = Centre.objects.filter(station_id__in=reach).order_by("kind", "name")
    days = values["attendance"]
    lines.append(("日间照料", f"服务 {days} 人次，照料中心 {centres.count()} 个"))
    disabled = centres.filter(kind=CentreKind.DISABLED).aggregate(
        members=Count("members", filter=Q(members__status="active"))
    )["members"]
    if disabled:
        lines.append(("残疾人日间照料", f"在托残疾人 {disabled} 人"))
    return lines


def _stations(root: Station, period: Period) -> list[tuple[str, dict[str, int | float]]]:
    from linli.reports.rollup import ROLLUP_METRICS, rollup

    rows, _totals, _volunteers = rollup(root, period, rank_by="people_served")
    return [
        (row.station.name, {code: row.cells[code].value for code in ROLLUP_METRICS})
        for row in sorted(rows, key=lambda row: row.rank)
    ]


# --- PDF -------------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=26, textColor=RED),
        "h2": ParagraphStyle("h2", parent=body, fontSize=13, leading=20, spaceBefore=8),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=9, leading=13),
    }


def _table(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9.5),
                ("BACKGROUND", (0, 0), (-1, 0), RED),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _chart(title: str, points: list[tuple[str, int | float]]) -> Drawing:
    """A bar chart of the months, drawn by reportlab.graphics (no browser, no image files)."""
    drawing = Drawing(170 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 10 * mm
    chart.width, chart.height = 150 * mm, 42 * mm
    chart.data = [[float(value) for _label, value in points] or [0]]
    chart.categoryAxis.categoryNames = [label[-2:] for label, _value in points] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = RED
    drawing.add(chart)
    drawing.add(String(12 * mm, 56 * mm, title, fontName=FONT, fontSize=10.5))
    return drawing


def _study_pdf(study: StudyPart, styles: dict[str, ParagraphStyle]) -> list[Any]:
    flow: list[Any] = [Paragraph("午间微学堂", styles["h2"])]
    flow.append(
        _table(
            [["项目", "数量", "单位"]]
            + [[label, f"{value:g}", unit] for label, value, unit in study.figures],
            [70 * mm, 40 * mm, 30 * mm],
        )
    )
    if study.classes:
        flow.append(Spacer(1, 3 * mm))
        flow.append(
            _table(
                [["兴趣班", "类别", "课次", "出勤人次"]]
                + [
                    [
                        Paragraph(escape(line.name), styles["small"]),
                        line.kind,
                        line.sessions,
                        line.present,
                    ]
                    for line in study.classes
                ],  # fmt: skip
                [70 * mm, 30 * mm, 30 * mm, 30 * mm],
            )
        )
    return flow


def annual_pdf(data: ReportData, progress: Any = None) -> bytes:
    report = progress or (lambda _share: None)
    styles = _styles()
    story: list[Any] = [Paragraph(escape(data.title), styles["title"]), Spacer(1, 4 * mm)]
    story.append(Paragraph("主要数字", styles["h2"]))
    story.append(
        _table(
            [["项目", "数量", "单位"]]
            + [[label, str(value), unit] for _code, label, value, unit in data.figures],
            [70 * mm, 40 * mm, 30 * mm],
        )
    )
    report(0.2)
    story.append(Paragraph("逐月变化", styles["h2"]))
    for code in CHARTED:
        story.append(_chart(f"{METRICS[code].label}（{METRICS[code].unit}）", data.monthly[code]))
    report(0.5)
    if data.stations:
        story.append(Paragraph("各站点", styles["h2"]))
        from linli.reports.rollup import ROLLUP_METRICS

        headers = ["站点", *[str(METRICS[code].label) for code in ROLLUP_METRICS]]
        width = 150 * mm / len(ROLLUP_METRICS)
        story.append(
            _table(
                [headers]
                + [
                    [Paragraph(escape(name), styles["small"]), *[str(v) for v in values.values()]]
                    for name, values in data.stations
                ],
                [30 * mm, *[width] * len(ROLLUP_METRICS)],
            )
        )
    story.append(Paragraph("队伍与活动", styles["h2"]))
    if data.stations:
        # A 所's or a 中心's report: each team in one line (its activities are in the workbook).
        story.append(
            _table(
                [["队伍", "站点", "活动（场）", "服务时长（小时）"]]
                + [
                    [
                        Paragraph(escape(team.name), styles["small"]),
                        Paragraph(escape(team.station), styles["small"]),
                        len(team.activities),
                        f"{team.hours:g}",
                    ]
                    for team in data.teams
                ],  # fmt: skip
                [50 * mm, 60 * mm, 26 * mm, 30 * mm],
            )
        )
    for team in [] if data.stations else data.teams:
        story.append(
            Paragraph(
                escape(
                    f"{team.name}：活动 {len(team.activities)} 场，服务时长 {team.hours:g} 小时"
                ),
                styles["body"],
            )
        )
        listed = [
            [day.isoformat(), Paragraph(escape(title), styles["small"]), category, served or "—"]
            for day, title, category, served in team.activities[:ACTIVITIES_LISTED]
        ]
        if listed:
            story.append(
                _table(
                    [["日期", "活动", "类别", "服务群众"], *listed],
                    [24 * mm, 90 * mm, 30 * mm, 22 * mm],
                )
            )
    report(0.8)
    story.append(Paragraph("服务项目", styles["h2"]))
    for name, line in data.services:
        story.append(Paragraph(escape(f"{name}：{line}"), styles["body"]))
    if data.study is not None:
        story.extend(_study_pdf(data.study, styles))
    story.append(Paragraph("荣誉", styles["h2"]))
    if data.honours:
        story.append(
            _table(
                [["日期", "荣誉", "获得者", "授予单位"]]
                + [[day.isoformat(), name, who, by] for day, name, who, by in data.honours],
                [24 * mm, 60 * mm, 30 * mm, 52 * mm],
            )
        )
    else:
        story.append(Paragraph("本期没有记录的荣誉。", styles["body"]))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=A4, title=data.title, leftMargin=18 * mm, rightMargin=18 * mm
    ).build(story)
    report(1.0)
    return buffer.getvalue()


# --- xlsx ------------------------------------------------------------------------------------------


def annual_xlsx(data: ReportData) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    formats = ColumnFormats(widths={"项目": 20, "活动": 40, "荣誉": 24}, default_width=14)
    headers = ["项目", "数量", "单位"]
    sheet = header_sheet(book, "主要数字", headers, formats)
    for _code, label, value, unit in data.figures:
        append_row(sheet, headers, [label, value, unit], formats)
    headers = ["月份", *[str(METRICS[code].label) for code in CHARTED]]
    sheet = header_sheet(book, "逐月", headers, ColumnFormats(default_width=14, text={"月份"}))
    for index, (label, _value) in enumerate(data.monthly[CHARTED[0]]):
        values = [data.monthly[code][index][1] for code in CHARTED]
        append_row(sheet, headers, [label, *values], ColumnFormats(text={"月份"}))
    if data.stations:
        from linli.reports.rollup import ROLLUP_METRICS

        headers = ["站点", *[str(METRICS[code].label) for code in ROLLUP_METRICS]]
        text = ColumnFormats(widths={"站点": 28}, default_width=12, text={"站点"})
        sheet = header_sheet(book, "各站点", headers, text)
        for name, by_code in data.stations:
            append_row(sheet, headers, [name, *by_code.values()], text)
    headers = ["队伍", "日期", "活动", "类别", "服务群众人次", "站点"]
    text = ColumnFormats(
        widths={"队伍": 24, "活动": 40, "站点": 28},
        text={"队伍", "活动", "站点"},
        dates={"日期"},
    )
    sheet = header_sheet(book, "队伍与活动", headers, text)
    for team in data.teams:
        for day, title, category, served in team.activities:
            append_row(
                sheet, headers, [team.name, day, title, category, served, team.station], text
            )
    headers = ["服务", "情况"]
    sheet = header_sheet(book, "服务项目", headers, ColumnFormats(default_width=30))
    for name, line in data.services:
        append_row(sheet, headers, [name, line], ColumnFormats())
    if data.study is not None:
        _study_xlsx(book, data.study)
    headers = ["日期", "荣誉", "获得者", "授予单位"]
    text = ColumnFormats(default_width=20, text={"荣誉", "获得者", "授予单位"}, dates={"日期"})
    sheet = header_sheet(book, "荣誉", headers, text)
    for row in data.honours:
        append_row(sheet, headers, list(row), text)
    return workbook_bytes(book)


def _study_xlsx(book: Any, study: StudyPart) -> None:
    """午间微学堂: the figures, then one row per interest class that met."""
    headers = ["项目", "数量", "单位", "课次", "出勤人次"]
    formats = ColumnFormats(widths={"项目": 24}, default_width=12, text={"项目", "单位"})
    sheet = header_sheet(book, "午间微学堂", headers, formats)
    for label, value, unit in study.figures:
        append_row(sheet, headers, [label, value, unit, None, None], formats)
    for line in study.classes:
        append_row(
            sheet, headers, [f"兴趣班：{line.name}", None, line.kind, line.sessions, line.present],
            formats,
        )  # fmt: skip
