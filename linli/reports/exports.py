"""The writers of a station's report (`linli.reports.annual.report_data` reads it from rows): a
PDF with charts drawn by ReportLab on the server (Chinese in the embedded font of
`linli.core.fonts`, which `pdftotext` reads back exactly) and an xlsx workbook. ReportLab, its
font and openpyxl load with this module: callers import it where a report is built, so a web
worker that never builds one never holds them."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

import openpyxl  # type: ignore[import-untyped]
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linli.core.fonts import cjk_font
from linli.core.xlsx import ColumnFormats, append_row, header_sheet, workbook_bytes
from linli.reports.annual import ACTIVITIES_LISTED, CHARTED, ReportData
from linli.reports.study import StudyPart
from linli.stats.metrics import METRICS

FONT = cjk_font()
RED = colors.HexColor("#B3261E")


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
