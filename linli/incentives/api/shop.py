"""爱心超市 (SPEC §7.2): `GET|POST /api/v1/shop/items` `{name, points, stock}`,
`POST /shop/items/{id}/stock` `{quantity, reason}`, `POST /shop/redemptions` `{item, quantity,
volunteer?}` → `{id, status: "reserved", pickup_code, points}` (short of stock or points: 409),
`POST /shop/redemptions/{id}/handover` `{pickup_code}`, `POST /shop/redemptions/{id}/cancel`;
`GET /shop/redemptions[/{id}]`, and staff's point rules at `GET|PATCH /shop/rules`.

Reach follows incentives.access: outside it 404; seen but not allowed 403; refused by state,
stock, points or code 409. Every write calls the actions the pages call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from linli.accounts.schemas import ErrorOut
from linli.core.schemas import PageQuery
from linli.incentives import access
from linli.incentives.actions.points import point_rule_save
from linli.incentives.actions.shop import (
    redemption_cancel,
    redemption_hand_over,
    redemption_reserve,
    shop_item_create,
    stock_move,
)
from linli.incentives.api.output import ERRORS, caller, item_out, page, redemption_out
from linli.incentives.models import Redemption
from linli.incentives.photos import item_photo_response
from linli.incentives.rules import rule_for
from linli.incentives.schemas import (
    HandoverIn,
    ItemIn,
    ItemOut,
    ItemPage,
    PathId,
    RedeemIn,
    RedemptionCancelIn,
    RedemptionOut,
    RedemptionPage,
    RulesIn,
    RulesOut,
    StationQuery,
    StockIn,
    StockOut,
)

router = Router(tags=["爱心超市"])


class ItemQuery(PageQuery, StationQuery):
    pass


@router.get("/items", response={200: ItemPage, **ERRORS}, summary="The goods the caller sees")
def item_list(request: HttpRequest, filters: Query[ItemQuery]) -> dict[str, Any]:
    items = access.items_for_user(caller(request)).select_related("station").order_by("name", "id")
    if filters.station:
        items = items.filter(station__code=filters.station)
    return page(items, filters, item_out)


@router.post("/items", response={201: ItemOut, **ERRORS}, summary="Put goods on the shelf (staff)")
def item_create(request: HttpRequest, payload: ItemIn) -> Any:
    user = caller(request)
    station = access.get_run_station(user, payload.station)
    item = shop_item_create(
        station=station,
        name=payload.name,
        points=payload.points,
        stock=payload.stock,
        unit=payload.unit,
        actor=user,
    )
    return Status(201, item_out(item))


@router.get("/items/{item_id}", response={200: ItemOut, **ERRORS}, summary="One item")
def item_detail(request: HttpRequest, item_id: PathId) -> Any:
    return item_out(access.get_item_for_user(caller(request), item_id))


@router.get(
    "/items/{item_id}/photo",
    response={200: None, 404: ErrorOut},
    url_name="shop_item_photo",
    summary="The item's photo (for whoever sees the item)",
    openapi_extra={"responses": {200: {"content": {"image/*": {}}, "description": "The photo"}}},
)
def item_photo(request: HttpRequest, item_id: PathId) -> Any:
    return item_photo_response(access.get_item_for_user(caller(request), item_id))


@router.post(
    "/items/{item_id}/stock",
    response={201: StockOut, **ERRORS},
    summary="入库 / 出库 / 报损 with a reason (staff); more out than in stock: 409",
)
def item_stock(request: HttpRequest, item_id: PathId, payload: StockIn) -> Any:
    user = caller(request)
    item = access.get_item_for_user(user, item_id, write=True)
    move = stock_move(
        item=item, quantity=payload.quantity, reason=payload.reason, kind=payload.kind, actor=user
    )
    return Status(
        201,
        {
            "id": move.pk,
            "item": item.pk,
            "kind": move.kind,
            "quantity": move.quantity,
            "reason": move.reason,
            "stock": move.item.stock,
        },
    )


@router.get(
    "/redemptions",
    response={200: RedemptionPage, **ERRORS},
    summary="Redemptions: a volunteer's own; staff their stations'",
)
def redemption_list(request: HttpRequest, filters: Query[PageQuery]) -> dict[str, Any]:
    user = caller(request)
    rows = access.redemptions_for_user(user).select_related(*access.REDEMPTION_RELATED)
    return page(rows, filters, lambda row: redemption_out(row, user=user))


@router.post(
    "/redemptions",
    response={201: RedemptionOut, **ERRORS},
    summary="兑换: reserve goods and points at once, with a 6-digit pick-up code",
)
def redemption_create(request: HttpRequest, payload: RedeemIn) -> Any:
    user = caller(request)
    volunteer = access.redeemer_for(user, payload.volunteer)
    item = access.get_item_for_user(user, payload.item)
    redemption = redemption_reserve(
        item=item, volunteer=volunteer, quantity=payload.quantity, actor=user
    )
    return Status(201, redemption_out(redemption, user=user, show_code=True))


@router.get("/redemptions/{redemption_id}", response={200: RedemptionOut, **ERRORS}, summary="One")
def redemption_detail(request: HttpRequest, redemption_id: PathId) -> Any:
    user = caller(request)
    return redemption_out(access.get_redemption_for_user(user, redemption_id), user=user)


@router.post(
    "/redemptions/{redemption_id}/handover",
    response={200: RedemptionOut, **ERRORS},
    summary="领取: staff hand over after checking the code (wrong code: 409 `wrong_code`)",
)
def redemption_handover(request: HttpRequest, redemption_id: PathId, payload: HandoverIn) -> Any:
    return _step(
        request,
        redemption_id,
        "hand_over",
        lambda redemption, user: redemption_hand_over(
            redemption=redemption, pickup_code=payload.pickup_code, actor=user
        ),
    )


@router.post(
    "/redemptions/{redemption_id}/cancel",
    response={200: RedemptionOut, **ERRORS},
    summary="取消: the volunteer or staff; the points and the stock return",
)
def redemption_cancel_endpoint(
    request: HttpRequest, redemption_id: PathId, payload: RedemptionCancelIn | None = None
) -> Any:
    reason = (payload.reason if payload else "").strip() or "本人取消"
    return _step(
        request,
        redemption_id,
        "cancel",
        lambda redemption, user: redemption_cancel(
            redemption=redemption, reason=reason, actor=user
        ),
    )


def _step(
    request: HttpRequest,
    redemption_id: int,
    action: str,
    perform: Callable[[Redemption, Any], Redemption],
) -> dict[str, Any]:
    """One step of a redemption: found within reach (else 404), allowed by the one table of
    who may do what (else 403), done by its action (refused by state or code: 409)."""
    user = caller(request)
    redemption = access.get_redemption_for_user(user, redemption_id)
    access.authorize_redemption(user, redemption, action)
    return redemption_out(perform(redemption, user), user=user)


def _rules_out(rule: Any, code: str) -> dict[str, Any]:
    return {
        "station": code,
        "points_per_hour": float(rule.points_per_hour),
        "well_rated_points": float(rule.well_rated_points),
        "recruit_points": float(rule.recruit_points),
        "no_show_points": float(rule.no_show_points),
    }


@router.get("/rules", response={200: RulesOut, **ERRORS}, summary="积分规则 of a station (staff)")
def rules_read(request: HttpRequest, filters: Query[StationQuery]) -> Any:
    station = access.get_run_station(caller(request), filters.station)
    return _rules_out(rule_for(station.pk), station.code)


@router.patch("/rules", response={200: RulesOut, **ERRORS}, summary="Change the point rules")
def rules_update(request: HttpRequest, payload: RulesIn, filters: Query[StationQuery]) -> Any:
    user = caller(request)
    station = access.get_run_station(user, filters.station)
    values = {name: value for name, value in payload.dict().items() if value is not None}
    rule = point_rule_save(station=station, values=values, actor=user)
    return _rules_out(rule, station.code)
