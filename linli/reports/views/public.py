"""The public station page `/s/<code>/` (no sign-in, SPEC §7.2), its iCal feed and its A4
poster. Only stations (not the 所 or the 中心) have a page; any other code is a 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from linli.core.qr import qr_svg
from linli.org.models import Station
from linli.reports import public

MAX_NUMBER_LENGTH = 40


def _station(code: str) -> Station:
    station = Station.objects.filter(code=code, kind=Station.Kind.STATION).first()
    if station is None:
        raise Http404("station")
    return station


def _public(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """Anyone may keep a copy for a few minutes; a signed-in visitor's page stays private (the
    header carries their name), which the middleware sees to."""
    if not request.user.is_authenticated:
        patch_cache_control(response, public=True, max_age=public.CACHE_SECONDS)
    return response


@require_safe
def station_page(request: HttpRequest, code: str) -> HttpResponse:
    station = _station(code)
    today = timezone.localdate()
    activities = list(public.upcoming(station))
    context = {
        "station": station,
        "year": today.year,
        "figures": public.year_figures(station, today.year),
        "activities": activities,
        "weeks": public.month_calendar(activities, today),
        "honours": public.honour_roll(station),
        "today": today,
    }
    return _public(render(request, "reports/public.html", context), request)


@require_safe
def station_calendar(request: HttpRequest, code: str) -> HttpResponse:
    station = _station(code)
    response = HttpResponse(
        public.feed(station, host=request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{station.code}.ics"'
    return _public(response, request)


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate form's target: on to the one verification page."""
    _station(code)
    number = request.GET.get("number", "").strip()
    if not number or len(number) > MAX_NUMBER_LENGTH or not number.replace("-", "").isalnum():
        return redirect("public:station", code=code)
    return redirect("verify:certificate", number=number)


@require_safe
def poster(request: HttpRequest, code: str) -> HttpResponse:
    """An A4 notice for the board: QR codes to register as a volunteer and to ask for help."""
    station = _station(code)
    volunteer_url = request.build_absolute_uri(reverse("volunteers:register"))
    request_url = request.build_absolute_uri(reverse("assistance:new"))
    page_url = request.build_absolute_uri(reverse("public:station", args=[station.code]))
    context = {
        "station": station,
        "volunteer_qr": qr_svg(volunteer_url, title="志愿者注册"),
        "request_qr": qr_svg(request_url, title="群众点单"),
        "page_qr": qr_svg(page_url, title=station.name),
        "volunteer_url": volunteer_url,
        "request_url": request_url,
        "page_url": page_url,
    }
    return _public(render(request, "reports/poster.html", context), request)
