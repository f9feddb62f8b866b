"""Served time: from check-in to check-out, travel excluded, capped at the activity's span, rounded."""

from datetime import datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.conf import settings

RULES = {
    # (step, rounding): floor to the half hour is the station's default (SPEC §3: time served).
    "floor_half": (Decimal("0.5"), ROUND_FLOOR),
    "nearest_half": (Decimal("0.5"), ROUND_HALF_UP),
    "tenth": (Decimal("0.1"), ROUND_HALF_UP),
}


def round_hours(hours: Decimal, rule: str | None = None) -> Decimal:
    step, rounding = RULES[rule or settings.HOURS_ROUNDING]
    steps = (hours / step).quantize(Decimal(1), rounding=rounding)
    return (steps * step).quantize(Decimal("0.01"))


def served_hours(
    *,
    checked_in_at: datetime,
    checked_out_at: datetime,
    starts_at: datetime,
    ends_at: datetime,
    rule: str | None = None,
) -> Decimal:
    """Hours inside [starts_at, ends_at] between check-in and check-out, rounded; never negative."""
    begin = max(checked_in_at, starts_at)
    end = min(checked_out_at, ends_at)
    if end <= begin:
        return Decimal("0.00")
    return round_hours(Decimal((end - begin).total_seconds()) / Decimal(3600), rule)
