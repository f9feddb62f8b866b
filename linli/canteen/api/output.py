"""What the canteen API answers: a menu, a tier, an order, a delivery as the caller may see it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from linli.accounts.schemas import ErrorOut
from linli.canteen import access
from linli.canteen.models import DeliveryTask, MealOrder, Menu, SubsidyTier
from linli.core.masking import mask_name

ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def page(
    rows: QuerySet[Any], *, limit: int, offset: int, shape: Callable[[list[Any]], list[Any]]
) -> dict[str, Any]:
    """`{"items": [...], "count": N}` of one slice of `rows`: two queries whatever the total
    (`shape` turns the slice's rows into answers, reading what it needs in bulk)."""
    return {"items": shape(list(rows[offset : offset + limit])), "count": rows.count()}


def menu_out(menu: Menu, *, orders: int | None = None, now: Any = None) -> dict[str, Any]:
    now = now or timezone.now()
    return {
        "id": menu.pk,
        "station": menu.station.code,
        "date": menu.date,
        "meal": menu.meal,
        "meal_label": str(menu.get_meal_display()),
        "dishes": list(menu.dishes),
        "price": menu.price,
        "notes": list(menu.notes),
        "cutoff_at": menu.cutoff_at,
        "open_for_orders": now <= menu.cutoff_at,
        "orders": orders,
    }


def tier_out(tier: SubsidyTier, *, on: Any) -> dict[str, Any]:
    return {
        "id": tier.pk,
        "station": tier.station.code,
        "name": tier.name,
        "funder": {"id": tier.funder_id, "name": tier.funder.name},
        "amount": tier.amount,
        "min_age": tier.min_age,
        "max_age": tier.max_age,
        "tag": tier.tag,
        "effective_from": tier.effective_from,
        "effective_until": tier.effective_until,
        "in_effect": tier.in_effect(on),
    }


def _delivery_ref(order: MealOrder) -> dict[str, Any] | None:
    task = getattr(order, "delivery", None) if order.mode == "delivery" else None
    if task is None:
        return None
    volunteer = task.volunteer
    return {
        "id": task.pk,
        "status": task.status,
        "volunteer": None
        if volunteer is None
        else {"id": volunteer.pk, "name": volunteer.person.name},
    }


def order_out(order: MealOrder) -> dict[str, Any]:
    tier = order.tier
    return {
        "id": order.pk,
        "station": order.station.code,
        "status": order.status,
        "status_label": str(order.get_status_display()),
        "resident": {"id": order.resident_id, "name": order.resident.name},
        "date": order.date,
        "meal": order.meal,
        "mode": order.mode,
        "channel": order.channel,
        "price": order.price,
        "subsidy": order.subsidy,
        "payable": order.payable,
        "tier": None
        if tier is None
        else {
            "id": tier.pk,
            "name": tier.name,
            "funder": order.funder.name if order.funder else "",
            "amount": tier.amount,
        },
        "note": order.note,
        "ordered_at": order.ordered_at,
        "served_at": order.served_at,
        "cancelled_at": order.cancelled_at,
        "delivery": _delivery_ref(order),
    }


def reload_order(order: MealOrder) -> MealOrder:
    """The order as it is now, after an action; the caller was let through the gate before."""
    return MealOrder.objects.select_related(*access.ORDER_RELATED).get(pk=order.pk)


def delivery_out(task: DeliveryTask, standing: access.DeliveryStanding) -> dict[str, Any]:
    order = task.order
    resident = order.resident
    household = resident.household
    contact = standing.sees_contact
    volunteer = task.volunteer
    return {
        "id": task.pk,
        "station": task.station.code,
        "status": task.status,
        "status_label": str(task.get_status_display()),
        "date": order.date,
        "meal": order.meal,
        "estate": household.building.estate.name if household is not None else "",
        "name": resident.name if contact else mask_name(resident.name),
        "address": order.delivery_address if contact else None,
        "phone": resident.phone if contact else None,
        "volunteer": None
        if volunteer is None
        else {"id": volunteer.pk, "name": volunteer.person.name},
        "taken_at": task.taken_at,
        "delivered_at": task.delivered_at,
    }
