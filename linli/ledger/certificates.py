"""志愿服务证明 (SPEC §3; 民政部令第67号): issue a numbered certificate and draw it as a PDF.

A certificate states a volunteer's identity (name, masked ID number, volunteer number), the hours
and the service entries of a period, the issuing station and date, a unique number and a QR code
of the public verification page (`/verify/<number>/`). It is free, and issued on each request.

The totals are those of the ledger entries served in the period and posted by the moment of issue,
reversals included, so a certificate reconciles with the ledger and can be drawn again later
exactly as first issued (`certificate_entries` reads the same rows).

The PDF is an official Chinese document: its text is Chinese whatever the page's language, as the
station's spreadsheets are. It uses ReportLab's built-in CID font STSong-Light (Adobe-GB1), so no
font file ships with the project; PDF readers supply the glyphs, and the text extracts as Unicode.
"""

from __future__ import annotations

import io
import secrets
from datetime import date
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.core.masking import mask_name
from linli.ledger.models import Account, Certificate, EntryKind, LedgerEntry
from linli.ledger.queries import entries_of
from linli.org.models import Station
from linli.volunteers.models import Volunteer

NUMBER_PREFIX = "LL"
FONT = "STSong-Light"
RED = colors.HexColor("#B3261E")  # the site's 文明实践 red
KIND_LABELS: dict[str, str] = {
    EntryKind.ACTIVITY: "活动",
    EntryKind.REQUEST: "点单服务",
    EntryKind.REVERSAL: "冲正",
    EntryKind.ADJUSTMENT: "补录",
    EntryKind.DELIVERY: "助餐送餐",
}

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


# --- issuing -------------------------------------------------------------------------------------


def default_period(volunteer: Volunteer, today: date | None = None) -> tuple[date, date]:
    """All time: from the earlier of registration and the first entry served, to today."""
    today = today or timezone.localdate()
    first = LedgerEntry.objects.filter(volunteer=volunteer, account=Account.HOURS).aggregate(
        first=Min("served_on")
    )["first"]
    start = timezone.localdate(volunteer.registered_at)
    if first is not None and first < start:
        start = first
    return min(start, today), today


def certificate_entries(certificate: Certificate) -> QuerySet[LedgerEntry]:
    """The hours entries a certificate covers: served in its period, posted by its issue."""
    return entries_of(certificate.volunteer).filter(
        served_on__range=(certificate.period_start, certificate.period_end),
        created_at__lte=certificate.issued_at,
    )


# The random part's letters: no 0/O, 1/I/L, U, so a number read aloud or typed is not mistaken.
RANDOM_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 6  # 30**6: about 700 million to guess among, behind the look-up rate limit


def _next_number(station: Station, year: int) -> str:
    """`LL-JIAOJIA-2026-000123-K7QX2M`: the station's next number of the year and a random part,
    so nobody finds other people's certificates by counting. Call with the station row locked,
    so two issues never draw the same sequence (the unique constraint backs this up)."""
    prefix = f"{NUMBER_PREFIX}-{station.code}-{year}-"
    last = (
        Certificate.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :].split("-")[0]) + 1 if last else 1
    random_part = "".join(secrets.choice(RANDOM_ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{prefix}{sequence:06d}-{random_part}"


@transaction.atomic
def certificate_issue(
    *,
    volunteer: Volunteer,
    period_start: date,
    period_end: date,
    actor: Any,
    reissue: bool = False,
) -> Certificate:
    """Issue a certificate of `volunteer`'s hours served from `period_start` to `period_end`.

    One number per volunteer and period: asking again gives the certificate already issued, as
    long as the ledger still says the same for the period; a new number only when the hours
    changed, or on request (`reissue`).

    Invariants: the number is unique (drawn with the issuing station's row locked); the total is
    the sum of the hours entries in the period as of issue, reversals included, so it reconciles
    with the ledger; only a volunteer who was approved (has a volunteer number) gets one; every
    issue is audited.
    """
    if period_start > period_end:
        raise ValidationError({"period_start": [_("开始日期不能晚于结束日期。")]})
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": [_("结束日期不能晚于今天。")]})
    if not volunteer.number:
        raise DomainError(
            "certificate_unavailable",
            _("审核通过、已有志愿者编号的志愿者才能开具志愿服务证明。"),
            status=409,
        )
    station = Station.objects.select_for_update().get(pk=volunteer.station_id)
    issued_at = timezone.now()
    covered = entries_of(volunteer).filter(
        served_on__range=(period_start, period_end), created_at__lte=issued_at
    )
    totals = covered.order_by().aggregate(total=Sum("amount"))
    total_hours = (totals["total"] or Decimal("0")).quantize(Decimal("0.01"))
    entry_count = covered.count()
    if not reissue:
        issued = (
            Certificate.objects.filter(
                volunteer=volunteer, period_start=period_start, period_end=period_end
            )
            .order_by("-issued_at", "-pk")
            .first()
        )
        if issued and (issued.total_hours, issued.entry_count) == (total_hours, entry_count):
            return issued
    certificate = Certificate.objects.create(
        number=_next_number(station, timezone.localdate(issued_at).year),
        volunteer=volunteer,
        station=station,
        period_start=period_start,
        period_end=period_end,
        total_hours=total_hours,
        entry_count=entry_count,
        issued_at=issued_at,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="certificate.issue",
        target=certificate,
        station=station,
        after={
            "volunteer": volunteer.pk,
            "period": [period_start.isoformat(), period_end.isoformat()],
            "total_hours": str(certificate.total_hours),
            "entries": certificate.entry_count,
            "reissue": reissue,
        },
    )
    return certificate


# --- the PDF -------------------------------------------------------------------------------------


def hours_text(hours: Decimal) -> str:
    """`12.5`, `3`, `-2`: hours without trailing zeros."""
    text = f"{hours.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text or "0"


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


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
                # Place, then content, on lines of their own (STSong-Light has no "·").
                Paragraph("<br/>".join(escape(line) for line in lines), cell),
                _p(hours_text(entry.amount), cell),
                _p(activity.organizer if activity else certificate.station.name, cell),
            ]
        )
    if len(rows) == 1:
        rows.append([_p("本期间没有服务记录。", cell), "", "", "", ""])
    return rows


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
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
    story += [entries, Spacer(1, 8 * mm)]
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


# --- public verification -------------------------------------------------------------------------


def get_certificate(number: str) -> Certificate:
    """The certificate with `number`, for verification by anyone; else 404."""
    found = (
        Certificate.objects.select_related("volunteer__person", "station")
        .filter(number=number.strip().upper())
        .first()
    )
    if found is None:
        raise Http404("certificate")
    return found


def certificate_public(certificate: Certificate) -> dict[str, Any]:
    """What a verification page or answer shows: what the paper shows, minus the personal data
    (no ID number, not even masked, no phone); the name masked (王*梅)."""
    return {
        "number": certificate.number,
        "valid": True,
        "name_masked": mask_name(certificate.volunteer.person.name),
        "volunteer_number": certificate.volunteer.number,
        "period_start": certificate.period_start,
        "period_end": certificate.period_end,
        "total_hours": float(certificate.total_hours),
        "total_hours_text": hours_text(certificate.total_hours),
        "entry_count": certificate.entry_count,
        "station": certificate.station.name,
        "station_code": certificate.station.code,
        "issued_at": certificate.issued_at,
        "issued_on": timezone.localdate(certificate.issued_at),
    }
