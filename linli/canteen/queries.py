"""Reads of the canteen that span relations, each in a fixed number of queries: the week's plan,
today's board, the days a resident may order, the people found at the counter."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from linli.canteen.models import (
    MEAL_ORDER,
    Meal,
    MealOrder,
    Menu,
    Mode,
    OrderStatus,
)
from linli.canteen.tiers import age_on, choose_tier, quote, station_tiers
from linli.org.models import Station
from linli.people.models import Resident, ResidentTag
from linli.people.queries import search_condition

UPCOMING_DAYS = 7
SEARCH_LIMIT = 8


def with_order_counts(menus: QuerySet[Menu]) -> QuerySet[Menu]:
    return menus.annotate(
        live_orders=Count("orders", filter=~Q(orders__status=OrderStatus.CANCELLED)),
        served_orders=Count("orders", filter=Q(orders__status=OrderStatus.SERVED)),
    )


@dataclass
class PlanDay:
    day: date
    menus: dict[str, Menu | None]
    past: bool

    def cells(self) -> list[tuple[str, str, Menu | None]]:
        return [(code, str(label), self.menus.get(code)) for code, label in Meal.choices]


def week_plan(station: Station, monday: date, today: date) -> list[PlanDay]:
    """Seven days from `monday`, each with its three meals (a menu or None) and their counts."""
    menus = with_order_counts(
        Menu.objects.filter(station=station, date__range=(monday, monday + timedelta(days=6)))
    )
    by_day: dict[date, dict[str, Menu | None]] = defaultdict(dict)
    for menu in menus:
        by_day[menu.date][menu.meal] = menu
    return [
        PlanDay(day, by_day.get(day, {}), day < today)
        for day in (monday + timedelta(days=offset) for offset in range(7))
    ]


@dataclass
class MealBoard:
    """One meal of a day at the counter: orders placed, served, still to collect, to deliver."""

    meal: str
    label: str
    ordered: int = 0  # not cancelled
    served: int = 0
    waiting: int = 0  # dine in or pick up, not yet served
    to_deliver: int = 0  # delivery, not yet delivered
    delivered: int = 0
    cancelled: int = 0


def board(station: Station, day: date) -> list[MealBoard]:
    """Today's board: the three meals counted from the orders, in one query."""
    meals = {code: MealBoard(code, str(label)) for code, label in Meal.choices}
    rows = (
        MealOrder.objects.filter(station=station, date=day)
        .values("meal", "status", "mode")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in rows:
        entry = meals[row["meal"]]
        count, status, delivery = row["count"], row["status"], row["mode"] == Mode.DELIVERY
        if status == OrderStatus.CANCELLED:
            entry.cancelled += count
            continue
        entry.ordered += count
        if status == OrderStatus.SERVED:
            entry.served += count
            if delivery:
                entry.delivered += count
        elif delivery:
            entry.to_deliver += count
        else:
            entry.waiting += count
    return list(meals.values())


def current_meal(now: Any = None) -> str:
    """The meal the counter is most likely serving now (before 10:00 breakfast, before 15:00
    lunch, then dinner)."""
    hour = timezone.localtime(now or timezone.now()).hour
    if hour < 10:
        return Meal.BREAKFAST
    if hour < 15:
        return Meal.LUNCH
    return Meal.DINNER


def find_residents(station: Station, q: str) -> list[Resident]:
    """The counter's search: name, pinyin (`liguiying`), initials (`lgy`) or phone digits."""
    q = q.strip()
    if not q:
        return []
    return list(
        Resident.objects.filter(station=station, status=Resident.Status.LIVING)
        .filter(search_condition(q))
        .select_related("household__building__estate")
        .order_by("birth_date", "pk")[:SEARCH_LIMIT]
    )


@dataclass(frozen=True)
class PersonOffer:
    """What one meal costs one person of the household, and their order for it if placed."""

    person: Resident
    subsidy: Decimal
    payable: Decimal
    order: MealOrder | None


@dataclass
class Offer:
    """One menu a resident may order, a row for each person of the household."""

    menu: Menu
    open: bool
    rows: list[PersonOffer] = field(default_factory=list)


def upcoming_offers(people: list[Resident], *, now: Any = None) -> list[tuple[date, list[Offer]]]:
    """The next days' menus of the household's station, grouped by day, each with its price
    for every person (their tier on that day) and their orders. Five queries in all."""
    if not people:
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    station_id = people[0].station_id
    menus = list(
        Menu.objects.filter(
            station_id=station_id,
            date__range=(today, today + timedelta(days=UPCOMING_DAYS - 1)),
        ).order_by("date", "meal")
    )
    menus.sort(key=lambda menu: (menu.date, MEAL_ORDER[Meal(menu.meal)]))
    tiers = list(station_tiers(station_id))
    tags: dict[int, list[str]] = defaultdict(list)
    for resident_id, tag in ResidentTag.objects.filter(resident__in=people).values_list(
        "resident_id", "tag"
    ):
        tags[resident_id].append(tag)
    orders = MealOrder.objects.filter(
        resident__in=people, date__range=(today, today + timedelta(days=UPCOMING_DAYS - 1))
    ).exclude(status=OrderStatus.CANCELLED)
    placed = {(order.resident_id, order.menu_id): order for order in orders}
    days: dict[date, list[Offer]] = defaultdict(list)
    for menu in menus:
        offer = Offer(menu, now <= menu.cutoff_at)
        for person in people:
            age = age_on(person.birth_date, menu.date)
            tier = choose_tier(tiers, age=age, tags=tags[person.pk], on=menu.date)
            priced = quote(menu.price, tier, age)
            offer.rows.append(
                PersonOffer(
                    person, priced.subsidy, priced.payable, placed.get((person.pk, menu.pk))
                )
            )
        days[menu.date].append(offer)
    return sorted(days.items())


def household_orders(people: list[Resident], *, today: date) -> QuerySet[MealOrder]:
    """The household's orders from today on, and the last month's, newest first."""
    return (
        MealOrder.objects.filter(resident__in=people, date__gte=today - timedelta(days=31))
        .select_related("resident", "menu", "delivery__volunteer__person")
        .order_by("-date", "-meal", "-id")
    )
