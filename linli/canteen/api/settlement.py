"""The monthly settlement (SPEC §7.2): `GET /api/v1/canteen/settlement?month=YYYY-MM` →
`{month, meals, price_total, subsidy_total, payable_total, by_funder: [{funder, meals, subsidy}]}`,
with the tiers, the corrections booked into the month and whether it is closed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from linli.canteen import access
from linli.canteen.api.output import ERRORS, caller
from linli.canteen.schemas import SettlementOut, SettlementQuery
from linli.canteen.settlement import Settlement, parse_month, settlement_of

router = Router(tags=["canteen"])


def settlement_out(settlement: Settlement) -> dict[str, Any]:
    return {
        "station": settlement.station.code,
        "month": f"{settlement.month:%Y-%m}",
        "meals": settlement.meals,
        "price_total": settlement.price_total,
        "subsidy_total": settlement.subsidy_total,
        "payable_total": settlement.payable_total,
        "by_funder": [
            {
                "funder": total.funder or None,
                "funder_id": total.funder_id,
                "meals": total.meals,
                "price": total.price,
                "subsidy": total.subsidy,
                "payable": total.payable,
            }
            for total in settlement.by_funder
        ],
        "by_tier": [
            {
                "funder": line.funder or None,
                "tier": line.tier or None,
                "tier_id": line.tier_id,
                "meals": line.meals,
                "price": line.price,
                "subsidy": line.subsidy,
                "payable": line.payable,
            }
            for line in settlement.lines
        ],
        "adjustments": [
            {
                "id": adjustment.pk,
                "corrects_month": f"{adjustment.corrects_month:%Y-%m}",
                "funder": adjustment.funder.name if adjustment.funder else None,
                "tier": adjustment.tier.name if adjustment.tier else None,
                "meals": adjustment.meals,
                "price": adjustment.price,
                "subsidy": adjustment.subsidy,
                "payable": adjustment.payable,
                "reason": adjustment.reason,
            }
            for adjustment in settlement.adjustments
        ],
        "closed": settlement.closed is not None,
        "closed_at": settlement.closed.closed_at if settlement.closed else None,
    }


@router.get(
    "/settlement",
    response={200: SettlementOut, **ERRORS},
    summary="A month's settlement per funder and tier, to the fen (staff, operator, supervisor)",
)
def settlement_detail(request: HttpRequest, filters: Query[SettlementQuery]) -> Any:
    """`station` is needed when the caller reads several canteens."""
    user = caller(request)
    if not access.can_read_any(user):
        raise PermissionDenied("settlement")
    month = parse_month(filters.month)
    if month is None:
        raise ValidationError({"month": [_("月份请写成 2026-05 这样。")]})
    station = access.get_read_station(user, filters.station, one=True)
    return settlement_out(settlement_of(station, month))
