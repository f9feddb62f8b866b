"""今日订餐: the canteen's list of a day's orders (filters by meal and state, with serve and
cancel), and 电话订餐: an order taken on the phone for anyone of the station.

The list is for those who read the canteen (supervisors only read); its query count does not
grow with its rows. Serving and cancelling go through the actions, which ask the gate again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.canteen import access
from linli.canteen.actions import order_place, order_serve
from linli.canteen.forms import PhoneOrderForm, SearchForm
from linli.canteen.models import Meal, MealOrder, Menu, OrderChannel, OrderStatus
from linli.canteen.queries import board, find_residents
from linli.canteen.views.common import back_to, parse_day, tell_refusal
from linli.core.errors import DomainError
from linli.people.models import Resident

PAGE_SIZE = 50


@require_safe
@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    if not access.can_read_any(request.user):
        raise PermissionDenied("orders")
    station = access.get_read_station(request.user, request.GET.get("station"))
    day = parse_day(request.GET.get("date")) or timezone.localdate()
    meal = request.GET.get("meal") if request.GET.get("meal") in Meal.values else ""
    status = request.GET.get("status") if request.GET.get("status") in OrderStatus.values else ""
    orders = (
        MealOrder.objects.filter(station=station, date=day)
        .select_related("resident", "tier", "delivery__volunteer__person")
        .order_by("meal", "resident__name_pinyin", "id")
    )
    if meal:
        orders = orders.filter(meal=meal)
    if status:
        orders = orders.filter(status=status)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "canteen/orders.html",
        {
            "station": station,
            "stations": list(access.read_stations(request.user).order_by("path", "code")),
            "day": day,
            "meal": meal,
            "status": status,
            "meals": Meal.choices,
            "statuses": OrderStatus.choices,
            "board": board(station, day),
            "page": page,
            "runs": access.runs_station(request.user, station),
            "today": timezone.localdate(),
        },
    )


@require_POST
@login_required
def order_serve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """取餐 from the list (the counter has its own one-tap page)."""
    order = access.get_order_for_user(request.user, pk)
    try:
        order_serve(order=order, actor=request.user)
    except DomainError as error:
        tell_refusal(request, error)
    else:
        messages.success(request, _("%(name)s 已取餐。") % {"name": order.resident.name})
    return redirect(back_to(request, reverse("canteen:orders")))


def _resident(user: Any, pk: Any) -> Resident | None:
    if not pk or not str(pk).isdigit() or len(str(pk)) > 18:
        return None
    resident = access.orderable_resident(user, pk)
    return resident if access.ordering_channel(user, resident) == "phone" else None


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def phone_order(request: HttpRequest) -> HttpResponse:
    """电话订餐: the canteen orders a meal for a resident of the station, by phone (the cut-off
    does not bind the canteen; the meal's day does)."""
    station = access.get_run_station(
        request.user, request.POST.get("station") or request.GET.get("station")
    )
    resident = _resident(request.user, request.POST.get("resident") or request.GET.get("resident"))
    if resident is not None and resident.station_id != station.pk:
        resident = None
    form = PhoneOrderForm(
        request.POST if request.method == "POST" else None,
        initial={"resident": resident.pk if resident else None, "date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        if resident is None:
            form.add_error("resident", _("请先在取餐窗口查找并选择居民。"))
        else:
            data = form.cleaned_data
            menu = Menu.objects.filter(
                station=station, date=data["date"], meal=data["meal"]
            ).first()
            if menu is None:
                form.add_error("date", _("这一天的这一餐还没有菜单。"))
            else:
                try:
                    order = order_place(
                        menu=menu,
                        resident=resident,
                        mode=data["mode"],
                        channel=OrderChannel.PHONE,
                        actor=request.user,
                        note=data["note"],
                    )
                except ValidationError as error:
                    form.attach_errors(error)
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(
                        request,
                        _("已为%(name)s订好 %(date)s 的%(meal)s，应付 %(payable)s 元。")
                        % {
                            "name": resident.name,
                            "date": f"{order.date:%m-%d}",
                            "meal": order.get_meal_display(),
                            "payable": order.payable,
                        },
                    )
                    return redirect(
                        f"{reverse('canteen:orders')}?station={station.code}"
                        f"&date={order.date:%Y-%m-%d}"
                    )
    search = SearchForm(request.GET)
    q = search.cleaned_data["q"] if resident is None and search.is_valid() else ""
    return render(
        request,
        "canteen/phone_order.html",
        {
            "station": station,
            "resident": resident,
            "form": form,
            "q": q,
            "found": find_residents(station, q) if q else [],
        },
        status=422 if form.errors else 200,
    )
