"""志愿服务证明 (SPEC §3; 民政部令第67号): issue a numbered certificate and draw it as a PDF.

A certificate states a volunteer's identity (name, masked ID number, volunteer number), the hours
and the service entries of a period, the issuing station and date, a unique number and a QR code
of the public verification page (`/verify/<number>/`). It is free, and issued on each request.

The totals are those of the ledger entries served in the period and posted by the moment of issue,
reversals included, so a certificate reconciles with the ledger and can be drawn again later
exactly as first issued (`certificate_entries` reads the same rows).

The PDF is an official Chinese document: its text is Chinese whatever the page's language, as the
station's spreadsheets are. Its font (linli.core.fonts) is embedded and has every character the
certificate prints, so it reads the same in any reader and its text extracts exactly.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.core.masking import mask_name
from linli.ledger.models import Account, Certificate, EntryKind, LedgerEntry
from linli.ledger.queries import entries_of
from linli.org.models import Station
from linli.volunteers.models import Volunteer

NUMBER_PREFIX = "LL"
KIND_LABELS: dict[str, str] = {
    EntryKind.ACTIVITY: "活动",
    EntryKind.REQUEST: "点单服务",
    EntryKind.REVERSAL: "冲正",
    EntryKind.ADJUSTMENT: "补录",
    EntryKind.DELIVERY: "助餐送餐",
}


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


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The certificate as an A4 PDF (`linli.ledger.certificate_pdf`). ReportLab and its CID font
    (some 25 MB) load on the first certificate drawn, not in every process that imports this one."""
    from linli.ledger.certificate_pdf import draw_certificate

    return draw_certificate(certificate, verify_url=verify_url)


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
