"""What the incentives API answers: entries, items, redemptions and honours as the caller may
see them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from linli.accounts.schemas import ErrorOut
from linli.incentives.models import Honour, Nomination, Redemption, ShopItem
from linli.ledger.models import LedgerEntry

ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def page(rows: QuerySet[Any], filters: Any, shape: Callable[[Any], Any]) -> dict[str, Any]:
    """`{"items": [...], "count": N}` of the slice `filters` (limit, offset) asks for: two
    queries whatever the total."""
    chosen: Iterable[Any] = rows[filters.offset : filters.offset + filters.limit]
    return {"items": [shape(row) for row in chosen], "count": rows.count()}


def entry_out(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "date": entry.served_on,
        "kind": entry.kind,
        "kind_label": str(entry.get_kind_display()),
        "amount": float(entry.amount),
        "description": entry.description,
        "created_at": entry.created_at,
    }


def item_out(item: ShopItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "station": item.station.code,
        "name": item.name,
        "unit": item.unit,
        "points": item.points,
        "stock": item.stock,
        "active": item.active,
        "photo_url": reverse("api-v1:shop_item_photo", args=[item.pk]) if item.photo else "",
    }


def redemption_out(redemption: Redemption, *, user: Any, show_code: bool = False) -> dict[str, Any]:
    own = redemption.volunteer.user_id == getattr(user, "pk", None)
    return {
        "id": redemption.pk,
        "item": redemption.item_id,
        "item_name": redemption.item.name,
        "volunteer": redemption.volunteer_id,
        "quantity": redemption.quantity,
        "points": redemption.points,
        "status": redemption.status,
        "pickup_code": redemption.pickup_code if (own or show_code) else None,
        "reserved_at": redemption.reserved_at,
        "expires_at": redemption.expires_at,
        "handed_over_at": redemption.handed_over_at,
    }


def honour_out(honour: Honour) -> dict[str, Any]:
    return {
        "id": honour.pk,
        "station": honour.station.code,
        "title": honour.title,
        "year": honour.year,
        "kind": honour.kind,
        "granted_by": honour.granted_by,
        "status": honour.status,
        "notice_starts_at": honour.notice_starts_at,
        "notice_ends_at": honour.notice_ends_at,
        "awarded_on": honour.awarded_on,
        "nominations": [nomination_out(nomination) for nomination in honour.nominations.all()],
    }


def nomination_out(nomination: Nomination) -> dict[str, Any]:
    return {
        "id": nomination.pk,
        "name": nomination.display_name,
        "volunteer": nomination.volunteer_id,
        "team": nomination.team_id,
        "household": nomination.household_id,
        "reason": nomination.reason,
        "status": nomination.status,
    }
