"""`GET /api/v1/reports/annual?station=&year=&format=pdf|xlsx` (SPEC §7.2): the station's report
of the year, from the cache while its records are unchanged, else built at once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Router

from linli.accounts.access import can_read_stats, get_stats_station_for_user
from linli.accounts.schemas import ErrorOut
from linli.core.schemas import Code, Year
from linli.core.xlsx import XLSX_CONTENT_TYPE
from linli.reports.actions import report_build_now
from linli.reports.periods import FIRST_YEAR, Period

router = Router(tags=["reports"])

FORMATS = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}


@router.get(
    "/annual",
    response={200: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A station's annual report as PDF or xlsx, computed from rows (cached until they change)",
)
def annual_report(
    request: HttpRequest,
    station: Code,
    year: Year,
    format: Code = "pdf",  # noqa: A002 (SPEC name)
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not can_read_stats(user):
        raise PermissionDenied
    if format not in FORMATS:
        raise ValidationError({"format": [_("可选：pdf、xlsx")]})
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError({"year": [_("年份超出范围。")]})
    found = get_stats_station_for_user(user, station)
    build = report_build_now(station=found, period=Period(year, "year"), actor=user)
    content = bytes(build.pdf if format == "pdf" else build.xlsx)
    response = HttpResponse(content, content_type=FORMATS[format])
    filename = f"{found.name}-{year}年报.{format}"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
