"""Every change to a meal order: place it, serve it, cancel it, or order and serve a walk-in.

Each action asks the one gate (`canteen.access`), locks the order row where two hands may meet
(two taps on 取餐, a cancel against a serve), checks the move against ORDER_TRANSITIONS, saves
only what it changed and writes an audit row. The order fixes price, subsidy, payable amount,
tier and funder when it is placed (`tiers.quote_for`); nothing changes them afterwards. `actor`
None is the system itself (the demo); `at` lets the demo lay down a day as it happened.

The rules: one order per person per meal slot (a database constraint backs the check, so two
simultaneous orders cannot both pass); residents order and cancel until the menu's cut-off,
the canteen takes phone orders until the day is over and walk-ins on the day; a delivery order
needs a registered address and becomes a delivery task; nothing changes in a closed month.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.canteen import access
from linli.canteen.actions.base import (
    clean_text,
    local_now,
    lock_order,
    move_delivery,
    move_order,
    refuse_closed_month,
    stored_user,
)
from linli.canteen.models import (
    DeliveryStatus,
    DeliveryTask,
    MealOrder,
    Menu,
    Mode,
    OrderChannel,
    OrderStatus,
)
from linli.canteen.tiers import quote_for
from linli.core.errors import DomainError
from linli.core.messages import Message, choice
from linli.notifications.actions import notify
from linli.people.models import Resident

# Channels for people ordering for themselves or their household: the cut-off binds them.
RESIDENT_CHANNELS = frozenset({OrderChannel.SELF, OrderChannel.FAMILY})


def _already_ordered(resident: Resident, menu: Menu) -> DomainError:
    return DomainError(
        "already_ordered",
        _("%(name)s 已经订了 %(date)s 的%(meal)s，每人每餐只能订一份。")
        % {"name": resident.name, "date": f"{menu.date:%m-%d}", "meal": menu.get_meal_display()},
        status=409,
    )


def _check_channel(actor: Any, resident: Resident, channel: str) -> None:
    """The channel must be one the actor may use for this resident (access.ordering_channel)."""
    if channel not in OrderChannel.values:
        raise ValidationError({"channel": [_("订餐渠道无效。")]})
    if actor is None:
        return
    allowed = access.ordering_channel(actor, resident)
    if allowed is None:
        raise PermissionDenied("order")
    staff = allowed == "phone"
    if staff != (channel in {OrderChannel.PHONE, OrderChannel.COUNTER}):
        raise PermissionDenied("channel")
    if not staff and channel != allowed:
        raise PermissionDenied("channel")


@transaction.atomic
def order_place(
    *,
    menu: Menu,
    resident: Resident,
    mode: str,
    channel: str,
    actor: Any,
    note: str = "",
    at: datetime | None = None,
) -> MealOrder:
    """A meal of `menu` for `resident`, in state ordered, at the price, subsidy and tier of the
    moment (the highest single tier the person meets on the meal's date).

    Refused: a meal of a day gone; after the cut-off for residents (the canteen may still take
    it on the day); a walk-in for another day; a second order of the same person and slot; a
    delivery without a registered address; a closed month.
    """
    now = local_now(at)
    today = timezone.localdate(now)
    if mode not in Mode.values:
        raise ValidationError({"mode": [_("用餐方式只能是堂食、自取或送餐上门。")]})
    if resident.station_id != menu.station_id or resident.status != Resident.Status.LIVING:
        raise ValidationError({"resident": [_("只能为本站在住的居民订餐。")]})
    _check_channel(actor, resident, channel)
    note = clean_text(note, field="note", max_length=100)
    if menu.date < today:
        raise DomainError("meal_past", _("这一餐已经过去了，不能再订。"), status=409)
    if channel == OrderChannel.COUNTER and menu.date != today:
        raise DomainError("not_today", _("窗口现场只能点当天的餐。"), status=409)
    if channel in RESIDENT_CHANNELS and now > menu.cutoff_at:
        raise DomainError(
            "past_cutoff",
            _("这一餐的订餐已于 %(time)s 截止，如需用餐请联系食堂。")
            % {"time": timezone.localtime(menu.cutoff_at).strftime("%m-%d %H:%M")},
            status=409,
        )
    refuse_closed_month(menu.station_id, menu.date)
    address = ""
    if mode == Mode.DELIVERY:
        household = (
            Resident.objects.filter(pk=resident.pk)
            .select_related("household__building__estate")
            .get()
            .household
        )
        if household is None:
            raise ValidationError({"mode": [_("登记地址后才能送餐上门，请改为堂食或自取。")]})
        address = str(household)
    taken = MealOrder.objects.filter(resident=resident, date=menu.date, meal=menu.meal).exclude(
        status=OrderStatus.CANCELLED
    )
    if taken.exists():
        raise _already_ordered(resident, menu)
    priced = quote_for(resident, price=menu.price, on=menu.date)
    try:
        with transaction.atomic():
            order = MealOrder.objects.create(
                station_id=menu.station_id,
                menu=menu,
                resident=resident,
                date=menu.date,
                meal=menu.meal,
                mode=mode,
                channel=channel,
                price=priced.price,
                subsidy=priced.subsidy,
                payable=priced.payable,
                tier=priced.tier,
                funder=priced.tier.funder if priced.tier is not None else None,
                age=priced.age,
                note=note,
                delivery_address=address,
                ordered_by=stored_user(actor),
                ordered_at=now,
            )
    except IntegrityError:
        # Another order for the same person and slot committed between the check and here.
        raise _already_ordered(resident, menu) from None
    if mode == Mode.DELIVERY:
        DeliveryTask.objects.create(order=order, station_id=order.station_id, created_at=now)
    audit_record(
        actor=actor,
        action="meal_order.ordered",
        target=order,
        station=menu.station,
        after={
            "resident": resident.pk,
            "mode": mode,
            "channel": channel,
            "price": str(order.price),
            "subsidy": str(order.subsidy),
            "payable": str(order.payable),
            "tier": order.tier_id,
        },
    )
    return order


@transaction.atomic
def order_serve(*, order: MealOrder, actor: Any, at: datetime | None = None) -> MealOrder:
    """取餐: the counter hands the meal over. The row is locked, so of two taps on one order the
    first serves it and the second finds it served (409 `already_served`).

    A delivery order is served when its delivery is made (`delivery_complete`), not here; an
    order for a later day cannot be served yet.
    """
    now = local_now(at)
    locked = lock_order(order)
    access.authorize_order(actor, locked, "serve")
    if locked.status == OrderStatus.SERVED:
        raise DomainError(
            "already_served",
            _("这份餐已于 %(time)s 取过了。")
            % {"time": timezone.localtime(locked.served_at).strftime("%H:%M")}
            if locked.served_at
            else _("这份餐已经取过了。"),
            status=409,
        )
    if locked.mode == Mode.DELIVERY and locked.status == OrderStatus.ORDERED:
        raise DomainError(
            "delivery_order", _("送餐上门的订单在送达时确认，请到送餐任务中处理。"), status=409
        )
    if locked.status == OrderStatus.ORDERED and locked.date > timezone.localdate(now):
        raise DomainError("not_today", _("还没到这一餐的日子。"), status=409)
    refuse_closed_month(locked.station_id, locked.date)
    locked.served_at = now
    locked.served_by = stored_user(actor)
    move_order(locked, OrderStatus.SERVED, actor=actor, fields=["served_at", "served_by"])
    return locked


def _tell_cancelled(order: MealOrder, actor: Any) -> None:
    """The resident who placed the order (for themselves or their household) hears when someone
    else cancels it."""
    orderer = order.ordered_by
    if order.channel not in RESIDENT_CHANNELS or orderer is None:
        return
    if stored_user(actor) is not None and orderer.pk == actor.pk:
        return
    notify(
        users=[orderer],
        kind="canteen.order_cancelled",
        title=Message(
            "canteen.order_cancelled",
            {"date": f"{order.date:%m-%d}", "meal": choice(order, "meal")},
        ),
        body=order.cancel_reason,
        url=reverse("canteen:order"),
        station=order.station,
    )


@transaction.atomic
def order_cancel(
    *, order: MealOrder, actor: Any, reason: str = "", at: datetime | None = None
) -> MealOrder:
    """退订: before the menu's cut-off, by the person, their household or the canteen. After the
    cut-off only the canteen may cancel, with a reason (the meal may already be cooked). A
    delivery order's task is cancelled with it."""
    now = local_now(at)
    locked = lock_order(order)
    access.authorize_order(actor, locked, "cancel")
    reason = clean_text(reason, field="reason", max_length=200)
    if locked.status != OrderStatus.ORDERED:
        move_order(locked, OrderStatus.CANCELLED, actor=actor, fields=[])  # raises 409
    if now > locked.menu.cutoff_at:
        runs = actor is None or access.runs_station(actor, locked.station_id)
        if not runs:
            raise DomainError(
                "past_cutoff", _("已过订餐截止时间，不能再退订，请联系食堂。"), status=409
            )
        if not reason:
            raise ValidationError({"reason": [_("已过截止时间，取消须填写原因。")]})
    refuse_closed_month(locked.station_id, locked.date)
    locked.cancelled_at = now
    locked.cancelled_by = stored_user(actor)
    locked.cancel_reason = reason
    move_order(
        locked,
        OrderStatus.CANCELLED,
        actor=actor,
        fields=["cancelled_at", "cancelled_by", "cancel_reason"],
        note=reason,
    )
    task = DeliveryTask.objects.select_for_update(of=("self",)).filter(order=locked).first()
    if task is not None and task.status in {DeliveryStatus.OPEN, DeliveryStatus.TAKEN}:
        move_delivery(
            task, DeliveryStatus.CANCELLED, actor=actor, station=locked.station, fields=[]
        )
    _tell_cancelled(locked, actor)
    return locked


@transaction.atomic
def order_walk_in(
    *,
    menu: Menu,
    resident: Resident,
    actor: Any,
    mode: str = Mode.DINE_IN,
    at: datetime | None = None,
) -> MealOrder:
    """现场点餐: at the counter, a meal of today ordered and served in one step (dine in or take
    away; a walk-in is never delivered)."""
    if mode == Mode.DELIVERY:
        raise ValidationError({"mode": [_("现场点餐只能堂食或自取。")]})
    order = order_place(
        menu=menu, resident=resident, mode=mode, channel=OrderChannel.COUNTER, actor=actor, at=at
    )
    return order_serve(order=order, actor=actor, at=at)
