"""派单台: the requests of the stations a staff member runs or supervises, counted by state,
filtered, with the ones past their review or accept deadline in red.

The page's query count is fixed, whatever the number of rows: the deadlines of every waiting
request are computed from one read of the menus' response hours (`Deadlines`), not per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from linli.accounts.access import in_reach, visible_stations
from linli.assistance import access, timers
from linli.assistance.forms.requests import BoardFilterForm
from linli.assistance.models import FollowUp, MenuCategory, RequestStatus, ServiceRequest
from linli.core.categories import ServiceCategory
from linli.org.models import Station
from linli.stats import rollups

PAGE_SIZE = 20
WAITING_STATES = (RequestStatus.SUBMITTED, RequestStatus.DISPATCHED)
ROW_RELATIONS = (
    "station",
    "item",
    "resident",
    "building__estate",
    "dispatch_team",
    "dispatch_volunteer__person",
    "volunteer__person",
)


class Deadlines:
    """Review and accept deadlines of many requests from one read of the menus' response hours.

    The rules are `timers.review_deadline` and `timers.accept_deadline`; the categories' hours
    come from the map read here once.
    Requests must carry their `item` (select_related).
    """

    def __init__(self, stations: QuerySet[Station]) -> None:
        self.category_hours = {
            (station_id, code): hours
            for station_id, code, hours in MenuCategory.objects.filter(
                station__in=stations
            ).values_list("station_id", "code", "response_hours")
        }

    def deadline(self, service_request: ServiceRequest) -> datetime | None:
        """When the request's current wait runs out, or None if it is not waiting on staff."""
        if service_request.status == RequestStatus.DISPATCHED:
            return timers.accept_deadline(service_request)
        if service_request.status != RequestStatus.SUBMITTED:
            return None
        hours = self.category_hours.get((service_request.station_id, service_request.category), 24)
        return timers.review_deadline(service_request, category_hours=hours)

    def overdue_ids(self, requests: QuerySet[ServiceRequest], now: datetime) -> set[int]:
        """The waiting requests among `requests` whose deadline has passed (one query)."""
        waiting = requests.filter(status__in=WAITING_STATES).select_related("item").order_by()
        overdue = set()
        for service_request in waiting:
            deadline = self.deadline(service_request)
            if deadline is not None and deadline < now:
                overdue.add(service_request.pk)
        return overdue


@dataclass(frozen=True)
class Row:
    service_request: ServiceRequest
    overdue: bool
    deadline: datetime | None
    age: str


def board_stations(user: Any) -> QuerySet[Station]:
    """The stations (站, not 所 or 中心) whose requests the user reads on the board."""
    return (
        visible_stations(user, roles=access.READ_ROLES)
        .filter(kind=Station.Kind.STATION)
        .order_by("code")
    )


def search_condition(q: str) -> Q:
    """Words of the description, the contact's or resident's name, or the request's number."""
    condition = (
        Q(description__icontains=q) | Q(requester_name__icontains=q) | Q(resident__name__contains=q)
    )
    number = q.lstrip("#")
    if number.isdigit():
        condition |= Q(pk=int(number))
    return condition


def _scoped(user: Any, filters: dict[str, Any]) -> QuerySet[ServiceRequest]:
    """The user's board narrowed by every filter except the state (whose chips count it)."""
    requests = in_reach(ServiceRequest.objects.all(), user, roles=access.READ_ROLES)
    if filters.get("station"):
        requests = requests.filter(station=filters["station"])
    if filters.get("category"):
        requests = requests.filter(category=filters["category"])
    if filters.get("urgency"):
        requests = requests.filter(urgency=filters["urgency"])
    if filters.get("q"):
        requests = requests.filter(search_condition(filters["q"].strip()))
    return requests


def state_counts(
    requests: QuerySet[ServiceRequest], counted: dict[str, int] | None = None
) -> list[tuple[str, str, int]]:
    """(code, label, count) of every state, in the order a request moves through them;
    `counted` gives the counts by state when they are known (the rollups)."""
    if counted is None:
        counted = dict(
            requests.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
        )
    return [(code, str(label), counted.get(code, 0)) for code, label in RequestStatus.choices]


def category_chart(
    requests: QuerySet[ServiceRequest], counted: dict[str, int] | None = None
) -> dict[str, Any]:
    """The chart's data: requests by service category, the largest first (ECharts, charts.js);
    `counted` gives the counts by category when they are known (the rollups)."""
    if counted is None:
        counted = dict(
            requests.order_by()
            .values("category")
            .annotate(n=Count("pk"))
            .values_list("category", "n")
        )
    pairs = sorted(counted.items(), key=lambda pair: (-pair[1], pair[0]))
    labels = dict(ServiceCategory.choices)
    return {
        "kind": "bar",
        "title": str(_("各服务类别的需求数")),
        "labels": [str(labels.get(code, code)) for code, _count in pairs],
        "values": [count for _code, count in pairs],
    }


def _age(moment: datetime, now: datetime) -> str:
    return timesince(moment, now, depth=1)


@require_safe
@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The dispatch board (staff and supervisors); `?part=summary` is the home page's card."""
    if not access.can_read_board(request.user):
        raise PermissionDenied
    stations = board_stations(request.user)
    form = BoardFilterForm(request.GET or None, stations=stations)
    filters = form.cleaned_data if form.is_valid() else {}
    scoped = _scoped(request.user, filters)
    now = timezone.now()
    deadlines = Deadlines(stations)
    overdue_ids = deadlines.overdue_ids(scoped, now)
    # The whole board, unfiltered, counts every request in reach: the summary's rollups hold
    # those counts per station, so a county's board does not count its requests row by row.
    rolled = None
    if not any(filters.get(name) for name in ("station", "category", "urgency", "q")):
        rolled = rollups.figures(
            visible_stations(request.user, roles=access.READ_ROLES).values_list("pk", flat=True),
            None,
        )
    counts = state_counts(scoped, rolled["requests_by_status"] if rolled else None)
    context: dict[str, Any] = {
        "counts": counts,
        "overdue_count": len(overdue_ids),
        "open_count": sum(count for code, _label, count in counts if code in WAITING_STATES),
        "filters": filters,
    }
    if request.GET.get("part") == "summary":
        return render(request, "assistance/board.html#summary", context)
    listed = scoped
    if filters.get("status"):
        listed = listed.filter(status=filters["status"])
    if filters.get("overdue"):
        listed = listed.filter(pk__in=overdue_ids)
    if filters.get("followup"):
        listed = listed.filter(
            pk__in=FollowUp.objects.filter(closed_at__isnull=True).values("request_id")
        )
    paginator = Paginator(listed.select_related(*ROW_RELATIONS), PAGE_SIZE)
    whole = rolled is not None and not any(
        filters.get(name) for name in ("status", "overdue", "followup")
    )
    if whole:
        paginator.count = sum(count for _code, _label, count in counts)
    page = paginator.get_page(request.GET.get("page"))
    rows = []
    for service_request in page:
        deadline = deadlines.deadline(service_request)
        rows.append(
            Row(
                service_request=service_request,
                overdue=service_request.pk in overdue_ids,
                deadline=deadline,
                age=_age(service_request.submitted_at, now),
            )
        )
    chart = category_chart(listed, rolled["requests_by_category"] if whole and rolled else None)
    context |= {
        "form": form,
        "page": page,
        "rows": rows,
        "chart": chart,
        "chart_rows": list(zip(chart["labels"], chart["values"], strict=True)),
        "many_stations": len(form.fields["station"].queryset) > 1,  # type: ignore[attr-defined]
        "can_enter": access.can_run_any(request.user),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "assistance/board.html#results", context)
    return render(request, "assistance/board.html", context)
