"""取餐窗口: the canteen operator's phone or tablet at the counter.

Scan the elder's card (a scanner or the camera types its text into the field) or search by name,
pinyin or phone → the person's meals of today appear → serve in one tap; a walk-in is ordered
and served in one step. Beside it, today's board: ordered, served and to deliver, by meal,
refreshed every 30 seconds and after every serve.

The pages answer htmx with the person's panel (`counter.html#person`); without htmx they redirect
back to the counter with a message. Every write is `order_serve` or `order_walk_in`; serving an
order twice is refused by the action (the row is locked), whoever taps.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from linli.canteen import access
from linli.canteen.actions import order_serve, order_walk_in
from linli.canteen.forms import CardForm, SearchForm, WalkInForm
from linli.canteen.models import Meal, MealOrder, Menu, OrderStatus
from linli.canteen.queries import board, current_meal, find_residents
from linli.canteen.tiers import tier_for
from linli.core.errors import DomainError
from linli.org.models import Station
from linli.people.card import resident_from_card
from linli.people.models import Resident

TEMPLATE = "canteen/counter.html"


def _station(request: HttpRequest) -> Station:
    if not access.can_run_any(request.user):
        raise PermissionDenied("counter")
    code = request.POST.get("station") or request.GET.get("station")
    return access.get_run_station(request.user, code)


def _resident(station: Station, pk: Any) -> Resident:
    """A living resident of the counter's station (404 for anyone else)."""
    resident = (
        Resident.objects.filter(pk=pk, station=station, status=Resident.Status.LIVING)
        .select_related("household__building__estate")
        .first()
    )
    if resident is None:
        raise Http404("resident")
    return resident


def person_context(station: Station, resident: Resident, **extra: Any) -> dict[str, Any]:
    """Today's meals of one person: each meal's menu and their order, what a walk-in would
    cost them, and which meal the counter is serving now."""
    today = timezone.localdate()
    menus = {menu.meal: menu for menu in Menu.objects.filter(station=station, date=today)}
    orders = {
        order.meal: order
        for order in MealOrder.objects.filter(resident=resident, date=today)
        .exclude(status=OrderStatus.CANCELLED)
        .select_related("tier", "delivery")
    }
    now_meal = current_meal()
    tier, age = tier_for(resident, on=today)
    meals = [
        {"code": code, "label": label, "menu": menus.get(code), "order": orders.get(code)}
        for code, label in Meal.choices
    ]
    return {
        "station": station,
        "resident": resident,
        "age": age,
        "tier": tier,
        "meals": meals,
        "now_meal": now_meal,
        **extra,
    }


def _panel(
    request: HttpRequest, station: Station, resident: Resident, *, wrote: bool = False, **extra: Any
) -> HttpResponse:
    """The person's panel; after a write (served, walked in, refused) the board is told to
    refresh. A look-up does not refresh it: a refresh it started could still be in flight when
    the serve that follows asks for one, and htmx drops a request on an element that has one
    in flight, leaving the board a serve behind until its next 30-second poll."""
    response = render(request, f"{TEMPLATE}#person", person_context(station, resident, **extra))
    if wrote:
        response["HX-Trigger"] = "canteen-board"
    return response


@require_safe
@login_required
def counter(request: HttpRequest) -> HttpResponse:
    station = _station(request)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "station": station,
        "stations": list(access.run_stations(request.user).order_by("code")),
        "board": board(station, today),
        "today": today,
        "card_form": CardForm(),
        "search_form": SearchForm(),
    }
    if request.GET.get("part") == "board":
        return render(request, f"{TEMPLATE}#board", context)
    resident_id = request.GET.get("resident")
    if resident_id and resident_id.isdigit() and len(resident_id) < 19:
        context.update(person_context(station, _resident(station, resident_id)))
    return render(request, TEMPLATE, context)


@require_safe
@login_required
def counter_find(request: HttpRequest) -> HttpResponse:
    """A scanned card opens the person's panel; typed words list the people they match."""
    station = _station(request)
    card = CardForm(request.GET)
    if "card" in request.GET:
        error = ""
        resident = None
        if not card.is_valid():
            error = _("请扫描居民卡上的二维码。")
        else:
            try:
                resident = resident_from_card(card.cleaned_data["card"])
            except DomainError as refused:
                error = refused.message
        if resident is not None and (
            resident.station_id != station.pk or resident.status != Resident.Status.LIVING
        ):
            resident, error = None, _("这张卡不是本站在住居民的居民卡。")
        if not request.htmx:  # type: ignore[attr-defined]
            if resident is None:
                messages.error(request, error)
                return redirect(f"{reverse('canteen:counter')}?station={station.code}")
            return redirect(
                f"{reverse('canteen:counter')}?station={station.code}&resident={resident.pk}"
            )
        if resident is None:
            return render(request, f"{TEMPLATE}#person", {"station": station, "error": error})
        return _panel(request, station, resident)
    search = SearchForm(request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    return render(
        request,
        f"{TEMPLATE}#found",
        {"station": station, "found": find_residents(station, q), "q": q, "searched": bool(q)},
    )


@require_safe
@login_required
def counter_person(request: HttpRequest, resident_id: int) -> HttpResponse:
    station = _station(request)
    return _panel(request, station, _resident(station, resident_id))


def _answer(
    request: HttpRequest, station: Station, resident: Resident, *, done: str = "", error: str = ""
) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return _panel(request, station, resident, wrote=True, done=done, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(f"{reverse('canteen:counter')}?resident={resident.pk}")


@require_POST
@login_required
def counter_serve(request: HttpRequest, order_id: int) -> HttpResponse:
    """取餐, one tap. A second tap (or a colleague's) is refused by the action."""
    station = _station(request)
    order = access.get_order_for_user(request.user, order_id)
    if order.station_id != station.pk:
        raise Http404("meal_order")
    try:
        served = order_serve(order=order, actor=request.user)
    except DomainError as error:
        return _answer(request, station, order.resident, error=error.message)
    return _answer(
        request,
        station,
        order.resident,
        done=_("%(name)s 已取餐：%(meal)s，应付 %(payable)s 元。")
        % {
            "name": order.resident.name,
            "meal": served.get_meal_display(),
            "payable": served.payable,
        },
    )


@require_POST
@login_required
def counter_walk_in(request: HttpRequest) -> HttpResponse:
    """现场点餐: ordered and served in one step, for today's meal chosen."""
    station = _station(request)
    form = WalkInForm(request.POST)
    if not form.is_valid():
        raise BadRequest("walk_in")
    resident = _resident(station, form.cleaned_data["resident"])
    menu = Menu.objects.filter(
        station=station, date=timezone.localdate(), meal=form.cleaned_data["meal"]
    ).first()
    if menu is None:
        return _answer(request, station, resident, error=_("今天没有这一餐的菜单。"))
    try:
        order = order_walk_in(
            menu=menu, resident=resident, actor=request.user, mode=form.cleaned_data["mode"]
        )
    except (DomainError, ValidationError) as error:
        message = error.message if isinstance(error, DomainError) else " ".join(error.messages)
        return _answer(request, station, resident, error=message)
    return _answer(
        request,
        station,
        resident,
        done=_("%(name)s 现场点餐并已取餐：%(meal)s，应付 %(payable)s 元。")
        % {"name": resident.name, "meal": order.get_meal_display(), "payable": order.payable},
    )
