"""On paper: the 爱心超市's month (moves and balances per item, xlsx) and a volunteer's time-bank
passbook (存入 / 取出 / 转赠 / 结余, PDF). Official documents in Chinese, as the stations' sheets are;
names people typed go into the xlsx as text cells; the PDF embeds the project's CJK font
(`linli.core.fonts`), as the certificates do, so its Chinese renders and extracts. ReportLab and
openpyxl load with this module: the views import it where a sheet or a passbook is drawn, so a
worker that draws none never holds them (an item's photo is served by `linli.incentives.photos`)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import openpyxl  # type: ignore[import-untyped]
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linli.core.fonts import cjk_font
from linli.core.xlsx import ColumnFormats, append_row, header_sheet, workbook_bytes
from linli.incentives.models import MoveKind
from linli.incentives.queries import passbook, stock_month

RED = colors.HexColor("#B3261E")


STOCK_HEADERS = [
    "物品",
    "期初库存",
    *[str(label) for label in MoveKind.labels],
    "期末库存",
    "兑换积分",
]
STOCK_FORMATS = ColumnFormats(widths={"物品": 22}, text={"物品"})


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    after = date(year + (month == 12), month % 12 + 1, 1)
    return first, after


def stock_month_xlsx(station: Any, year: int, month: int) -> bytes:
    """One row per item: opening stock, the month's moves by kind, closing stock (= opening +
    moves, which is the item's stock when the month is the current one)."""
    first, after = month_bounds(year, month)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = header_sheet(workbook, f"{year}年{month}月", STOCK_HEADERS, STOCK_FORMATS)
    for row in stock_month(station, first, after):
        append_row(
            sheet,
            STOCK_HEADERS,
            [
                row.item.name,
                row.opening,
                *[row.by_kind[kind] for kind in MoveKind.values],
                row.closing,
                row.item.points,
            ],
            STOCK_FORMATS,
        )
    return workbook_bytes(workbook)


def _hours(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text or "0"


def passbook_pdf(volunteer: Any) -> bytes:
    """The passbook: every time-bank entry with the running balance, and the totals."""
    book = passbook(volunteer)
    font = cjk_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24, alignment=1)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12)
    head = ParagraphStyle("head", parent=cell, textColor=colors.white)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title="时间银行存折",
        author=volunteer.station.name,
    )
    width = document.width
    rows: list[list[Any]] = [
        [Paragraph(text, head) for text in ("日期", "摘要", "存入", "取出", "结余")]
    ]
    for entry, running in book.rows:
        amount = entry.amount
        rows.append(
            [
                Paragraph(f"{entry.served_on:%Y-%m-%d}", cell),
                Paragraph(escape(f"{entry.get_kind_display()}：{entry.description}"), cell),
                Paragraph(_hours(amount) if amount > 0 else "", cell),
                Paragraph(_hours(-amount) if amount < 0 else "", cell),
                Paragraph(_hours(running), cell),
            ]
        )
    table = Table(
        rows,
        colWidths=[width * 0.15, width * 0.49, width * 0.12, width * 0.12, width * 0.12],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), RED),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    person = volunteer.person
    story = [
        Paragraph("时间银行存折", title),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                f"户名：{person.name}　志愿者编号：{volunteer.number}　开户站点：{volunteer.station.name}"
            ),
            body,
        ),
        Paragraph(
            f"累计存入 {_hours(book.deposited)} 小时　取出 {_hours(book.withdrawn)} 小时　"
            f"转赠及捐赠 {_hours(book.given)} 小时　受赠 {_hours(book.received)} 小时　"
            f"结余 {_hours(book.balance)} 小时",
            body,
        ),
        Paragraph(f"打印日期：{timezone.localdate():%Y年%m月%d日}（单位：小时）", body),
        Spacer(1, 4 * mm),
        table,
    ]
    document.build(story)
    return buffer.getvalue()
