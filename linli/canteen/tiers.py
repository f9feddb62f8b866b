"""Which subsidy tier a meal gets, and what it costs: one pure rule, used by every order (pages,
API, counter) and by the demo's history.

A tier applies to a person on a meal's date when the date is inside its effective dates, the
person's age on that date is inside its age band (both ends included: on their 70th birthday
an elder is 70), and they carry its registry tag, if it names one. Of the tiers that apply the
highest amount wins, never two together; equal amounts go to the tier defined first. The subsidy
never exceeds the price, so a subsidised meal never pays the elder back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from linli.canteen.models import FEN, SubsidyTier, yuan
from linli.org.models import Station
from linli.people.models import Resident, ResidentTag


def age_on(birth_date: date, on: date) -> int:
    """Whole years on `on` (a birthday counts on the day; 29 February on 1 March)."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def tier_applies(tier: SubsidyTier, *, age: int, tags: Iterable[str], on: date) -> bool:
    if not tier.in_effect(on):
        return False
    if tier.min_age is not None and age < tier.min_age:
        return False
    if tier.max_age is not None and age > tier.max_age:
        return False
    return not tier.tag or tier.tag in set(tags)


def choose_tier(
    tiers: Iterable[SubsidyTier], *, age: int, tags: Iterable[str], on: date
) -> SubsidyTier | None:
    """The highest single tier that applies, or None."""
    tags = frozenset(tags)
    best: SubsidyTier | None = None
    for tier in sorted(tiers, key=lambda candidate: candidate.pk or 0):
        if not tier_applies(tier, age=age, tags=tags, on=on):
            continue
        if best is None or tier.amount > best.amount:
            best = tier
    return best


@dataclass(frozen=True)
class Quote:
    """What one meal costs one person: fixed on the order when it is placed."""

    price: Decimal
    subsidy: Decimal
    payable: Decimal
    tier: SubsidyTier | None
    age: int


def quote(price: Decimal, tier: SubsidyTier | None, age: int) -> Quote:
    price = yuan(price)
    subsidy = min(yuan(tier.amount), price) if tier is not None else Decimal("0.00")
    if subsidy <= 0:
        tier, subsidy = None, Decimal("0.00")
    return Quote(price, subsidy, (price - subsidy).quantize(FEN), tier, age)


def station_tiers(station: Station | int) -> QuerySet[SubsidyTier]:
    station_id = station if isinstance(station, int) else station.pk
    return SubsidyTier.objects.filter(station_id=station_id).select_related("funder")


def tier_for(resident: Resident, *, on: date) -> tuple[SubsidyTier | None, int]:
    """The tier `resident` gets for a meal on `on`, and their age that day, from the station's
    tiers and the person's registry tags as they are now (two queries)."""
    tags = ResidentTag.objects.filter(resident=resident).values_list("tag", flat=True)
    age = age_on(resident.birth_date, on)
    return choose_tier(station_tiers(resident.station_id), age=age, tags=list(tags), on=on), age


def quote_for(resident: Resident, *, price: Decimal, on: date) -> Quote:
    """The quote for `resident` on `on` at `price` (see `tier_for`)."""
    tier, age = tier_for(resident, on=on)
    return quote(price, tier, age)
