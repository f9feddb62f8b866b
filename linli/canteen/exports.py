"""The settlement on paper: the xlsx a funder receives (the month per tier, every served meal,
the corrections) and the PDF statement with the station's name and the lines to sign.

Both are official documents in Chinese, whatever the page's language, as the stations' sheets
are. Amounts are the settlement's Decimals written as numbers with two places (xlsx) or as text
to the fen (PDF); every name and text someone typed goes into the xlsx as a text cell. The PDF
prints with the embedded CJK font of `linli.core.fonts`, as the certificates do, so it reads the
same in any viewer and `pdftotext` gives its Chinese back exactly.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linli.canteen.models import Meal, Mode
from linli.canteen.settlement import FunderTotal, Settlement, served_in
from linli.core.fonts import cjk_font
from linli.core.xlsx import ColumnFormats, append_row, header_sheet, workbook_bytes

FONT = cjk_font()
RED = colors.HexColor("#B3261E")
NO_SUBSIDY = "无补贴（自费）"

SUMMARY_HEADERS = ["出资方", "补贴档次", "餐数", "餐费合计", "补贴合计", "个人应付合计"]
DETAIL_HEADERS = [
    "日期",
    "餐次",
    "姓名",
    "身份证号",
    "年龄",
    "出资方",
    "补贴档次",
    "用餐方式",
    "餐费",
    "补贴",
    "个人应付",
]
ADJUSTMENT_HEADERS = ["更正月份", "出资方", "补贴档次", "餐数", "餐费", "补贴", "个人应付", "原因"]
MONEY = frozenset({"餐费合计", "补贴合计", "个人应付合计", "餐费", "补贴", "个人应付"})
FORMATS = ColumnFormats(
    widths={"出资方": 22, "补贴档次": 18, "日期": 12, "身份证号": 20, "原因": 40, "姓名": 10},
    text=frozenset({"出资方", "补贴档次", "姓名", "身份证号", "原因", "更正月份"}),
    dates=frozenset({"日期"}),
    money=MONEY,
)
MEAL_LABELS = {Meal.BREAKFAST: "早餐", Meal.LUNCH: "午餐", Meal.DINNER: "晚餐"}
MODE_LABELS = {Mode.DINE_IN: "堂食", Mode.PICKUP: "自取", Mode.DELIVERY: "送餐上门"}


def month_label(settlement: Settlement) -> str:
    return f"{settlement.month.year}年{settlement.month.month}月"


def _funders(settlement: Settlement, funder_id: int | None) -> list[FunderTotal]:
    totals = settlement.by_funder
    return totals if funder_id is None else [t for t in totals if t.funder_id == funder_id]


def settlement_xlsx(settlement: Settlement, *, funder_id: int | None = None) -> bytes:
    """The month for one funder (or all): 结算汇总 per tier, 用餐明细 of every served meal it
    pays for (ID numbers masked), and 更正 when corrections were booked into the month."""
    import openpyxl  # type: ignore[import-untyped]

    workbook = openpyxl.Workbook(write_only=True)
    summary = header_sheet(workbook, "结算汇总", SUMMARY_HEADERS, FORMATS)
    meals, price, subsidy, payable = 0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00")
    for total in _funders(settlement, funder_id):
        for line in total.tiers:
            append_row(
                summary,
                SUMMARY_HEADERS,
                [
                    line.funder or NO_SUBSIDY,
                    line.tier or "—",
                    line.meals,
                    line.price,
                    line.subsidy,
                    line.payable,
                ],
                FORMATS,
            )
        meals += total.meals
        price += total.price
        subsidy += total.subsidy
        payable += total.payable
    append_row(summary, SUMMARY_HEADERS, ["合计", "", meals, price, subsidy, payable], FORMATS)
    details = header_sheet(workbook, "用餐明细", DETAIL_HEADERS, FORMATS)
    orders = served_in(settlement.station, settlement.month).select_related(
        "resident", "funder", "tier"
    )
    if funder_id is not None:
        orders = orders.filter(funder_id=funder_id)
    for order in orders.order_by("date", "meal", "resident__name_pinyin", "id").iterator(
        chunk_size=2000
    ):
        append_row(
            details,
            DETAIL_HEADERS,
            [
                order.date,
                MEAL_LABELS.get(Meal(order.meal), order.meal),
                order.resident.name,
                order.resident.id_number_masked,
                order.age,
                order.funder.name if order.funder else NO_SUBSIDY,
                order.tier.name if order.tier else "—",
                MODE_LABELS.get(Mode(order.mode), order.mode),
                order.price,
                order.subsidy,
                order.payable,
            ],
            FORMATS,
        )
    adjustments = [
        adjustment
        for adjustment in settlement.adjustments
        if funder_id is None or adjustment.funder_id == funder_id
    ]
    if adjustments:
        sheet = header_sheet(workbook, "更正", ADJUSTMENT_HEADERS, FORMATS)
        for adjustment in adjustments:
            append_row(
                sheet,
                ADJUSTMENT_HEADERS,
                [
                    f"{adjustment.corrects_month:%Y-%m}",
                    adjustment.funder.name if adjustment.funder else NO_SUBSIDY,
                    adjustment.tier.name if adjustment.tier else "—",
                    adjustment.meals,
                    adjustment.price,
                    adjustment.subsidy,
                    adjustment.payable,
                    adjustment.reason,
                ],
                FORMATS,
            )
    return workbook_bytes(workbook)


# --- the PDF -------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, textColor=RED
        ),
        "sub": ParagraphStyle("sub", parent=base, alignment=TA_CENTER),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13),
        "number": ParagraphStyle(
            "number", parent=base, fontSize=9.5, leading=13, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle(
            "head", parent=base, fontSize=9.5, leading=13, textColor=colors.white
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def settlement_pdf(settlement: Settlement, *, funder_id: int | None = None) -> bytes:
    """The statement of the month (for one funder, or all): per funder and tier the meals, the
    price, the subsidy and what the elders paid, the totals, the corrections, and lines for the
    person in charge, the station and the funder to sign."""
    styles = _styles()
    station = settlement.station
    totals = _funders(settlement, funder_id)
    funder_name = totals[0].funder if funder_id is not None and totals else ""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"银龄爱心食堂助餐补贴结算单 {settlement.month:%Y-%m}",
        author=station.name,
    )
    width = document.width
    closed = settlement.closed
    state = (
        f"已于 {timezone.localtime(closed.closed_at):%Y年%m月%d日 %H:%M} 关账"
        if closed
        else "尚未关账（数字随订单变化）"
    )
    story: list[Any] = [
        _p("银龄爱心食堂助餐补贴结算单", styles["title"]),
        _p(f"{station.name}　{month_label(settlement)}", styles["sub"]),
        Spacer(1, 2 * mm),
        _p(f"出资方：{funder_name or '全部'}　　结算状态：{state}", styles["sub"]),
        Spacer(1, 5 * mm),
    ]
    head, cell, number = styles["head"], styles["cell"], styles["number"]
    rows: list[list[Any]] = [
        [_p(label, head) for label in ("出资方", "补贴档次", "餐数", "餐费（元）", "补贴（元）", "个人应付（元）")]
    ]  # fmt: skip
    meals, price, subsidy, payable = 0, Decimal("0.00"), Decimal("0.00"), Decimal("0.00")
    for total in totals:
        for line in total.tiers:
            rows.append(
                [
                    _p(line.funder or NO_SUBSIDY, cell),
                    _p(line.tier or "—", cell),
                    _p(line.meals, number),
                    _p(_money(line.price), number),
                    _p(_money(line.subsidy), number),
                    _p(_money(line.payable), number),
                ]
            )
        meals += total.meals
        price += total.price
        subsidy += total.subsidy
        payable += total.payable
    rows.append(
        [
            _p("合计", cell),
            "",
            _p(meals, number),
            _p(_money(price), number),
            _p(_money(subsidy), number),
            _p(_money(payable), number),
        ]
    )
    table = Table(
        rows,
        colWidths=[
            width * 0.24,
            width * 0.22,
            width * 0.1,
            width * 0.14,
            width * 0.14,
            width * 0.16,
        ],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), RED),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F6E7E5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)]
    story.append(
        _p(
            f"本月补贴合计 {_money(subsidy)} 元（{meals} 餐），为当月已供餐订单的补贴之和"
            "（含计入本月的更正），精确到分。",
            styles["body"],
        )
    )
    adjustments = [
        adjustment
        for adjustment in settlement.adjustments
        if funder_id is None or adjustment.funder_id == funder_id
    ]
    if adjustments:
        story += [Spacer(1, 3 * mm), _p("计入本月的更正：", styles["body"])]
        for adjustment in adjustments:
            story.append(
                _p(
                    f"更正 {adjustment.corrects_month:%Y-%m}：{adjustment.meals} 餐，"
                    f"补贴 {_money(adjustment.subsidy)} 元，个人应付 {_money(adjustment.payable)} 元。"
                    f"原因：{adjustment.reason}",
                    styles["small"],
                )
            )
    story += [Spacer(1, 14 * mm)]
    signature = Table(
        [
            [_p("经办人（签字）：", cell), "", _p("站点负责人（签字）：", cell), ""],
            [_p("日期：", cell), "", _p(f"{station.name}（盖章）", cell), ""],
            [_p("出资方确认（签章）：", cell), "", _p("日期：", cell), ""],
        ],
        colWidths=[width * 0.2, width * 0.3, width * 0.24, width * 0.26],
        rowHeights=[14 * mm, 14 * mm, 14 * mm],
    )
    signature.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.black),
                ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.black),
                ("LINEBELOW", (1, 1), (1, 1), 0.6, colors.black),
                ("LINEBELOW", (1, 2), (1, 2), 0.6, colors.black),
                ("LINEBELOW", (3, 2), (3, 2), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    story.append(signature)

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawCentredString(
            A4[0] / 2,
            10 * mm,
            f"{station.name} 银龄爱心食堂 {settlement.month:%Y-%m} 结算单　第 {doc.page} 页",
        )
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
