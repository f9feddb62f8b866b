"""Writing the canteen's demo, idempotently, with progress.

The policy goes through the actions (funders, then the tiers in the order the county set them,
each raise replacing its predecessor). The history is reference data recorded afterwards: menus,
orders and delivery tasks are bulk-inserted a year at a time (55,000 meals would take minutes
through the actions one by one), each order priced by the one tier rule (`tiers.choose_tier`,
`tiers.quote`) exactly as `order_place` prices it, and the volunteers' deliveries reach the
ledger through `ledger_credit_many` with the source key `delivery_complete` uses. The months are
closed through `settlement_close`, so their figures come from these rows; one correction is
booked through `settlement_adjust`. Today goes through the actions as the canteen would live it:
menus published, orders placed the evening before, served, cancelled, taken and delivered.

A year whose menus are in the database is skipped, so a second run adds nothing; each year is
one transaction, so a run cut short is finished by the next.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone

from linli.accounts.models import User
from linli.canteen.actions import (
    AdjustmentInput,
    MenuInput,
    TierInput,
    delivery_complete,
    delivery_take,
    funder_save,
    menu_save,
    order_cancel,
    order_place,
    order_serve,
    order_walk_in,
    settlement_adjust,
    settlement_close,
    tier_create,
)
from linli.canteen.actions.deliveries import delivery_source_key
from linli.canteen.actions.menus import default_cutoff
from linli.canteen.demo.plan import (
    CANCELLED_STATE,
    SERVED,
    CanteenPlan,
    CanteenPlanner,
    Deliverer,
    Diner,
    PlannedOrder,
    closed_for_spring_festival,
    local,
    menu_of,
    serves,
)
from linli.canteen.demo.tables import (
    FUNDERS,
    LATE_CANCEL_REASON,
    MEAL_TIMES,
    OPENED,
    OPERATOR_PHONE,
    RESIDENT_PHONE,
    STAFF_PHONE,
    STATION_CODE,
    TIERS,
    VOLUNTEER_PHONE,
)
from linli.canteen.models import (
    DeliveryStatus,
    DeliveryTask,
    Funder,
    MealOrder,
    Menu,
    SettlementAdjustment,
    SettlementMonth,
    SubsidyTier,
)
from linli.canteen.settlement import month_ended, next_month, previous_month, served_in
from linli.canteen.tiers import Quote, age_on, choose_tier, quote
from linli.core.rows import insert_rows, reserve_ids
from linli.ledger.actions import Credit, ledger_credit_many
from linli.ledger.models import Account, EntryKind
from linli.org.models import Station
from linli.people.models import Household, Resident, ResidentTag
from linli.volunteers.models import Volunteer

Progress = Callable[[str], None]
# The columns of a history order, in the order `HistoryWriter.order_row` gives their values.
ORDER_COLUMNS = (
    "station_id", "menu_id", "resident_id", "date", "meal", "mode", "channel", "status", "price",
    "subsidy", "payable", "tier_id", "funder_id", "age", "note", "delivery_address",
    "ordered_by_id", "ordered_at", "served_at", "served_by_id", "cancelled_at", "cancelled_by_id",
    "cancel_reason",
)  # fmt: skip
MENU_COLUMNS = (
    "id", "station_id", "date", "meal", "dishes", "price", "notes", "cutoff_at", "created_by_id",
    "created_at", "updated_at",
)  # fmt: skip
TASK_COLUMNS = (
    "id", "order_id", "station_id", "status", "volunteer_id", "taken_at", "delivered_at",
    "delivered_by_id", "created_at",
)  # fmt: skip
MEAL_LABELS = {"breakfast": "早餐", "lunch": "午餐", "dinner": "晚餐"}
UPCOMING_DAYS = 7


# --- the policy -------------------------------------------------------------------------------


@transaction.atomic
def seed_policy(station: Station, staff: Any) -> int:
    """Funders and tiers not there yet (a tier is known by its name and first day)."""
    added = 0
    funders = {funder.name: funder for funder in Funder.objects.filter(station=station)}
    for name, note in FUNDERS:
        if name not in funders:
            funders[name] = funder_save(station=station, name=name, note=note, actor=staff)
            added += 1
    tiers = {
        (tier.name, tier.effective_from): tier
        for tier in SubsidyTier.objects.filter(station=station)
    }
    by_key: dict[str, SubsidyTier] = {}
    for spec in TIERS:
        tier = tiers.get((spec.name, spec.effective_from))
        if tier is None:
            tier = tier_create(
                station=station,
                data=TierInput(
                    name=spec.name,
                    funder_id=funders[spec.funder].pk,
                    amount=spec.amount,
                    effective_from=spec.effective_from,
                    min_age=spec.min_age,
                    max_age=spec.max_age,
                    tag=spec.tag,
                ),
                actor=staff,
                replaces=by_key.get(spec.replaces),
            )
            added += 1
        by_key[spec.key] = tier
    return added


def link_demo_resident(station: Station) -> Resident | None:
    """李桂英's account is linked to her person record, as the station's desk does for a resident
    who signs up (people.Resident.user), so she can order for herself and her husband."""
    account = User.objects.filter(phone=RESIDENT_PHONE).first()
    if account is None:
        return None
    linked = Resident.objects.filter(user=account).first()
    if linked is not None:
        return linked
    person = (
        Resident.objects.filter(
            station=station, name=account.name, household__isnull=False, user__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if person is not None:
        Resident.objects.filter(pk=person.pk).update(user=account)
    return person


# --- reading the community --------------------------------------------------------------------


def read_diners(station: Station) -> list[Diner]:
    tags: dict[int, set[str]] = defaultdict(set)
    for resident_id, tag in ResidentTag.objects.filter(resident__station=station).values_list(
        "resident_id", "tag"
    ):
        tags[resident_id].add(tag)
    return [
        Diner(pk, birth_date, frozenset(tags[pk]), household_id)
        for pk, birth_date, household_id in Resident.objects.filter(
            station=station, status=Resident.Status.LIVING, household__isnull=False
        )
        .order_by("pk")
        .values_list("pk", "birth_date", "household_id")
    ]


def read_deliverers(station: Station) -> list[Deliverer]:
    """The volunteers with the fewest hours besides deliveries, among those who have served
    (the demo volunteer first): each takes lunches round from the day of their first service.
    Read from what the seed wrote before this step, leaving out the deliveries themselves."""
    service = Q(ledger_entries__account=Account.HOURS) & ~Q(ledger_entries__kind=EntryKind.DELIVERY)
    rows = (
        Volunteer.objects.filter(station=station, status=Volunteer.Status.ACTIVE)
        .annotate(
            served=Sum("ledger_entries__amount", filter=service),
            first=Min("ledger_entries__served_on", filter=service),
        )
        .filter(first__isnull=False)
        .values_list("pk", "user_id", "first", "served", "user__phone")
    )
    people = sorted(rows, key=lambda row: (row[4] != VOLUNTEER_PHONE, row[3], row[0]))
    return [Deliverer(pk, user_id, first) for pk, user_id, first, *_ in people]


def plan_canteen(station: Station, *, today: date | None = None) -> CanteenPlan:
    """The history up to yesterday, the same on every call for the same community and day."""
    return planner_for(station, today=today).plan()


def planner_for(station: Station, *, today: date | None = None) -> CanteenPlanner:
    account = link_demo_resident(station)
    household = (
        [account.pk]
        + list(
            Resident.objects.filter(
                household_id=account.household_id, status=Resident.Status.LIVING
            )
            .exclude(pk=account.pk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if account is not None and account.household_id
        else []
    )
    return CanteenPlanner(
        read_diners(station),
        read_deliverers(station),
        account=household,
        today=today or timezone.localdate(),
    )


# --- writing the history ----------------------------------------------------------------------


class HistoryWriter:
    def __init__(self, station: Station) -> None:
        self.station = station
        self.tiers = list(SubsidyTier.objects.filter(station=station).order_by("pk"))
        tags: dict[int, set[str]] = defaultdict(set)
        for resident_id, tag in ResidentTag.objects.filter(resident__station=station).values_list(
            "resident_id", "tag"
        ):
            tags[resident_id].add(tag)
        self.tag_sets: defaultdict[int, frozenset[str]] = defaultdict(
            frozenset, {resident_id: frozenset(names) for resident_id, names in tags.items()}
        )
        self.births = dict(Resident.objects.filter(station=station).values_list("pk", "birth_date"))
        homes = dict(
            Resident.objects.filter(station=station, household__isnull=False).values_list(
                "pk", "household_id"
            )
        )
        addresses = {
            household.pk: str(household)
            for household in Household.objects.filter(pk__in=set(homes.values())).select_related(
                "building__estate"
            )
        }
        self.addresses = {resident_id: addresses[home] for resident_id, home in homes.items()}
        self.operator = User.objects.filter(phone=OPERATOR_PHONE).first()
        self.account = User.objects.filter(phone=RESIDENT_PHONE).first()
        # What `tier` and `quote` worked out already.
        self.in_effect: dict[date, tuple[tuple[int, ...], tuple[SubsidyTier, ...]]] = {}
        self.chosen: dict[tuple[Any, ...], SubsidyTier | None] = {}
        self.quotes: dict[tuple[Decimal, int | None, int], Quote] = {}

    def orderer(self, order: PlannedOrder) -> Any:
        return self.account if order.channel in {"self", "family"} else self.operator

    @transaction.atomic
    def year(self, plan: CanteenPlan, year: int) -> tuple[int, int, int]:
        """One year's menus, orders, delivery tasks and the deliveries' ledger entries, as plain
        rows (`linli.core.rows`), each given its key before it is written."""
        planned_menus = [menu for menu in plan.menus if menu.day.year == year]
        menu_ids = reserve_ids(Menu, len(planned_menus))
        operator_id = self.operator.pk if self.operator else None
        menu_rows = []
        for pk, menu in zip(menu_ids, planned_menus, strict=True):
            published = local(menu.day - timedelta(days=7), time(15, 0))
            menu_rows.append(
                (pk, self.station.pk, menu.day, menu.meal, menu.dishes, menu.price, menu.notes,
                 default_cutoff(menu.day, menu.meal), operator_id, published, published)
            )  # fmt: skip
        insert_rows(Menu, MENU_COLUMNS, menu_rows)
        by_slot = {
            (menu.day, menu.meal): (pk, menu.price)
            for pk, menu in zip(menu_ids, planned_menus, strict=True)
        }
        planned = [order for order in plan.orders if order.day.year == year]
        order_ids = reserve_ids(MealOrder, len(planned))
        insert_rows(
            MealOrder,
            ("id", *ORDER_COLUMNS),
            [
                (pk, *self.order_row(order, *by_slot[(order.day, order.meal)]))
                for pk, order in zip(order_ids, planned, strict=True)
            ],
        )
        deliveries = [
            (order_id, order)
            for order_id, order in zip(order_ids, planned, strict=True)
            if order.mode == "delivery"
        ]
        task_ids = reserve_ids(DeliveryTask, len(deliveries))
        insert_rows(
            DeliveryTask,
            TASK_COLUMNS,
            [
                self.task_row(order, order_id, task_id)
                for task_id, (order_id, order) in zip(task_ids, deliveries, strict=True)
            ],
        )
        credited = ledger_credit_many(
            credits=[
                Credit(
                    volunteer_id=order.deliverer.pk,
                    account=Account.HOURS,
                    amount=settings.CANTEEN_DELIVERY_HOURS,
                    kind=EntryKind.DELIVERY,
                    served_on=order.day,
                    description=f"助餐送餐（{MEAL_LABELS[order.meal]}）",
                    source_key=delivery_source_key(task_id),
                    created_at=order.served_at,
                )
                for task_id, (_order_id, order) in zip(task_ids, deliveries, strict=True)
                if order.deliverer is not None and order.state == SERVED
            ],
            actor=None,
        )
        return len(menu_rows), sum(order.state == SERVED for order in planned), credited

    def order_row(self, order: PlannedOrder, menu_id: int, price: Decimal) -> tuple[Any, ...]:
        """The values of ORDER_COLUMNS, priced as `order_place` prices an order."""
        age = age_on(self.births[order.resident], order.day)
        priced = self.quote(price, self.tier(order.resident, age, order.day), age)
        orderer = self.orderer(order)
        orderer_id = orderer.pk if orderer is not None else None
        return (
            self.station.pk,
            menu_id,
            order.resident,
            order.day,
            order.meal,
            order.mode,
            order.channel,
            order.state,
            priced.price,
            priced.subsidy,
            priced.payable,
            priced.tier.pk if priced.tier else None,
            priced.tier.funder_id if priced.tier else None,
            age,
            "",
            self.addresses.get(order.resident, "") if order.mode == "delivery" else "",
            orderer_id,
            order.ordered_at,
            order.served_at,
            self.server(order),
            order.cancelled_at,
            orderer_id if order.state == CANCELLED_STATE else None,
            order.reason,
        )

    def tier(self, resident: int, age: int, day: date) -> SubsidyTier | None:
        """`choose_tier` for one diner on one day, worked out once for each (age, tags, tiers
        in effect): tens of thousands of orders fall into a few hundred such cases."""
        in_effect = self.in_effect.get(day)
        if in_effect is None:
            tiers = tuple(tier for tier in self.tiers if tier.in_effect(day))
            in_effect = self.in_effect[day] = (tuple(tier.pk for tier in tiers), tiers)
        key = (age, self.tag_sets[resident], in_effect[0])
        if key not in self.chosen:
            self.chosen[key] = choose_tier(
                in_effect[1], age=age, tags=self.tag_sets[resident], on=day
            )
        return self.chosen[key]

    def quote(self, price: Decimal, tier: SubsidyTier | None, age: int) -> Quote:
        key = (price, tier.pk if tier else None, age)
        if key not in self.quotes:
            self.quotes[key] = quote(price, tier, age)
        return self.quotes[key]

    def server(self, order: PlannedOrder) -> int | None:
        """Who served it: the volunteer who delivered it, else the canteen operator."""
        if order.state != SERVED:
            return None
        if order.deliverer is not None:
            return order.deliverer.user_id
        return self.operator.pk if self.operator else None

    def task_row(self, order: PlannedOrder, order_id: int, task_id: int) -> tuple[Any, ...]:
        """The values of TASK_COLUMNS for a delivery order."""
        if order.state == CANCELLED_STATE:
            return (task_id, order_id, self.station.pk, DeliveryStatus.CANCELLED, None, None, None,
                    None, order.ordered_at)  # fmt: skip
        deliverer = order.deliverer
        return (
            task_id,
            order_id,
            self.station.pk,
            DeliveryStatus.DELIVERED,
            deliverer.pk if deliverer else None,
            order.taken_at if deliverer else None,
            order.served_at,
            deliverer.user_id if deliverer else (self.operator.pk if self.operator else None),
            order.ordered_at,
        )


# --- settling the months --------------------------------------------------------------------------


def settle_months(station: Station, staff: Any, today: date) -> int:
    """Every month over is closed on the 5th of the next, except the last one: it waits for the
    station's staff to close it (as they would in the first days of the month)."""
    closed = set(SettlementMonth.objects.filter(station=station).values_list("month", flat=True))
    last = previous_month(today.replace(day=1))
    month, count = date(2021, 6, 1), 0
    while month < last and month_ended(month, today):
        if month not in closed:
            settlement_close(
                station=station,
                month=month,
                actor=staff,
                at=local(next_month(month), time(10), 60 * 24 * 4),
            )
            count += 1
        month = next_month(month)
    return count


def book_a_correction(station: Station, staff: Any, today: date) -> int:
    """One served lunch of the month before last turned out entered twice: a correction booked
    into last month, which is still open."""
    if SettlementAdjustment.objects.filter(station=station).exists():
        return 0
    last = previous_month(today.replace(day=1))
    corrected = previous_month(last)
    if not SettlementMonth.objects.filter(station=station, month=corrected).exists():
        return 0
    order = (
        served_in(station, corrected)
        .filter(tier__isnull=False, meal="lunch")
        .order_by("pk")
        .first()
    )
    if order is None:
        return 0
    settlement_adjust(
        station=station,
        data=AdjustmentInput(
            month=last,
            corrects_month=corrected,
            funder_id=order.funder_id,
            tier_id=order.tier_id,
            meals=-1,
            price=-order.price,
            subsidy=-order.subsidy,
            payable=-order.payable,
            reason=f"{order.date.month}月{order.date.day}日{order.resident.name}的午餐重复登记，冲减一餐",
        ),
        actor=staff,
        at=local(last, time(16), 60 * 24 * 9),
    )
    return 1


# --- today ----------------------------------------------------------------------------------------


def publish_week(station: Station, operator: Any, today: date) -> int:
    """The menus of today and the six days after, as the operator publishes them."""
    added = 0
    existing = set(
        Menu.objects.filter(
            station=station, date__range=(today, today + timedelta(days=UPCOMING_DAYS - 1))
        ).values_list("date", "meal")
    )
    for offset in range(UPCOMING_DAYS):
        day = today + timedelta(days=offset)
        if closed_for_spring_festival(day):
            continue
        for meal in MEAL_TIMES:
            if not serves(meal, day) or (day, meal) in existing:
                continue
            planned = menu_of(meal, day)
            menu_save(
                station=station,
                data=MenuInput(day, meal, planned.dishes, planned.price, planned.notes),
                actor=operator,
            )
            added += 1
    return added


def _moment(day: date, meal: str, minutes: int, now: datetime) -> datetime:
    return min(local(day, MEAL_TIMES[meal], minutes), now)


@transaction.atomic
def live_today(station: Station, planner: CanteenPlanner, today: date) -> dict[str, int]:
    """Today's orders in every state, through the actions: placed the evening before (by phone,
    and 李桂英 on her phone), breakfast served, lunch partly served with a walk-in, one cancelled,
    deliveries open, taken by 黄文静 and delivered, dinner waiting; tomorrow's first orders."""
    now = timezone.now()
    if MealOrder.objects.filter(station=station, date=today).exists():
        return {}
    operator = User.objects.filter(phone=OPERATOR_PHONE).first()
    account = User.objects.filter(phone=RESIDENT_PHONE).first()
    menus = {menu.meal: menu for menu in Menu.objects.filter(station=station, date=today)}
    planned_today = {meal: planner.orders(meal, today) for meal in menus}
    residents = Resident.objects.in_bulk(
        {d.pk for d, _weight in planner.regulars}
        | {d.pk for d in planner.homebound}
        | {order.resident for orders in planned_today.values() for order in orders}
    )
    eve = local(today - timedelta(days=1), time(16, 20))
    counts: dict[str, int] = defaultdict(int)
    placed: dict[str, list[MealOrder]] = defaultdict(list)
    for meal, menu in menus.items():
        for planned in planned_today[meal]:
            if planned.mode == "delivery" or planned.resident in planner.account:
                continue
            mode = "pickup" if planned.mode == "pickup" else "dine_in"
            placed[meal].append(
                order_place(
                    menu=menu,
                    resident=residents[planned.resident],
                    mode=mode,
                    channel="phone",
                    actor=operator,
                    at=eve,
                )  # fmt: skip
            )
    if "lunch" in menus:
        lunch = menus["lunch"]
        deliveries = [
            order_place(
                menu=lunch,
                resident=residents[diner.pk],
                mode="delivery",
                channel="phone",
                actor=operator,
                at=eve,
            )  # fmt: skip
            for diner in planner.homebound[:4]
        ]
        volunteers = {v.user.phone: v for v in Volunteer.objects.filter(
            pk__in=[d.pk for d in planner.deliverers[:3]]).select_related("user")}  # fmt: skip
        helpers = sorted(volunteers.values(), key=lambda v: v.user.phone != VOLUNTEER_PHONE)
        if len(deliveries) >= 3 and len(helpers) >= 2:
            first = delivery_take(task=deliveries[0].delivery, actor=helpers[1].user,
                                  at=_moment(today, "lunch", -60, now))  # fmt: skip
            delivery_complete(
                task=first, actor=helpers[1].user, at=_moment(today, "lunch", 20, now)
            )
            delivery_take(task=deliveries[1].delivery, actor=helpers[0].user,
                          at=_moment(today, "lunch", -50, now))  # fmt: skip
            counts["delivered"], counts["taken"] = 1, 1
        counts["open"] = max(len(deliveries) - 2, 0)
    for meal in ("breakfast", "lunch"):
        orders = placed.get(meal, [])
        keep = len(orders) if meal == "breakfast" else len(orders) * 3 // 5
        for index, order in enumerate(orders[:keep]):
            order_serve(order=order, actor=operator, at=_moment(today, meal, index, now))
            counts["served"] += 1
        counts["waiting"] += len(orders) - keep
    for meal in ("lunch", "dinner"):
        if placed.get(meal):
            order_cancel(order=placed[meal][-1], actor=operator, reason=LATE_CANCEL_REASON,
                         at=eve + timedelta(minutes=40))  # fmt: skip
            counts["cancelled"] += 1
    if "lunch" in menus:
        taken = {
            order.resident_id for order in MealOrder.objects.filter(station=station, date=today)
        }
        walk_ins = [
            d
            for d, _weight in planner.regulars
            if d.pk not in taken and d.pk not in planner.account
        ][:2]
        for index, diner in enumerate(walk_ins):
            order_walk_in(menu=menus["lunch"], resident=residents[diner.pk], actor=operator,
                          at=_moment(today, "lunch", 30 + index, now))  # fmt: skip
            counts["walk_in"] += 1
    counts.update(_demo_resident_orders(station, account, planner, today, menus))
    return counts


def _demo_resident_orders(
    station: Station, account: Any, planner: CanteenPlanner, today: date, menus: dict[str, Menu]
) -> dict[str, int]:
    """李桂英 ordered today's lunch for herself last night, and her husband's lunch tomorrow,
    brought home; she may still cancel tomorrow's."""
    if account is None or not planner.account:
        return {}
    people = Resident.objects.in_bulk(planner.account)
    herself = people[planner.account[0]]
    eve = local(today - timedelta(days=1), time(19, 5))
    added = 0
    if "lunch" in menus:
        order_place(menu=menus["lunch"], resident=herself, mode="dine_in", channel="self",
                    actor=account, at=eve)  # fmt: skip
        added += 1
    tomorrow = Menu.objects.filter(
        station=station, date=today + timedelta(days=1), meal="lunch"
    ).first()
    if tomorrow is not None and len(planner.account) > 1:
        order_place(menu=tomorrow, resident=people[planner.account[1]], mode="delivery",
                    channel="family", actor=account, at=timezone.now())  # fmt: skip
        added += 1
    return {"resident": added}


# --- the step ---------------------------------------------------------------------------------


def seed_canteen(progress: Progress | None = None) -> int:
    """焦家's canteen since 2021-06-01 and today; returns how many menus and orders were added."""
    report = progress or (lambda _message: None)
    station = Station.objects.get(code=STATION_CODE)
    staff = User.objects.filter(phone=STAFF_PHONE).first()
    operator = User.objects.filter(phone=OPERATOR_PHONE).first()
    today = timezone.localdate()
    added = seed_policy(station, staff)
    planner = planner_for(station, today=today)
    written = {
        day.year
        for day in Menu.objects.filter(station=station, date__lt=today).dates("date", "year")
    }
    # Planning five years takes a second: only when a year is missing (a second run adds nothing).
    missing = set(range(OPENED.year, today.year + 1)) - written
    plan = planner.plan() if missing else CanteenPlan()
    writer = HistoryWriter(station)
    for year in plan.years():
        if year in written:
            continue
        menus, served, credited = writer.year(plan, year)
        report(f"    {year} 年：菜单 {menus}，供餐 {served}，志愿者送餐入账 {credited}")
        added += menus + sum(order.day.year == year for order in plan.orders)
    closed = settle_months(station, staff, today)
    corrected = book_a_correction(station, staff, today)
    published = publish_week(station, operator, today)
    lived = live_today(station, planner, today)
    added += published + sum(lived.values()) + closed + corrected
    if closed or published or lived:
        served = served_in(station, today.replace(day=1)).count()
        total = MealOrder.objects.filter(station=station, status="served").count()
        report(
            f"    关账 {closed} 个月，更正 {corrected}；发布菜单 {published}；今日：{dict(lived)}；"
            f"本月已供餐 {served}，累计供餐 {total}"
        )
    return added
