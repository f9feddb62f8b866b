"""Menus and subsidy tiers (SPEC §7.2): `GET|POST /api/v1/canteen/menus`, `GET /canteen/tiers`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from linli.canteen import access
from linli.canteen.actions import MenuInput, menu_save
from linli.canteen.api.output import ERRORS, caller, menu_out, page, tier_out
from linli.canteen.models import Menu, OrderStatus, SubsidyTier
from linli.canteen.schemas import MealMenuOut, MealMenuQuery, MenuIn, MenuPage, TierPage, TierQuery

router = Router(tags=["canteen"])


def _with_counts(menus: QuerySet[Menu]) -> QuerySet[Menu]:
    return menus.annotate(
        live_orders=Count("orders", filter=~Q(orders__status=OrderStatus.CANCELLED))
    )


@router.get(
    "/menus", response={200: MenuPage, **ERRORS}, summary="Menus of the caller's stations, by day"
)
def menu_list(request: HttpRequest, filters: Query[MealMenuQuery]) -> dict[str, Any]:
    """Residents read their station's menus to order; the counts of orders are for those who
    run or read the canteen. Oldest first; default from today on."""
    user = caller(request)
    menus = access.menus_for_user(user).select_related("station")
    if filters.station:
        menus = menus.filter(station__code=filters.station)
    if filters.date:
        menus = menus.filter(date=filters.date)
    else:
        menus = menus.filter(date__gte=filters.date_from or timezone.localdate())
        if filters.date_to:
            menus = menus.filter(date__lte=filters.date_to)
    if filters.meal:
        menus = menus.filter(meal=filters.meal)
    readable = set(access.read_stations(user).values_list("pk", flat=True))
    now = timezone.now()
    return page(
        _with_counts(menus).order_by("date", "meal", "station__code"),
        limit=filters.limit,
        offset=filters.offset,
        shape=lambda rows: [
            menu_out(
                menu, orders=menu.live_orders if menu.station_id in readable else None, now=now
            )
            for menu in rows
        ],
    )


@router.post(
    "/menus",
    response={201: MealMenuOut, 200: MealMenuOut, **ERRORS},
    summary="Save a meal's menu (201 new, 200 changed); the canteen operator and station staff",
)
def menu_create(request: HttpRequest, payload: MenuIn) -> Any:
    user = caller(request)
    if not access.can_run_any(user):
        raise PermissionDenied("menu")
    station = access.get_run_station(user, payload.station, one=True)
    menu, created = menu_save(
        station=station,
        data=MenuInput(
            date=payload.date,
            meal=payload.meal,
            dishes=list(payload.dishes),
            price=payload.price,
            notes=list(payload.notes),
            cutoff_at=payload.cutoff_at,
        ),
        actor=user,
    )
    counted = _with_counts(Menu.objects.select_related("station").filter(pk=menu.pk)).get()
    orders = counted.live_orders  # type: ignore[attr-defined]
    return Status(201 if created else 200, menu_out(counted, orders=orders))


@router.get(
    "/tiers", response={200: TierPage, **ERRORS}, summary="Subsidy tiers of the caller's stations"
)
def tier_list(request: HttpRequest, filters: Query[TierQuery]) -> dict[str, Any]:
    """Every tier, past and future included, newest first; `current=true` keeps the ones in
    effect on `on` (default today)."""
    on = filters.on or timezone.localdate()
    tiers: QuerySet[SubsidyTier] = access.tiers_for_user(caller(request)).select_related(
        "station", "funder"
    )
    if filters.station:
        tiers = tiers.filter(station__code=filters.station)
    if filters.current:
        tiers = tiers.filter(effective_from__lte=on).filter(
            Q(effective_until__isnull=True) | Q(effective_until__gte=on)
        )
    ordered = tiers.order_by("station__code", "-effective_from", "min_age", "tag", "id")
    return page(
        ordered,
        limit=filters.limit,
        offset=filters.offset,
        shape=lambda rows: [tier_out(tier, on=on) for tier in rows],
    )
