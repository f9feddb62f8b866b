"""`GET /api/v1/volunteers/{id}/hours` and `GET /api/v1/volunteers/{id}/certificate` (SPEC §5),
mounted beside the volunteer routers.

Who may: whoever may read the volunteer (`volunteers.access.get_volunteer_for_user`: staff of
their station, leaders of their teams, the volunteer themself); anyone else gets 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from ninja import Query, Router

from linli.accounts.schemas import ErrorOut
from linli.core.schemas import Day, PathId
from linli.ledger import certificates
from linli.ledger.queries import entries_of, star_level
from linli.ledger.schemas import HoursEntryOut, HoursOut
from linli.volunteers.access import get_volunteer_for_user

router = Router(tags=["hours and certificates"])


@router.get(
    "/{volunteer_id}/hours",
    response={200: HoursOut, 404: ErrorOut},
    summary="A volunteer's service hours: total, star level and every entry",
)
def volunteer_hours(request: HttpRequest, volunteer_id: PathId) -> Any:
    volunteer = get_volunteer_for_user(request.auth, volunteer_id)  # type: ignore[attr-defined]
    rows = list(entries_of(volunteer))
    # Summed from the very rows listed, so the total always equals the entries' sum.
    total = sum((entry.amount for entry in rows), start=Decimal("0"))
    entries = [
        HoursEntryOut(
            id=entry.pk,
            date=entry.served_on,
            activity=entry.activity.title if entry.activity else "",
            activity_id=entry.activity_id,
            description=entry.description,
            hours=float(entry.amount),
            kind=entry.kind,
            reverses=entry.reverses_id,
            reason=entry.reason,
        )
        for entry in rows
    ]
    return HoursOut(total_hours=float(total), star_level=star_level(total), entries=entries)


@router.get(
    "/{volunteer_id}/certificate",
    response={200: None, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="A 志愿服务证明 for a period (default: all time) as application/pdf",
    description="One number per volunteer and period: asking again gives the same certificate "
    "while the period's hours are unchanged; `reissue=true` draws a new number.",
    openapi_extra={
        "responses": {200: {"content": {"application/pdf": {}}, "description": "The PDF"}}
    },
)
def volunteer_certificate(
    request: HttpRequest,
    volunteer_id: PathId,
    date_from: Day | None = Query(None, alias="from"),  # noqa: B008
    date_to: Day | None = Query(None, alias="to"),  # noqa: B008
    reissue: bool = Query(  # noqa: B008
        False, description="A new number even if the period's certificate is unchanged."
    ),
) -> HttpResponse:
    user = request.auth  # type: ignore[attr-defined]
    volunteer = get_volunteer_for_user(user, volunteer_id)
    default_start, default_end = certificates.default_period(volunteer)
    certificate = certificates.certificate_issue(
        volunteer=volunteer,
        period_start=date_from or default_start,
        period_end=date_to or default_end,
        actor=user,
        reissue=reissue,
    )
    return pdf_response(request, certificate)


def pdf_response(request: HttpRequest, certificate: Any) -> HttpResponse:
    """The certificate's PDF, its QR code pointing at this site's verification page."""
    verify_url = request.build_absolute_uri(
        reverse("verify:certificate", args=[certificate.number])
    )
    response = HttpResponse(
        certificates.certificate_pdf(certificate, verify_url=verify_url),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = (
        content_disposition_header(True, f"志愿服务证明-{certificate.number}.pdf") or "attachment"
    )
    return response
