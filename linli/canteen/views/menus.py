"""每周菜单: the canteen operator's plan of the week — seven days of breakfast, lunch and dinner,
each with its dishes, price, nutrition notes, cut-off and how many have ordered and collected;
one meal edited in place (htmx), and last week copied forward in one step.

Those who run the canteen edit (`access.run_stations`); supervisors read. Saving goes through
`menu_save`, copying through `menus_copy_week`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.canteen import access
from linli.canteen.actions import menu_save, menus_copy_week
from linli.canteen.actions.menus import default_cutoff, week_of
from linli.canteen.forms import MenuForm, WeekForm
from linli.canteen.models import Meal, Menu
from linli.canteen.queries import week_plan, with_order_counts
from linli.canteen.views.common import parse_day
from linli.core.errors import DomainError
from linli.org.models import Station

TEMPLATE = "canteen/menus.html"


def _station(request: HttpRequest, *, write: bool = False) -> Station:
    code = request.POST.get("station") or request.GET.get("station")
    if write:
        return access.get_run_station(request.user, code)
    return access.get_read_station(request.user, code)


def _url(station: Station, monday: Any) -> str:
    return f"{reverse('canteen:menus')}?station={station.code}&week={monday:%Y-%m-%d}"


@require_safe
@login_required
def week(request: HttpRequest) -> HttpResponse:
    station = _station(request)
    today = timezone.localdate()
    form = WeekForm(request.GET)
    chosen = form.cleaned_data.get("week") if form.is_valid() else None
    monday = week_of(chosen or today)
    return render(
        request,
        TEMPLATE,
        {
            "station": station,
            "stations": list(access.read_stations(request.user).order_by("path", "code")),
            "days": week_plan(station, monday, today),
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "can_edit": access.runs_station(request.user, station),
            "today": today,
        },
    )


def _cell(
    request: HttpRequest, station: Station, menu: Menu | None, day: Any, meal: str
) -> HttpResponse:
    if menu is not None:
        menu = with_order_counts(Menu.objects.filter(pk=menu.pk)).get()
    return render(
        request,
        f"{TEMPLATE}#cell",
        {
            "station": station,
            "menu": menu,
            "day": day,
            "code": meal,
            "label": Meal(meal).label,
            "can_edit": True,
            "past": False,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit(request: HttpRequest) -> HttpResponse:
    """One meal's form in its cell (GET), saved in place (POST)."""
    station = _station(request, write=True)
    if request.method == "POST":
        form = MenuForm(request.POST)
        if form.is_valid():
            try:
                menu, _created = menu_save(
                    station=station, data=form.menu_input(), actor=request.user
                )
            except ValidationError as error:
                form.attach_errors(error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if request.htmx:  # type: ignore[attr-defined]
                    return _cell(request, station, menu, menu.date, menu.meal)
                messages.success(request, _("菜单已保存。"))
                return redirect(_url(station, week_of(menu.date)))
        day, meal = form.data.get("date"), form.data.get("meal")
        status = 422
    else:
        day, meal = request.GET.get("date"), request.GET.get("meal")
        status = 200
        form = None
    parsed = parse_day(day)
    if parsed is None or meal not in Meal.values:
        raise BadRequest("menu")
    if form is None:
        saved = Menu.objects.filter(station=station, date=parsed, meal=meal).first()
        form = MenuForm(
            initial={
                "date": parsed,
                "meal": meal,
                "dishes": "\n".join(saved.dishes) if saved else "",
                "price": saved.price if saved else None,
                "notes": saved.notes if saved else [],
                "cutoff_at": timezone.localtime(
                    saved.cutoff_at if saved else default_cutoff(parsed, meal)
                ),
            }
        )
    return render(
        request,
        f"{TEMPLATE}#editor",
        {"station": station, "form": form, "day": parsed, "code": meal, "label": Meal(meal).label},
        status=status,
    )


@require_POST
@login_required
def copy_week(request: HttpRequest) -> HttpResponse:
    """上周菜单复制到本周, in one step."""
    station = _station(request, write=True)
    form = WeekForm(request.POST)
    monday = form.cleaned_data.get("week") if form.is_valid() else None
    if monday is None:
        messages.error(request, _("请选择要复制到的那一周。"))
        return redirect(reverse("canteen:menus"))
    try:
        created = menus_copy_week(station=station, week=monday, actor=request.user)
    except (DomainError, ValidationError) as error:
        messages.error(
            request,
            error.message if isinstance(error, DomainError) else " ".join(error.messages),
        )
    else:
        if created:
            messages.success(
                request, _("已从上周复制 %(count)d 份菜单，可再逐餐调整。") % {"count": created}
            )
        else:
            messages.info(request, _("上周没有可复制的菜单，或本周这些餐都已有菜单。"))
    return redirect(_url(station, week_of(monday)))
