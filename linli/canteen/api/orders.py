"""Meal orders (SPEC §7.2): `POST /api/v1/canteen/orders` → `{id, status: "ordered", price, subsidy,
payable, tier}`, `GET /orders`, `GET /orders/{id}`, `POST /orders/{id}/serve` (again: 409),
`POST /orders/{id}/cancel`.

Reach follows canteen.access: an order or resident outside it answers 404; one the caller sees
but may not act on, 403; a move the state or the clock forbids, 409. Every write calls the
actions the pages call.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from linli.canteen import access
from linli.canteen.actions import order_cancel, order_place, order_serve, order_walk_in
from linli.canteen.api.output import ERRORS, caller, order_out, page, reload_order
from linli.canteen.models import Menu, OrderChannel
from linli.canteen.schemas import OrderCancelIn, OrderIn, OrderOut, OrderPage, OrderQuery, PathId
from linli.core.errors import DomainError

router = Router(tags=["canteen"])


@router.post(
    "/orders",
    response={201: OrderOut, **ERRORS},
    summary="订餐: for oneself or one's household (residents), or for anyone of the station by "
    "phone or at the counter (the canteen)",
)
def order_create(request: HttpRequest, payload: OrderIn) -> Any:
    """The answer carries the price, subsidy, payable amount and tier the order fixed. A
    `counter` order is a walk-in: ordered and served at once (status `served`)."""
    user = caller(request)
    resident = access.orderable_resident(user, payload.resident)
    allowed = access.ordering_channel(user, resident)
    channel: str
    if allowed == "phone":
        channel = payload.channel or OrderChannel.PHONE
    elif payload.channel is not None:
        raise PermissionDenied("channel")
    else:
        channel = str(allowed)
    menu = Menu.objects.filter(
        station_id=resident.station_id, date=payload.date, meal=payload.meal
    ).first()
    if menu is None:
        raise DomainError("no_menu", _("这一天的这一餐还没有菜单。"), status=409)
    if channel == OrderChannel.COUNTER:
        order = order_walk_in(menu=menu, resident=resident, actor=user, mode=payload.mode)
    else:
        order = order_place(
            menu=menu,
            resident=resident,
            mode=payload.mode,
            channel=channel,
            actor=user,
            note=payload.note,
        )
    return Status(201, order_out(reload_order(order)))


@router.get("/orders", response={200: OrderPage, **ERRORS}, summary="Orders the caller may see")
def order_list(request: HttpRequest, filters: Query[OrderQuery]) -> dict[str, Any]:
    """Newest meal first. Staff and the operator: their stations'; a resident: their own and
    their household's."""
    orders = access.orders_for_user(caller(request)).select_related(*access.ORDER_RELATED)
    if filters.station:
        orders = orders.filter(station__code=filters.station)
    if filters.date:
        orders = orders.filter(date=filters.date)
    if filters.meal:
        orders = orders.filter(meal=filters.meal)
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.resident:
        orders = orders.filter(resident_id=filters.resident)
    return page(
        orders.order_by("-date", "meal", "-id"),
        limit=filters.limit,
        offset=filters.offset,
        shape=lambda rows: [order_out(order) for order in rows],
    )


@router.get("/orders/{order_id}", response={200: OrderOut, **ERRORS}, summary="One order")
def order_detail(request: HttpRequest, order_id: PathId) -> Any:
    return order_out(access.get_order_for_user(caller(request), order_id))


@router.post(
    "/orders/{order_id}/serve",
    response={200: OrderOut, **ERRORS},
    summary="取餐 (the canteen): served once; a second serve is 409 `already_served`",
)
def order_serve_endpoint(request: HttpRequest, order_id: PathId) -> Any:
    user = caller(request)
    order = access.get_order_for_user(user, order_id)
    order_serve(order=order, actor=user)
    return order_out(reload_order(order))


@router.post(
    "/orders/{order_id}/cancel",
    response={200: OrderOut, **ERRORS},
    summary="退订: before the cut-off (the canteen also after it, with a reason)",
)
def order_cancel_endpoint(
    request: HttpRequest, order_id: PathId, payload: OrderCancelIn | None = None
) -> Any:
    user = caller(request)
    order = access.get_order_for_user(user, order_id)
    order_cancel(order=order, actor=user, reason=payload.reason if payload else "")
    return order_out(reload_order(order))
