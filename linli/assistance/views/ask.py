"""点单 without an account: a public, large-type form whose requests staff review like any
other (category left to them). Reachable from the sign-in page and the station's public page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from linli.assistance.actions import request_submit_public
from linli.assistance.forms.ask import AskForm
from linli.core.errors import DomainError
from linli.org.models import Station

MAX_CODE = 32


def _stations() -> list[Station]:
    return list(Station.objects.filter(kind=Station.Kind.STATION).order_by("path", "pk"))


def _chosen(request: HttpRequest, stations: list[Station]) -> Station | None:
    code = (request.POST.get("station") or request.GET.get("station") or "")[:MAX_CODE]
    if code:
        found = next((station for station in stations if station.code == code), None)
        if found is None:
            raise Http404("station")
        return found
    return stations[0] if len(stations) == 1 else None


@require_http_methods(["GET", "HEAD", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    stations = _stations()
    station = _chosen(request, stations)
    form = AskForm(request.POST if request.method == "POST" and station else None)
    status = 200
    if station is not None and request.method == "POST":
        if form.is_valid():
            try:
                service_request = request_submit_public(station=station, **form.data_for_action())
            except DomainError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                request.session["linli_asked"] = service_request.pk
                return redirect(f"{reverse('assistance:ask_done')}?station={station.code}")
        else:
            status = 422
    return render(
        request,
        "assistance/ask.html",
        {
            "form": form,
            "station": station,
            "stations": stations,
        },
        status=status,
    )


@require_safe
def ask_done(request: HttpRequest) -> HttpResponse:
    asked = request.session.get("linli_asked")
    return render(
        request,
        "assistance/ask_done.html",
        {"number": asked},
    )
