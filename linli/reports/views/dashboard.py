"""The station dashboard and the rows behind each of its figures (admin, supervisors over their
subtree, station staff over their station; linli.accounts.access decides)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from linli.accounts.access import (
    STATS_ROLES,
    get_stats_station_for_user,
    role_required,
    subtree_ids,
    visible_stations,
)
from linli.org.models import Station
from linli.reports import figures
from linli.reports.breakdowns import active_volunteers
from linli.reports.periods import PARTS, period_from, year_choices
from linli.reports.rows import metric_sections, volunteer_section
from linli.reports.views.rollup import rollup
from linli.stats.metrics import METRICS

ROWS_PER_PAGE = 50


@require_safe
@login_required
@role_required(*STATS_ROLES)
def index(request: HttpRequest) -> HttpResponse:
    """The header's 统计: the dashboard of a station worker's station; for a supervisor (or
    admin) the roll-up of the highest station they reach."""
    stations = visible_stations(request.user, roles=STATS_ROLES).order_by("path")
    top = stations.first()
    if top is None:
        raise Http404("station")
    if top.kind == Station.Kind.STATION:
        return dashboard(request, top.code)
    return rollup(request, top.code)


@require_safe
@login_required
@role_required(*STATS_ROLES)
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    station = get_stats_station_for_user(request.user, code)
    period = period_from(request.GET)
    reach = list(subtree_ids(station).values_list("pk", flat=True))
    active = active_volunteers(reach).count()
    return render(
        request,
        "reports/dashboard.html",
        {
            "station": station,
            "period": period,
            "years": year_choices(),
            "parts": PARTS,
            "cards": figures.cards(station, reach, period, active),
            "charts": figures.charts(station, reach, period, active),
            "responses": figures.responses(station, reach, period),
        },
    )


@require_safe
@login_required
@role_required(*STATS_ROLES)
def rows(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    station = get_stats_station_for_user(request.user, code)
    period = period_from(request.GET)
    reach = subtree_ids(station)
    filters = {name: request.GET[name] for name in request.GET}
    if kind == "volunteers":
        sections = [volunteer_section(reach, filters)]
        title = sections[0].label
    elif kind in METRICS:
        sections = metric_sections(kind, reach, period, filters)
        title = METRICS[kind].label
    else:
        raise Http404("figure")
    number = request.GET.get("page", "1")
    pages = [
        (section, Paginator(section.rows, ROWS_PER_PAGE).get_page(number)) for section in sections
    ]
    return render(
        request,
        "reports/rows.html",
        {
            "station": station,
            "period": period,
            "title": title,
            "kind": kind,
            "pages": pages,
            "filters": {
                name: value
                for name, value in filters.items()
                if name not in ("year", "period", "page")
            },
            "is_stock": kind == "volunteers",
        },
    )
