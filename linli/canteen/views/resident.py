"""预订助餐: the elder's (or a relative's) phone page, in large type. The week's menus with what
each meal costs each person of the household after their subsidy, one tap to order a meal in
one of three ways, and the household's orders with 退订 until the cut-off.

Who may order for whom is `access.family_of` (the account's own person record and the members
of its household); every order and cancel goes through the actions.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.accounts.access import has_role
from linli.accounts.models import Role
from linli.canteen import access
from linli.canteen.actions import order_cancel, order_place
from linli.canteen.forms import CancelForm, OrderForm
from linli.canteen.models import Menu
from linli.canteen.queries import household_orders, upcoming_offers
from linli.canteen.tiers import age_on
from linli.canteen.views.common import back_to, tell_refusal
from linli.core.errors import DomainError
from linli.people.models import Resident

HISTORY = 20
ELDER_AGE = 60


def _chosen(people: list[Resident], wanted: str | None, today: date) -> Resident | None:
    """The person the page orders for: the one asked for, else the household's eldest who is
    60 or over (the elder a relative orders for), else the account's own person."""
    if not people:
        return None
    by_id = {str(person.pk): person for person in people}
    if wanted in by_id:
        return by_id[wanted]
    elders = [person for person in people if age_on(person.birth_date, today) >= ELDER_AGE]
    return min(elders, key=lambda person: person.birth_date) if elders else people[0]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def order_page(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.RESIDENT):
        raise PermissionDenied("order")
    people = access.family_of(request.user)
    if request.method == "POST":
        if not people:
            raise PermissionDenied("order")
        form = OrderForm(request.POST, people=people)
        if form.is_valid():
            person = next(p for p in people if p.pk == form.cleaned_data["person"])
            menu = Menu.objects.filter(
                pk=form.cleaned_data["menu"], station_id=person.station_id
            ).first()
            if menu is None:
                messages.error(request, _("没有这一餐的菜单。"))
                return redirect("canteen:order")
            channel = "self" if person.pk == people[0].pk else "family"
            try:
                order = order_place(
                    menu=menu,
                    resident=person,
                    mode=form.cleaned_data["mode"],
                    channel=channel,
                    actor=request.user,
                )
            except (DomainError, ValidationError) as error:
                tell_refusal(request, error)
            else:
                messages.success(
                    request,
                    _("已为%(name)s订好 %(date)s 的%(meal)s（%(mode)s），应付 %(payable)s 元。")
                    % {
                        "name": person.name,
                        "date": f"{order.date:%m-%d}",
                        "meal": order.get_meal_display(),
                        "mode": order.get_mode_display(),
                        "payable": order.payable,
                    },
                )
        else:
            messages.error(request, _("请选择要订的餐和用餐方式。"))
        person_id = request.POST.get("person", "")
        return redirect(
            f"{reverse('canteen:order')}?person={person_id}#day-{request.POST.get('day', '')}"
        )
    today = timezone.localdate()
    chosen = _chosen(people, request.GET.get("person"), today)
    return render(
        request,
        "canteen/order.html",
        {
            "people": people,
            "chosen": chosen,
            "days": upcoming_offers([chosen]) if chosen else [],
            "orders": list(household_orders(people, today=today)[:HISTORY]) if people else [],
            "today": today,
            "tomorrow": today + timedelta(days=1),
            "now": timezone.now(),
        },
    )


@require_POST
@login_required
def order_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """退订, from the resident's page or the canteen's lists (404 if out of reach)."""
    order = access.get_order_for_user(request.user, pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, _("取消原因不能超过 200 个字。"))
    else:
        try:
            order_cancel(order=order, actor=request.user, reason=reason)
        except (DomainError, ValidationError) as error:
            tell_refusal(request, error)
        else:
            messages.success(
                request,
                _("已退订 %(date)s 的%(meal)s。")
                % {"date": f"{order.date:%m-%d}", "meal": order.get_meal_display()},
            )
    return redirect(back_to(request, reverse("canteen:order")))
