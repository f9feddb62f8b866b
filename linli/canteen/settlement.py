"""The monthly settlement (月度结算) per funder and per tier, computed from rows.

An open month is the sum of its served orders (each with the price, subsidy and payable amount it
was placed with) plus the corrections booked into it; a closed month is what it was closed with
(`SettlementMonth` and its lines), which equals those rows because nothing in a closed month
changes again. Sums are taken in Python over the rows' Decimals, to the fen, so SQLite (which
keeps decimals as floating point) and PostgreSQL give the same figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from linli.canteen.models import (
    MealOrder,
    OrderStatus,
    SettlementAdjustment,
    SettlementMonth,
    SubsidyTier,
)
from linli.org.models import Station

ZERO = Decimal("0.00")
MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def parse_month(text: str) -> date | None:
    """`2026-05` → 2026-05-01, or None for anything else (years 2000–2100)."""
    match = MONTH.match(text or "")
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


def month_ended(month: date, today: date | None = None) -> bool:
    return next_month(month) <= (today or timezone.localdate())


@dataclass
class Line:
    """Meals and amounts of one funder and tier (funder None: meals without a subsidy)."""

    funder_id: int | None
    funder: str
    tier_id: int | None
    tier: str
    meals: int = 0
    price: Decimal = ZERO
    subsidy: Decimal = ZERO
    payable: Decimal = ZERO

    def add(self, meals: int, price: Decimal, subsidy: Decimal, payable: Decimal) -> None:
        self.meals += meals
        self.price += price
        self.subsidy += subsidy
        self.payable += payable


@dataclass
class FunderTotal:
    funder_id: int | None
    funder: str
    meals: int = 0
    price: Decimal = ZERO
    subsidy: Decimal = ZERO
    payable: Decimal = ZERO
    tiers: list[Line] = field(default_factory=list)


@dataclass
class Settlement:
    station: Station
    month: date
    lines: list[Line]
    adjustments: list[SettlementAdjustment]
    closed: SettlementMonth | None

    @property
    def meals(self) -> int:
        return sum(line.meals for line in self.lines)

    @property
    def price_total(self) -> Decimal:
        return sum((line.price for line in self.lines), ZERO)

    @property
    def subsidy_total(self) -> Decimal:
        return sum((line.subsidy for line in self.lines), ZERO)

    @property
    def payable_total(self) -> Decimal:
        return sum((line.payable for line in self.lines), ZERO)

    @property
    def by_funder(self) -> list[FunderTotal]:
        """Each funder with its tiers; meals without a subsidy last, as funder None."""
        totals: dict[int | None, FunderTotal] = {}
        for line in self.lines:
            total = totals.setdefault(line.funder_id, FunderTotal(line.funder_id, line.funder))
            total.meals += line.meals
            total.price += line.price
            total.subsidy += line.subsidy
            total.payable += line.payable
            total.tiers.append(line)
        return sorted(totals.values(), key=lambda total: (total.funder_id is None, total.funder))

    def funder(self, funder_id: int) -> FunderTotal | None:
        return next((total for total in self.by_funder if total.funder_id == funder_id), None)


def served_in(station: Station | int, month: date) -> QuerySet[MealOrder]:
    """The served orders of a month: the rows a settlement is the sum of."""
    station_id = station if isinstance(station, int) else station.pk
    return MealOrder.objects.filter(
        station_id=station_id,
        status=OrderStatus.SERVED,
        date__gte=month,
        date__lt=next_month(month),
    )


def _sorted(lines: Iterable[Line], order: dict[int, int]) -> list[Line]:
    """By funder name, then the tiers as the station lists them, meals without subsidy last."""
    return sorted(
        lines,
        key=lambda line: (
            line.funder_id is None,
            line.funder,
            order.get(line.tier_id or 0, 1 << 30),
            line.tier,
        ),
    )


def figures_from_rows(station: Station, month: date) -> list[Line]:
    """The month's lines as the rows add up now: served orders plus corrections booked into it."""
    lines: dict[tuple[int | None, int | None], Line] = {}
    rows = served_in(station, month).values_list(
        "funder_id", "funder__name", "tier_id", "tier__name", "price", "subsidy", "payable"
    )
    for funder_id, funder, tier_id, tier, price, subsidy, payable in rows.iterator(chunk_size=2000):
        line = lines.get((funder_id, tier_id))
        if line is None:
            line = lines[(funder_id, tier_id)] = Line(funder_id, funder or "", tier_id, tier or "")
        line.add(1, price, subsidy, payable)
    for adjustment in SettlementAdjustment.objects.filter(
        station=station, month=month
    ).select_related("funder", "tier"):
        key = (adjustment.funder_id, adjustment.tier_id)
        line = lines.get(key)
        if line is None:
            line = lines[key] = Line(
                adjustment.funder_id,
                adjustment.funder.name if adjustment.funder else "",
                adjustment.tier_id,
                adjustment.tier.name if adjustment.tier else "",
            )
        line.add(adjustment.meals, adjustment.price, adjustment.subsidy, adjustment.payable)
    return _sorted(lines.values(), _tier_order(station))


def _tier_order(station: Station) -> dict[int, int]:
    tiers = SubsidyTier.objects.filter(station=station).order_by("min_age", "tag", "effective_from")
    return {pk: index for index, pk in enumerate(tiers.values_list("pk", flat=True))}


def settlement_of(station: Station, month: date) -> Settlement:
    """The month as closed, if it is; else as its rows add up now."""
    closed = (
        SettlementMonth.objects.filter(station=station, month=month)
        .prefetch_related("lines")
        .first()
    )
    adjustments = list(
        SettlementAdjustment.objects.filter(station=station, month=month)
        .select_related("funder", "tier", "created_by")
        .order_by("id")
    )
    if closed is None:
        lines = figures_from_rows(station, month)
    else:
        lines = _sorted(
            (
                Line(
                    row.funder_id,
                    row.funder_name,
                    row.tier_id,
                    row.tier_name,
                    row.meals,
                    row.price_total,
                    row.subsidy_total,
                    row.payable_total,
                )
                for row in closed.lines.all()
            ),
            _tier_order(station),
        )
    return Settlement(station, month, lines, adjustments, closed)
