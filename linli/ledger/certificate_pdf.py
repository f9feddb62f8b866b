"""The 志愿服务证明 drawn as an A4 PDF with ReportLab (see `linli.ledger.certificates`).

Its own module so that ReportLab and the CID font load only where a certificate is drawn: the
web and task processes import `certificates` for issuing and verifying, never this.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linli.core.fonts import cjk_font
from linli.ledger.certificates import (
    KIND_LABELS,
    _chinese_date,
    certificate_entries,
    hours_text,
)
from linli.ledger.models import Certificate, EntryKind
from linli.ledger.queries import balance, star_level

FONT = cjk_font()
RED = colors.HexColor("#B3261E")  # the site's 文明实践 red


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=24, leading=32, alignment=TA_CENTER, textColor=RED
        ),
        "number": ParagraphStyle("number", parent=base, fontSize=10, alignment=TA_CENTER),
        "body": ParagraphStyle("body", parent=base, firstLineIndent=22),
        "heading": ParagraphStyle("heading", parent=base, fontSize=13, leading=20, spaceBefore=8),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "head": ParagraphStyle("head", parent=base, fontSize=9, leading=12, textColor=colors.white),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12),
        "right": ParagraphStyle("right", parent=base, alignment=2),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _qr(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    return drawing


def _entry_rows(certificate: Certificate, styles: dict[str, ParagraphStyle]) -> list[list[Any]]:
    head = styles["head"]
    rows: list[list[Any]] = [
        [
            _p(label, head)
            for label in ("日期", "活动名称", "地点 / 服务内容", "时长（小时）", "组织单位")
        ]
    ]
    cell = styles["cell"]
    for entry in certificate_entries(certificate):
        activity = entry.activity
        title = activity.title if activity else KIND_LABELS.get(entry.kind, "")
        content = entry.description
        if entry.kind == EntryKind.REVERSAL:
            content = f"（冲正：{entry.reason}）{content}"
        elif entry.kind == EntryKind.ADJUSTMENT:
            content = f"（补录）{content}"
        lines = [activity.place, content] if activity and activity.place else [content]
        rows.append(
            [
                _p(entry.served_on.isoformat(), cell),
                _p(title, cell),
                # Place, then content, on lines of their own .
                Paragraph("<br/>".join(escape(line) for line in lines), cell),
                _p(hours_text(entry.amount), cell),
                _p(activity.organizer if activity else certificate.station.name, cell),
            ]
        )
    if len(rows) == 1:
        rows.append([_p("本期间没有服务记录。", cell), "", "", "", ""])
    return rows


def draw_certificate(certificate: Certificate, *, verify_url: str) -> bytes:
    """The certificate as an A4 PDF. `verify_url` is the absolute address of its public
    verification page (`/verify/<number>/`), which the QR code carries; the caller builds it
    from the request, so no site address needs configuring."""
    volunteer = certificate.volunteer
    person = volunteer.person
    station = certificate.station
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=f"志愿服务证明 {certificate.number}",
        author=station.name,
        subject="志愿服务证明",
    )
    width = document.width
    period = f"{_chinese_date(certificate.period_start)}至{_chinese_date(certificate.period_end)}"
    total = hours_text(certificate.total_hours)
    story: list[Any] = [
        _p("志愿服务证明", styles["title"]),
        _p(f"证明编号：{certificate.number}", styles["number"]),
        Spacer(1, 6 * mm),
        _p(
            f"兹证明 {person.name}（身份证号码 {person.id_number_masked or '未登记'}，志愿者编号 "
            f"{volunteer.number}）于{period}期间，在{station.name}参加志愿服务，"
            f"累计服务时长 {total} 小时。服务记录如下。",
            styles["body"],
        ),
        Spacer(1, 4 * mm),
    ]
    label = styles["cell"]
    facts = [
        [_p("姓名", label), _p(person.name, label), _p("志愿者编号", label), _p(volunteer.number, label)],
        [
            _p("身份证号码", label),
            _p(person.id_number_masked or "未登记", label),
            _p("累计服务时长", label),
            _p(f"{total} 小时", label),
        ],
        [_p("证明期间", label), _p(period, label), _p("服务记录", label), _p(f"{certificate.entry_count} 条", label)],
    ]  # fmt: skip
    facts_table = Table(facts, colWidths=[width * 0.16, width * 0.38, width * 0.18, width * 0.28])
    facts_table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F6E7E5")),
                ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#F6E7E5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [facts_table, _p("服务记录", styles["heading"]), Spacer(1, 2 * mm)]
    entries = Table(
        _entry_rows(certificate, styles),
        colWidths=[width * 0.15, width * 0.21, width * 0.34, width * 0.13, width * 0.17],
        repeatRows=1,  # a long record continues on further pages under the same header
    )
    entries.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), RED),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#FAF6F5")]),
            ]
        )
    )
    story += [entries, Spacer(1, 4 * mm)]
    # 星级 by the volunteer's verified hours today, and the honours of their 67号令 record.
    stars = star_level(balance(volunteer))
    if stars:
        story.append(_p(f"星级：{stars}星级志愿者", styles["body"]))
    awards = list(volunteer.awards.order_by("awarded_on", "pk"))
    if awards:
        story.append(_p("获得荣誉", styles["heading"]))
        story += [
            _p(
                f"{award.awarded_on:%Y年%m月%d日}　{award.name}　{award.granted_by}",
                styles["body"],
            )
            for award in awards
        ]
    story.append(Spacer(1, 6 * mm))
    qr_size = 30 * mm
    signature = [
        _p(f"出具单位：{station.name}", styles["right"]),
        _p(
            f"出具日期：{_chinese_date(timezone.localdate(certificate.issued_at))}", styles["right"]
        ),
        Spacer(1, 3 * mm),
        _p(
            "本证明依据《志愿服务记录与证明出具办法》（民政部令第67号）免费出具，"
            "服务时长以本站志愿服务记录为准。扫描右侧二维码或访问下列网址可核验本证明：",
            styles["small"],
        ),
        _p(verify_url, styles["small"]),
    ]
    closing = Table(
        [[signature, _qr(verify_url, qr_size)]],
        colWidths=[width - qr_size - 6 * mm, qr_size + 6 * mm],
    )
    closing.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(closing)

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawCentredString(
            A4[0] / 2, 10 * mm, f"志愿服务证明 {certificate.number}　第 {doc.page} 页"
        )
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
