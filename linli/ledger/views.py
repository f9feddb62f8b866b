"""Pages for certificates, calendar feeds and the records export.

- `/hours/certificate/`: the signed-in volunteer picks a period (default all time) and downloads
  their 志愿服务证明; the page also lists their certificates and their calendar link.
- `/hours/volunteers/<id>/certificate/`: the same for someone who may read that volunteer
  (`volunteers.access.get_volunteer_for_user`: station staff, their team leaders); else 404.
- `/hours/calendar/`: the subscription links (the volunteer's own; staff: their stations').
- `/hours/calendar/.../<token>.ics`: the feeds, for calendar apps, which cannot sign in.
- `/hours/export/` and `/hours/export.xlsx`: the period's records for 全国志愿服务信息系统,
  station staff and admin only (403 for everyone else).
- `/verify/<number>/`: public verification, no sign-in, no personal data.

Issuing is a write, so the certificate forms POST; the API's GET issues too (SPEC §5).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from linli.accounts.access import visible_stations
from linli.activities import access as activities_access
from linli.core.errors import DomainError
from linli.core.forms import BaseForm
from linli.core.throttle import throttled
from linli.core.xlsx import xlsx_response
from linli.ledger import access as ledger_access
from linli.ledger import calendar, certificates, exporting
from linli.ledger.api.hours import pdf_response
from linli.ledger.models import Certificate
from linli.org.models import Station
from linli.volunteers import access
from linli.volunteers.models import Volunteer

RECENT_CERTIFICATES = 10
ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PeriodForm(BaseForm):
    """`from` and `to` (reserved words in Python, the names the API and export use)."""

    def __init__(self, *args: Any, required: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["from"] = _date_field(gettext_lazy("开始日期"))
        self.fields["to"] = _date_field(gettext_lazy("结束日期"))
        for field in self.fields.values():
            field.required = required

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        return cleaned


def _own_volunteer(request: HttpRequest) -> Volunteer | None:
    return activities_access.own_volunteer(request.user)


def _certificate_page(request: HttpRequest, volunteer: Volunteer | None, *, own: bool) -> Any:
    """The form; on POST, issue a certificate for the period and answer with its PDF."""
    form = PeriodForm(request.POST or None)
    if volunteer is not None and request.method == "POST" and form.is_valid():
        start, end = certificates.default_period(volunteer)
        try:
            certificate = certificates.certificate_issue(
                volunteer=volunteer,
                period_start=form.cleaned_data["from"] or start,
                period_end=form.cleaned_data["to"] or end,
                actor=request.user,
                reissue=request.POST.get("reissue") == "1",
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return pdf_response(request, certificate)
    context: dict[str, Any] = {"form": form, "volunteer": volunteer, "own": own}
    if volunteer is not None:
        context["certificates"] = Certificate.objects.filter(volunteer=volunteer).select_related(
            "station"
        )[:RECENT_CERTIFICATES]
        if own:
            context["calendar_url"] = _volunteer_feed_url(request, volunteer)
    status = 422 if form.errors else 200
    return render(request, "ledger/certificate.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def certificate(request: HttpRequest) -> HttpResponse:
    """The signed-in volunteer's own certificate."""
    return _certificate_page(request, _own_volunteer(request), own=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def volunteer_certificate(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    """A certificate for a volunteer the user may read (404 for anyone else's)."""
    volunteer = access.get_volunteer_for_user(request.user, volunteer_id)
    return _certificate_page(request, volunteer, own=volunteer.user_id == request.user.pk)


# --- calendar feeds --------------------------------------------------------------------------------


def _volunteer_feed_url(request: HttpRequest, volunteer: Volunteer) -> str:
    return request.build_absolute_uri(
        reverse("ledger:calendar_volunteer", args=[calendar.volunteer_token(volunteer)])
    )


def _station_feed_url(request: HttpRequest, station: Station) -> str:
    return request.build_absolute_uri(
        reverse("ledger:calendar_station", args=[station.code, calendar.station_token(station)])
    )


def _webcal(url: str) -> str:
    """The same address as `webcal://`, which phones open in their calendar app to subscribe."""
    return "webcal://" + url.split("://", 1)[1] if "://" in url else ""


@login_required
@require_safe
def calendar_links(request: HttpRequest) -> HttpResponse:
    """The subscription links the user owns: their own activities, and (staff) their stations'."""
    volunteer = _own_volunteer(request)
    stations = visible_stations(request.user, roles=access.READ_ROLES).filter(
        kind=Station.Kind.STATION
    )
    volunteer_url = _volunteer_feed_url(request, volunteer) if volunteer else ""
    context = {
        "volunteer": volunteer,
        "volunteer_url": volunteer_url,
        "volunteer_webcal": _webcal(volunteer_url),
        "stations": [
            (station, url, _webcal(url))
            for station, url in ((s, _station_feed_url(request, s)) for s in stations)
        ],
    }
    return render(request, "ledger/calendar.html", context)


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(False, filename) or "inline"
    response["Cache-Control"] = "private, max-age=900"
    return response


@require_safe
def calendar_volunteer(request: HttpRequest, token: str) -> HttpResponse:
    """A volunteer's feed; the signed token is the only key (a forged one is 404)."""
    volunteer = calendar.volunteer_from_token(token)
    return _ics(calendar.feed_volunteer(volunteer, host=request.get_host()), "linli.ics")


@require_safe
def calendar_station(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """A station's feed of open activities; the signed token is the key (a forged one is 404)."""
    station = calendar.station_from_token(code, token)
    return _ics(calendar.feed_station(station, host=request.get_host()), f"{station.code}.ics")


# --- export for 全国志愿服务信息系统 ---------------------------------------------------------------


def _month_start(today: date) -> date:
    return today.replace(day=1)


@login_required
@require_safe
def export_page(request: HttpRequest) -> HttpResponse:
    """Choose the period to export (default: this month so far)."""
    if not ledger_access.can_keep_records(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = PeriodForm(initial={"from": _month_start(today), "to": today}, required=True)
    return render(request, "ledger/export.html", {"form": form})


@login_required
@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """`?from=&to=` (default: this month so far) as xlsx, full ID numbers, audited."""
    if not ledger_access.can_keep_records(request.user):
        raise PermissionDenied
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "ledger/export.html", {"form": form}, status=400)
    today = timezone.localdate()
    start = form.cleaned_data["from"] or _month_start(today)
    end = form.cleaned_data["to"] or today
    content, _count = exporting.export_entries(
        user=request.user, period_start=start, period_end=end
    )
    return xlsx_response(content, f"全国志愿服务信息系统-服务记录-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")


# --- public verification ---------------------------------------------------------------------------


@require_safe
@throttled("lookup", methods=("GET", "HEAD"))
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """Anyone, without signing in: is this a real certificate? Unknown number: a 404 that says so."""
    try:
        found = certificates.get_certificate(number)
    except Http404:
        return render(request, "ledger/verify_missing.html", {"number": number}, status=404)
    return render(
        request, "ledger/verify.html", {"certificate": certificates.certificate_public(found)}
    )
