"""The resident's and the volunteer's request pages, made for a phone: 我要点单 (the form),
我的点单 (the requester's own requests) and 我的任务 (what a volunteer may take, and has taken).

Every check goes through linli.assistance.access; the one write goes through `request_submit`,
whose refusal is shown beside the field it concerns, with everything typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import has_role
from linli.accounts.models import Role
from linli.assistance import access
from linli.assistance.actions import request_submit
from linli.assistance.forms.public import ITEM_TILE, MAX_DESCRIPTION, QUICK_TILES, RequestForm
from linli.assistance.models import (
    ASSIGNED_STATES,
    MenuItem,
    RequestStatus,
    ServiceRequest,
    Urgency,
)
from linli.assistance.paste import recognise_need
from linli.assistance.timeline import SENTENCES
from linli.core.errors import DomainError
from linli.org.models import Station
from linli.people.models import Resident

PAGE_SIZE = 20
RECENT = 3
# Shown with each card: enough to recognise a request, never its contact details.
CARD_RELATIONS = ("item", "building__estate")


# --- 我要点单 --------------------------------------------------------------------------------------


def _station(request: HttpRequest, stations: list[Station], own: Resident | None) -> Station:
    """The station asked for by code, else the resident's own, else the first they may post at."""
    code = request.POST.get("station") or request.GET.get("station")
    by_code = {station.code: station for station in stations}
    if code in by_code:
        return by_code[code]
    if own is not None and own.station_id in {station.pk for station in stations}:
        return next(station for station in stations if station.pk == own.station_id)
    return stations[0]


def _own_resident(user: Any) -> Resident | None:
    """The signed-in person's own registry record, if staff have linked one to the account."""
    return (
        Resident.objects.filter(user_id=user.pk)
        .select_related("household__building__estate")
        .first()
    )


def _quick_items(station: Station) -> list[MenuItem]:
    """The station's most asked-for active items (counted from its requests; the menu's order
    breaks ties and stands in before there are any): the form's first-level tiles."""
    return list(
        MenuItem.objects.filter(category__station=station, category__active=True, active=True)
        .select_related("category")
        .annotate(asked=Count("requests"))
        .order_by("-asked", "category__code", "position", "pk")[:QUICK_TILES]
    )


def _request_form(
    request: HttpRequest, data: Any
) -> tuple[RequestForm, Station, list[Station], Resident | None]:
    stations = list(access.submit_stations(request.user).order_by("path", "pk"))
    if not stations:
        raise PermissionDenied("submit")
    own = _own_resident(request.user)
    station = _station(request, stations, own)
    if own is not None and (own.station_id != station.pk or own.household is None):
        own = None
    categories = (
        access.menu_categories_for_user(request.user)
        .filter(station=station, active=True)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=MenuItem.objects.filter(active=True).order_by("position", "id"),
            )
        )
    )
    form = RequestForm(
        data,
        categories=categories,
        estates=station.estates.all(),
        needs_address=own is None,
        quick_items=_quick_items(station),
    )
    return form, station, stations, own


@require_POST
@login_required
def recognise(request: HttpRequest) -> HttpResponse:
    """As the resident types (htmx): the paste box's recognition chooses the tile for them —
    unless they chose one themselves (the choice differs from the last guess, sent back as
    `guess`), which is left alone. Returns the tiles."""
    data = request.POST.copy()
    form, station, _stations, _own = _request_form(request, data)
    category, item, note = recognise_need(data.get("description", "")[:MAX_DESCRIPTION], station)
    chosen, last_guess = data.get("category", ""), data.get("guess", "")
    guess = ""
    if category:
        quick = {entry.pk for entry in form.quick_items}
        guess = f"{ITEM_TILE}{item.pk}" if item is not None and item.pk in quick else category
        if not chosen or chosen == last_guess:
            data["category"] = guess
            data["item"] = str(item.pk) if item is not None and guess == category else ""
        else:
            note = ""
    form = RequestForm(
        data,
        categories=form.categories,
        estates=form.estates,
        needs_address=form.needs_address,
        quick_items=form.quick_items,
    )
    return render(
        request,
        "assistance/_need_tiles.html",
        {"form": form, "guess": guess or last_guess, "note": note},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def new_request(request: HttpRequest) -> HttpResponse:
    """点单: the resident says what they need; the address comes from their household, or is
    asked for (and always when ordering for a family member)."""
    data = request.POST if request.method == "POST" else None
    form, station, stations, own = _request_form(request, data)
    if request.method == "POST" and form.is_valid():
        try:
            service_request = request_submit(
                station=station,
                data=form.request_input(station=station, own=own),
                channel=form.channel(),
                actor=request.user,
                requester=request.user,
            )
        except ValidationError as error:
            form.attach_errors(error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已收到您的需求，工作人员会尽快处理。"))
            return redirect("assistance:detail", pk=service_request.pk)
    return render(
        request,
        "assistance/new.html",
        {"form": form, "station": station, "stations": stations, "own": own},
        status=422 if form.errors else 200,
    )


# --- 我的点单 --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestCard:
    service_request: ServiceRequest
    sentence: str
    contact: bool = False
    description: str = ""


def _cards(rows: Any, *, contact_for: Any = None, own: bool = False) -> list[RequestCard]:
    """Each request with its state in plain words. `contact_for`: the user for whom the phone and
    address are shown where the gate allows it, on the requests in hand (accepted or in service),
    never on their history; `own`: the reader posted these requests."""
    rows = list(rows)
    standings = access.standings_of(contact_for, rows) if contact_for is not None else {}
    cards = []
    for service_request in rows:
        contact = (
            service_request.pk in standings
            and service_request.status in ASSIGNED_STATES
            and standings[service_request.pk].sees_contact
        )
        cards.append(
            RequestCard(
                service_request,
                str(SENTENCES[RequestStatus(service_request.status)]),
                contact,
                access.visible_description(service_request, contact or own),
            )
        )
    return cards


@require_safe
@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """The requests this account posted, newest first, each with what happens next. The home
    page loads the latest few (`?part=recent`) into the resident's card."""
    rows = (
        access.requests_for_user(request.user)
        .filter(requester_id=request.user.pk)
        .select_related(*CARD_RELATIONS)
        .order_by("-submitted_at", "-id")
    )
    if request.GET.get("part") == "recent":
        return render(
            request, "assistance/mine.html#recent", {"cards": _cards(rows[:RECENT], own=True)}
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assistance/mine.html",
        {
            "page": page,
            "cards": _cards(page, own=True),
            "can_submit": access.submit_stations(request.user).exists(),
        },
    )


# --- 我的任务 --------------------------------------------------------------------------------------


def _takeable(volunteer: Any) -> QuerySet[ServiceRequest]:
    """Urgent first, then the longest waiting."""
    return (
        access.takeable_requests(volunteer)
        .select_related(*CARD_RELATIONS)
        .annotate(
            urgent_first=Case(
                When(urgency=Urgency.URGENT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("urgent_first", "submitted_at", "id")
    )


def _taken(volunteer: Any) -> QuerySet[ServiceRequest]:
    """The volunteer's requests: those in hand first, then the rest, latest first."""
    return (
        ServiceRequest.objects.filter(volunteer=volunteer)
        .select_related(*CARD_RELATIONS, "resident")
        .annotate(
            in_hand_first=Case(
                When(status__in=ASSIGNED_STATES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("in_hand_first", "-accepted_at", "-id")
    )


@require_safe
@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """可接的单 (no phone or address: those come with accepting) and 我的任务 (the contact shown
    only while the request is in hand), for an active volunteer. The home page loads the two
    counts (`?part=summary`). Someone neither volunteer nor holding the role gets 403."""
    volunteer = access.active_volunteer_of(request.user)
    if volunteer is None and not has_role(request.user, Role.VOLUNTEER):
        raise PermissionDenied("volunteer")
    # A volunteer account whose record is not (or no longer) active sees why it has no tasks.
    takeable = _takeable(volunteer) if volunteer else ServiceRequest.objects.none()
    taken = _taken(volunteer) if volunteer else ServiceRequest.objects.none()
    counts = {
        "takeable_count": takeable.count(),
        "in_hand_count": taken.filter(status__in=ASSIGNED_STATES).count(),
    }
    if request.GET.get("part") == "summary":
        return render(request, "assistance/tasks.html#summary", counts)
    tab = "mine" if request.GET.get("tab") == "mine" else "takeable"
    rows = taken if tab == "mine" else takeable
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "inactive": volunteer is None,
        "tab": tab,
        "page": page,
        "cards": _cards(page, contact_for=request.user if tab == "mine" else None),
        **counts,
    }
    return render(request, "assistance/tasks.html", context)
