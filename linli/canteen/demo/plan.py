"""Planning the canteen's history in memory: every day's menus and who ate, from a fixed seed.

Each day and meal is drawn from its own random stream (`seed:day:meal`), so a day's plan does not
depend on the days before it: the same community gives the same history on every run, and a year
can be written (or found written) on its own. Ages are taken on each meal's day, so an elder
joins the canteen's regulars the day they turn 60.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

from linli.canteen.demo.tables import (
    BREAKFAST,
    CANCEL_REASONS,
    CANCELLED,
    CANTEEN_DELIVERS,
    COMPANIONS,
    DELIVERERS,
    DINERS,
    DINNER,
    HOMEBOUND,
    LUNCH,
    MEAL_TIMES,
    NO_SHOW,
    OPENED,
    PRICES,
    RANDOM_SEED,
    REGULARS,
    SERVED_FROM,
    WEEKDAYS,
)
from linli.canteen.tiers import age_on

GROWTH_END = date(2026, 12, 31)
MEALS = ("breakfast", "lunch", "dinner")
SERVED, CANCELLED_STATE, WAITING = "served", "cancelled", "ordered"


@dataclass(frozen=True)
class Diner:
    pk: int
    birth_date: date
    tags: frozenset[str]
    household_id: int


@dataclass(frozen=True)
class Deliverer:
    pk: int  # the volunteer
    user_id: int
    since: date  # registered


@dataclass(frozen=True)
class PlannedMenu:
    day: date
    meal: str
    dishes: list[str]
    price: Decimal
    notes: list[str]


@dataclass(frozen=True)
class PlannedOrder:
    day: date
    meal: str
    resident: int
    mode: str
    channel: str  # phone, counter, self, family
    state: str  # served, cancelled, ordered (never collected)
    ordered_at: datetime
    served_at: datetime | None = None
    cancelled_at: datetime | None = None
    reason: str = ""
    deliverer: Deliverer | None = None  # None on a delivery: the canteen's own staff
    taken_at: datetime | None = None


@dataclass
class CanteenPlan:
    menus: list[PlannedMenu] = field(default_factory=list)
    orders: list[PlannedOrder] = field(default_factory=list)

    def years(self) -> list[int]:
        return sorted({menu.day.year for menu in self.menus})


@cache
def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local(day: date, moment: time, minutes: int = 0) -> datetime:
    """The station's wall-clock time on `day` (aware), `minutes` later."""
    return datetime.combine(day, moment, tzinfo=_zone()) + timedelta(minutes=minutes)


def closed_for_spring_festival(day: date) -> bool:
    try:
        holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return False
    return bool(holiday and name == chinese_calendar.Holiday.spring_festival.value)


def turns_sixty(birth_date: date) -> date:
    try:
        return birth_date.replace(year=birth_date.year + 60)
    except ValueError:  # born on 29 February
        return date(birth_date.year + 60, 3, 1)


def price_on(meal: str, day: date) -> Decimal:
    return [price for since, price in PRICES[meal] if since <= day][-1]


def serves(meal: str, day: date) -> bool:
    return day >= SERVED_FROM[meal] and day.weekday() in WEEKDAYS[meal]


def menu_of(meal: str, day: date) -> PlannedMenu:
    rng = random.Random(f"{RANDOM_SEED}:menu:{day}:{meal}")  # noqa: S311 - demo data
    if meal == "breakfast":
        dishes = [
            rng.choice(BREAKFAST["staple"]),
            *rng.sample(BREAKFAST["main"], 2),
            rng.choice(BREAKFAST["side"]),
        ]
        notes = ["low_sugar"] if "粥" in dishes[0] else []
    elif meal == "lunch":
        dishes = [
            *rng.sample(LUNCH["meat"], 2),
            *rng.sample(LUNCH["vegetable"], 2),
            rng.choice(LUNCH["soup"]),
            "米饭",
        ]
        notes = ["low_salt", *(["soft"] if "蒸" in "".join(dishes) or rng.random() < 0.3 else [])]
    else:
        dishes = [
            rng.choice(DINNER["staple"]),
            rng.choice(DINNER["meat"]),
            rng.choice(DINNER["vegetable"]),
        ]
        notes = ["low_salt", "soft"]
    return PlannedMenu(day, meal, dishes, price_on(meal, day), notes)  # fmt: skip


class CanteenPlanner:
    """The canteen's days from OPENED to the day before `today`.

    `diners`: the station's residents with a household; `account`: the demo resident's household
    (their orders are placed on her phone, for herself and her husband); `deliverers`: the
    volunteers who take turns bringing lunches home.
    """

    def __init__(
        self,
        diners: list[Diner],
        deliverers: list[Deliverer],
        *,
        account: list[int],
        today: date,
    ) -> None:
        self.today = today
        self.deliverers = deliverers[:DELIVERERS]
        self.account = account
        rng = random.Random(f"{RANDOM_SEED}:regulars")  # noqa: S311 - demo data
        elders = [d for d in diners if age_on(d.birth_date, today) >= 60]
        homebound_pool = [
            d
            for d in elders
            if ({"living_alone", "disabled"} & d.tags)
            and age_on(d.birth_date, today) >= 75
            and d.pk not in account
        ]
        self.homebound = rng.sample(homebound_pool, min(HOMEBOUND, len(homebound_pool)))
        at_home = {d.pk for d in self.homebound}
        pool = [d for d in elders if d.pk not in at_home and d.pk not in account]
        by_pk = {d.pk: d for d in diners}
        chosen = rng.sample(pool, min(REGULARS, len(pool))) + [
            by_pk[pk] for pk in account if pk in by_pk
        ]
        self.regulars = [(d, rng.choice([0.3, 0.6, 1.0, 2.0, 4.0])) for d in chosen]
        households = {d.household_id for d, _weight in self.regulars}
        # Younger members of the regulars' households, grown up: they come along now and then.
        self.companions = [
            d
            for d in diners
            if d.household_id in households and 18 <= age_on(d.birth_date, today) < 60
        ]
        # Before their 60th birthday a regular is not yet one of the canteen's elders.
        self.sixty = {d.pk: turns_sixty(d.birth_date) for d, _weight in self.regulars}

    def days(self) -> Iterator[date]:
        day = OPENED
        while day < self.today:
            if not closed_for_spring_festival(day):
                yield day
            day += timedelta(days=1)

    def diners_on(self, meal: str, day: date) -> int:
        start, end = DINERS[meal]
        since = SERVED_FROM[meal]
        progress = (day - since).days / max((GROWTH_END - since).days, 1)
        base = start + (end - start) * min(max(progress, 0.0), 1.0)
        if meal == "lunch" and day.weekday() >= 5:
            base *= 0.8
        return max(1, round(base))

    def plan(self) -> CanteenPlan:
        plan = CanteenPlan()
        for day in self.days():
            for meal in MEALS:
                if not serves(meal, day):
                    continue
                plan.menus.append(menu_of(meal, day))
                plan.orders.extend(self.orders(meal, day))
        return plan

    def orders(self, meal: str, day: date) -> list[PlannedOrder]:
        rng = random.Random(f"{RANDOM_SEED}:orders:{day}:{meal}")  # noqa: S311 - demo data
        wanted = self.diners_on(meal, day) + rng.randint(-2, 2)
        eligible = [(d, w) for d, w in self.regulars if self.sixty[d.pk] <= day]
        # Weighted sampling without replacement (Efraimidis–Spirakis): the top keys win.
        keyed = sorted(eligible, key=lambda pair: rng.random() ** (1 / pair[1]), reverse=True)
        eaters = [d for d, _weight in keyed[: max(wanted, 0)]]
        if self.companions and rng.random() < COMPANIONS * wanted:
            companion = rng.choice(self.companions)
            if age_on(companion.birth_date, day) >= 18:
                eaters.append(companion)
        orders = []
        seen: set[int] = set()
        for diner in eaters:
            if diner.pk in seen:
                continue
            seen.add(diner.pk)
            orders.append(self.order(rng, meal, day, diner.pk, delivery=False))
        if meal == "lunch" and day >= date(2021, 9, 1):
            for diner in self.homebound:
                if diner.pk not in seen and rng.random() < 0.25:
                    seen.add(diner.pk)
                    orders.append(self.order(rng, meal, day, diner.pk, delivery=True))
        return orders

    def order(
        self, rng: random.Random, meal: str, day: date, resident: int, *, delivery: bool
    ) -> PlannedOrder:
        moment = MEAL_TIMES[meal]
        served_at = local(day, moment, rng.randint(0, 55))
        eve = local(day - timedelta(days=1), time(15, 0), rng.randint(0, 150))
        if resident in self.account:
            channel = "self" if resident == self.account[0] else "family"
        elif not delivery and rng.random() < 0.25:
            channel = "counter"
        else:
            channel = "phone"
        if channel == "counter":
            return PlannedOrder(day, meal, resident, rng.choice(["dine_in", "dine_in", "pickup"]),
                                channel, SERVED, served_at, served_at)  # fmt: skip
        mode = "delivery" if delivery else rng.choice(["dine_in", "dine_in", "dine_in", "pickup"])
        fate = rng.random()
        if fate < CANCELLED:
            return PlannedOrder(day, meal, resident, mode, channel, CANCELLED_STATE, eve,
                                cancelled_at=eve + timedelta(minutes=rng.randint(10, 60)),
                                reason=rng.choice(CANCEL_REASONS))  # fmt: skip
        if fate < CANCELLED + NO_SHOW and not delivery:
            return PlannedOrder(day, meal, resident, mode, channel, WAITING, eve)
        if not delivery:
            return PlannedOrder(day, meal, resident, mode, channel, SERVED, eve, served_at)
        deliverer = None
        available = [person for person in self.deliverers if person.since <= day]
        if available and rng.random() >= CANTEEN_DELIVERS:
            deliverer = rng.choice(available)
        delivered = local(day, time(11, 45), rng.randint(0, 40))
        return PlannedOrder(day, meal, resident, mode, channel, SERVED, eve, delivered,
                            deliverer=deliverer, taken_at=local(day, time(10, 30), rng.randint(0, 40)))  # fmt: skip
