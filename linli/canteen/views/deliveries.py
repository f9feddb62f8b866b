"""送餐任务: for a volunteer, the delivery tasks open at their station (可接) and their own
(我的送餐), with the elder's door and phone once taken; for the canteen, the day's tasks of the
station, where staff can confirm a delivery or deliver themselves.

The list is `access.deliveries_for_user`; each task's standing (`access.delivery_standings`) is
read in bulk and decides what is shown and offered. Writes go through the delivery actions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from linli.canteen import access
from linli.canteen.actions import delivery_complete, delivery_release, delivery_take
from linli.canteen.models import DeliveryStatus
from linli.canteen.views.common import back_to, parse_day, tell_refusal
from linli.core.errors import DomainError
from linli.volunteers.access import active_volunteer_of

RECENT_DAYS = 30
ACTIONS: dict[str, Callable[..., Any]] = {
    "take": delivery_take,
    "release": delivery_release,
    "deliver": delivery_complete,
}
DONE = {
    "take": gettext_lazy("已接单，请按时取餐送达。"),
    "release": gettext_lazy("已退回，其他志愿者可以接这一单。"),
    "deliver": gettext_lazy("已送达，谢谢您！"),
}


@require_safe
@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    if not access.can_deliver(request.user):
        raise PermissionDenied("deliveries")
    volunteer = active_volunteer_of(request.user)
    runs = access.can_run_any(request.user)
    tabs = [
        tab for tab, shown in (("open", volunteer), ("mine", volunteer), ("station", runs)) if shown
    ]
    if not tabs:  # a volunteer whose record is pending or suspended
        return render(request, "canteen/deliveries.html", {"inactive": True, "tabs": []})
    tab = request.GET.get("tab") if request.GET.get("tab") in tabs else tabs[0]
    today = timezone.localdate()
    day = parse_day(request.GET.get("date")) or today
    tasks = access.deliveries_for_user(request.user).select_related(*access.DELIVERY_RELATED)
    if tab == "open":
        tasks = tasks.filter(
            status=DeliveryStatus.OPEN,
            order__date__gte=today,
            station_id=volunteer.station_id,  # type: ignore[union-attr]
        ).order_by("order__date", "order__meal", "id")
    elif tab == "mine":
        tasks = tasks.filter(
            volunteer=volunteer, order__date__gte=today - timedelta(days=RECENT_DAYS)
        ).order_by("status", "-order__date", "order__meal", "id")
    else:
        stations = access.run_stations(request.user)
        tasks = tasks.filter(station__in=stations, order__date=day).order_by(
            "order__meal", "status", "id"
        )
    rows = list(tasks[:200])
    standings = access.delivery_standings(request.user, rows)
    return render(
        request,
        "canteen/deliveries.html",
        {
            "tab": tab,
            "tabs": tabs,
            "cards": [(task, standings[task.pk]) for task in rows],
            "volunteer": volunteer,
            "day": day,
            "today": today,
        },
    )


@require_POST
@login_required
def delivery_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("action")
    task = access.get_delivery_for_user(request.user, pk)
    try:
        ACTIONS[action](task=task, actor=request.user)
    except DomainError as error:
        tell_refusal(request, error)
    else:
        messages.success(request, str(DONE[action]))
    return redirect(back_to(request, reverse("canteen:deliveries")))
