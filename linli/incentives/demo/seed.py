"""Writing the demo's incentives from the records already seeded, idempotently.

Points come from the hours entries themselves (one `points:<entry>` credit each, the source key
the live hook uses), posted in bulk with `ledger_post_many`, which sets each balance from its
entries; star levels are dated by the day the cumulative hours crossed each threshold. The shop's
history (purchases, redemptions with their points, returns, write-offs, year-end stock-takes)
is planned month by month so that no stock and no balance ever goes below zero, then bulk
inserted; the stock is set from the moves. Honours of past years are rows with their awards;
today's 公示, one open reservation and the pool's payments go through the actions.
Each part is skipped when its rows are already there.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from linli.assistance.models import RequestStatus, ServiceRequest
from linli.core.errors import DomainError
from linli.incentives.actions.honours import (
    honour_create,
    honour_publicize,
    nomination_create,
    nomination_review,
)
from linli.incentives.actions.points import point_rule_save
from linli.incentives.actions.shop import redemption_reserve
from linli.incentives.actions.timebank import timebank_payment_settle
from linli.incentives.demo.tables import (
    CANCELLED_SHARE,
    DEPOSITORS,
    EPIDEMIC_COUNT,
    EPIDEMIC_TITLE,
    EPIDEMIC_YEAR,
    GOODS,
    GRANTED_BY,
    HONOURS,
    POOL_PAYMENTS,
    REDEMPTIONS_A_MONTH,
    SEED,
    SHOP_OPENED,
)
from linli.incentives.models import (
    Honour,
    HonourStatus,
    MoveKind,
    Nomination,
    NominationStatus,
    PointRule,
    Redemption,
    RedemptionStatus,
    ShopItem,
    StarAnnouncement,
    StockMove,
    StockTake,
    StockTakeLine,
    TimebankPayment,
)
from linli.incentives.rules import rule_for
from linli.ledger.actions import Credit, ledger_post_many
from linli.ledger.models import Account, EntryKind, LedgerEntry
from linli.org.models import Station
from linli.people.models import Household, Resident
from linli.teams.models import Team
from linli.volunteers.demo.tables import STATION_CODE
from linli.volunteers.models import Volunteer, VolunteerAward

Progress = Callable[[str], None]
# A nominee of the history: who (volunteer, team or household), the name shown, the reason, and
# the 67号令 award already recorded for it, if any.
Nominee = tuple[dict[str, Any], str, str, VolunteerAward | None]
CENT = Decimal("0.01")


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def seed_incentives(progress: Progress | None = None) -> int:
    report = progress or (lambda _message: None)
    station = Station.objects.get(code=STATION_CODE)
    steps = [
        ("积分规则", seed_rules),
        ("服务积分", seed_points),
        ("星级", seed_stars),
        ("爱心超市", seed_shop),
        ("时间银行", seed_timebank),
        ("评选表彰", seed_honours),
    ]
    total = 0
    for label, step in steps:
        created = step(station)
        report(f"    {label}：新增 {created}")
        total += created
    return total


def seed_rules(station: Station) -> int:
    if PointRule.objects.filter(station=station).exists():
        return 0
    point_rule_save(
        station=station,
        values={
            "points_per_hour": Decimal("10"),
            "well_rated_points": Decimal("5"),
            "no_show_points": Decimal("5"),
        },
        actor=None,
    )
    return 1


@transaction.atomic
def seed_points(station: Station) -> int:
    """A points credit for every hours entry of the station's volunteers that has none."""
    rate = rule_for(station.pk).points_per_hour
    have = set(
        LedgerEntry.objects.filter(
            account=Account.POINTS, volunteer__station=station, source_key__startswith="points:"
        ).values_list("source_key", flat=True)
    )
    credits = []
    for pk, volunteer_id, amount, served_on, description, created_at in (
        LedgerEntry.objects.filter(account=Account.HOURS, volunteer__station=station)
        .order_by("id")
        .values_list("pk", "volunteer_id", "amount", "served_on", "description", "created_at")
    ):
        key = f"points:{pk}"
        points = (amount * rate).quantize(CENT)
        if key in have or points == 0:
            continue
        if points > 0:
            text = f"服务 {_text(amount)} 小时（每小时 {_text(rate)} 分）：{description}"
        else:
            text = f"服务时长冲正，扣回积分：{description}"
        credits.append(
            Credit(
                volunteer_id=volunteer_id,
                account=Account.POINTS,
                amount=points,
                kind=EntryKind.EARN if points > 0 else EntryKind.REVERSAL,
                served_on=served_on,
                description=text,
                source_key=key,
                created_at=created_at,
            )
        )
    return ledger_post_many(credits=credits, actor=None) if credits else 0


@transaction.atomic
def seed_stars(station: Station) -> int:
    """Each star level reached, dated the day the cumulative hours crossed it."""
    thresholds = [Decimal(t) for t in settings.STAR_THRESHOLDS]
    announced = set(
        StarAnnouncement.objects.filter(volunteer__station=station).values_list(
            "volunteer_id", "level"
        )
    )
    running: dict[int, Decimal] = defaultdict(Decimal)
    rows = []
    for volunteer_id, amount, served_on in (
        LedgerEntry.objects.filter(account=Account.HOURS, volunteer__station=station)
        .order_by("served_on", "id")
        .values_list("volunteer_id", "amount", "served_on")
    ):
        before = running[volunteer_id]
        after = before + amount
        running[volunteer_id] = after
        for level, threshold in enumerate(thresholds, start=1):
            if before < threshold <= after and (volunteer_id, level) not in announced:
                announced.add((volunteer_id, level))
                rows.append(
                    StarAnnouncement(
                        volunteer_id=volunteer_id,
                        level=level,
                        hours=after,
                        reached_at=_at(served_on, 18),
                    )
                )
    StarAnnouncement.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


# --- the shop ----------------------------------------------------------------------------------------


class Earnings:
    """Points each volunteer had earned by a given day, for planning what they could spend."""

    def __init__(self, station: Station) -> None:
        days: dict[int, list[date]] = defaultdict(list)
        sums: dict[int, list[Decimal]] = defaultdict(list)
        for volunteer_id, amount, served_on in (
            LedgerEntry.objects.filter(
                account=Account.POINTS, volunteer__station=station, kind=EntryKind.EARN
            )
            .order_by("served_on", "id")
            .values_list("volunteer_id", "amount", "served_on")
        ):
            previous = sums[volunteer_id][-1] if sums[volunteer_id] else Decimal("0")
            days[volunteer_id].append(served_on)
            sums[volunteer_id].append(previous + amount)
        self.days, self.sums = days, sums

    def by(self, volunteer_id: int, day: date) -> Decimal:
        index = bisect.bisect_right(self.days[volunteer_id], day)
        return self.sums[volunteer_id][index - 1] if index else Decimal("0")

    def volunteers(self) -> list[int]:
        return sorted(self.days)


def _months(first: date, last: date) -> list[date]:
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


@transaction.atomic
def seed_shop(station: Station) -> int:
    if ShopItem.objects.filter(station=station).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data
    today = timezone.localdate()
    items = ShopItem.objects.bulk_create(
        [
            ShopItem(
                station=station, name=name, unit=unit, points=points, created_at=_at(SHOP_OPENED, 9)
            )
            for name, unit, points, _quarterly in GOODS
        ]
    )
    quarterly = {item.pk: goods[3] for item, goods in zip(items, GOODS, strict=True)}
    earnings = Earnings(station)
    candidates = earnings.volunteers()
    spent: dict[int, Decimal] = defaultdict(Decimal)
    stock: dict[int, int] = defaultdict(int)
    moves: list[StockMove] = []
    planned: list[tuple[Redemption, bool]] = []
    takes: list[tuple[date, ShopItem | None]] = []
    for month in _months(SHOP_OPENED, today - timedelta(days=10)):
        if month.month in (1, 4, 7, 10):
            day = max(month, SHOP_OPENED)
            for item in items:
                moves.append(
                    StockMove(
                        item=item,
                        kind=MoveKind.IN,
                        quantity=quarterly[item.pk],
                        reason="季度采购入库",
                        moved_at=_at(day, 9),
                    )
                )
                stock[item.pk] += quarterly[item.pk]
        for _ in range(rng.randint(*REDEMPTIONS_A_MONTH)):
            day = month + timedelta(days=rng.randint(0, 27))
            if day < SHOP_OPENED or day >= today - timedelta(days=8) or not candidates:
                continue
            item = rng.choice(items)
            quantity = 1 if rng.random() < 0.85 else 2
            points = item.points * quantity
            volunteer_id = rng.choice(candidates)
            if (
                stock[item.pk] < quantity
                or earnings.by(volunteer_id, day) - spent[volunteer_id] < points
            ):
                continue
            reserved_at = _at(day, rng.randint(9, 16), rng.randint(0, 59))
            cancelled = rng.random() < CANCELLED_SHARE
            redemption = Redemption(
                station=station,
                item=item,
                volunteer_id=volunteer_id,
                quantity=quantity,
                points=points,
                pickup_code=f"{rng.randrange(1_000_000):06d}",
                reserved_at=reserved_at,
                expires_at=reserved_at + timedelta(days=settings.SHOP_RESERVATION_DAYS),
            )
            if cancelled:
                redemption.status = RedemptionStatus.CANCELLED
                expired = rng.random() < 0.5
                redemption.cancelled_at = (
                    redemption.expires_at if expired else reserved_at + timedelta(days=1)
                )
                redemption.cancel_reason = "逾期未领取" if expired else "本人取消"
            else:
                redemption.status = RedemptionStatus.HANDED_OVER
                redemption.handed_over_at = reserved_at + timedelta(
                    days=rng.randint(0, 5), hours=rng.randint(0, 3)
                )
                stock[item.pk] -= quantity
                spent[volunteer_id] += points
            planned.append((redemption, cancelled))
        if month.month == 12:
            takes.append((month.replace(day=28), rng.choice(items) if rng.random() < 0.6 else None))
    Redemption.objects.bulk_create([redemption for redemption, _ in planned], batch_size=500)
    credits = []
    for redemption, cancelled in planned:
        item = redemption.item
        moves.append(
            StockMove(
                item=item,
                kind=MoveKind.REDEMPTION,
                quantity=-redemption.quantity,
                reason="兑换",
                redemption=redemption,
                moved_at=redemption.reserved_at,
            )
        )
        credits.append(
            Credit(
                volunteer_id=redemption.volunteer_id,
                account=Account.POINTS,
                amount=-Decimal(redemption.points),
                kind=EntryKind.REDEEM,
                served_on=timezone.localdate(redemption.reserved_at),
                description=f"爱心超市兑换 {item.name} × {redemption.quantity}",
                source_key=f"shop:redeem:{redemption.pk}",
                created_at=redemption.reserved_at,
            )
        )
        if cancelled and redemption.cancelled_at is not None:
            moves.append(
                StockMove(
                    item=item,
                    kind=MoveKind.RETURN,
                    quantity=redemption.quantity,
                    reason=redemption.cancel_reason,
                    redemption=redemption,
                    moved_at=redemption.cancelled_at,
                )
            )
            credits.append(
                Credit(
                    volunteer_id=redemption.volunteer_id,
                    account=Account.POINTS,
                    amount=Decimal(redemption.points),
                    kind=EntryKind.REFUND,
                    served_on=timezone.localdate(redemption.cancelled_at),
                    description=f"兑换退回（{redemption.cancel_reason}）：{item.name} × {redemption.quantity}",
                    source_key=f"shop:refund:{redemption.pk}",
                    created_at=redemption.cancelled_at,
                )
            )
    StockMove.objects.bulk_create(moves, batch_size=500)
    # Year-end stock-takes: one damaged item found short now and then, adjusted with a reason.
    for day, short in takes:
        books = _books(items, _at(day, 17))
        take = StockTake.objects.create(
            station=station, note=f"{day.year} 年终盘点", taken_at=_at(day, 17)
        )
        StockTakeLine.objects.bulk_create(
            [
                StockTakeLine(
                    stock_take=take,
                    item=item,
                    book=books[item.pk],
                    counted=books[item.pk] - (1 if short is item and books[item.pk] > 0 else 0),
                )
                for item in items
            ]
        )
        if short is not None and books[short.pk] > 0:
            StockMove.objects.create(
                item=short,
                kind=MoveKind.ADJUSTMENT,
                quantity=-1,
                stock_take=take,
                reason=f"盘点调整：{day.year} 年终盘点（受潮损坏）",
                moved_at=_at(day, 17),
            )
    for item in items:
        item.stock = sum(StockMove.objects.filter(item=item).values_list("quantity", flat=True))
        item.save(update_fields=["stock"])
    posted = ledger_post_many(credits=credits, actor=None) if credits else 0
    _open_reservation(station)
    return len(items) + len(planned) + posted


def _books(items: list[ShopItem], at: datetime) -> dict[int, int]:
    books = {item.pk: 0 for item in items}
    for item_id, quantity in StockMove.objects.filter(item__in=items, moved_at__lte=at).values_list(
        "item_id", "quantity"
    ):
        books[item_id] += quantity
    return books


def _open_reservation(station: Station) -> None:
    """The demo volunteer (黄文静) has a bag of rice waiting at the counter."""
    volunteer = (
        Volunteer.objects.filter(user__phone="13900000004", station=station)
        .select_related("person")
        .first()
    )
    item = ShopItem.objects.filter(station=station, name=GOODS[0][0]).first()
    if volunteer is None or item is None:
        return
    try:
        redemption_reserve(item=item, volunteer=volunteer, quantity=1, actor=None)
    except DomainError:
        return  # short of points or stock: the counter simply has nothing waiting


# --- the time bank -------------------------------------------------------------------------------------


@transaction.atomic
def seed_timebank(station: Station) -> int:
    if LedgerEntry.objects.filter(
        account=Account.TIMEBANK, kind=EntryKind.DEPOSIT, volunteer__station=station
    ).exists():
        return 0
    rng = random.Random(SEED + 1)  # noqa: S311 - demo data
    today = timezone.localdate()
    hours = _hours_by_volunteer(station)
    eligible = sorted(pk for pk, total in hours.items() if total >= 10)
    chosen = rng.sample(eligible, min(DEPOSITORS, len(eligible)))
    cap = Decimal(settings.TIMEBANK_CAP_HOURS)
    credits = []
    deposited: dict[int, Decimal] = {}
    for volunteer_id in chosen:
        share = Decimal(rng.randint(30, 60)) / 100
        amount = min((hours[volunteer_id] * share * 2).to_integral_value() / 2, cap)
        if amount <= 0:
            continue
        day = date(rng.randint(2023, 2025), rng.randint(1, 12), rng.randint(1, 28))
        deposited[volunteer_id] = amount
        credits.append(
            Credit(
                volunteer_id=volunteer_id,
                account=Account.TIMEBANK,
                amount=amount,
                kind=EntryKind.DEPOSIT,
                served_on=day,
                description=f"存入已核定服务时长 {_text(amount)} 小时",
                source_key=f"demo:timebank:deposit:{volunteer_id}",
                created_at=_at(day, 15),
            )
        )
    names = dict(Volunteer.objects.filter(pk__in=deposited).values_list("pk", "person__name"))
    for volunteer_id in sorted(deposited)[:12]:
        gift = min(Decimal(rng.randint(2, 5)), deposited[volunteer_id])
        day = min(today - timedelta(days=30), date(2026, 3, 5))
        at = _at(day, 11)
        credits.append(
            Credit(
                volunteer_id=volunteer_id,
                account=Account.TIMEBANK,
                amount=-gift,
                description=f"捐入{station.name}时间银行公益池（学雷锋日）",
                source_key=f"demo:timebank:donate:{volunteer_id}:out",
                served_on=day,
                created_at=at,
                kind=EntryKind.DONATION,
            )
        )
        credits.append(
            Credit(
                volunteer_id=None,
                station_id=station.pk,
                account=Account.TIMEBANK_POOL,
                amount=gift,
                description=f"{names.get(volunteer_id, '')} 捐赠",
                source_key=f"demo:timebank:donate:{volunteer_id}:in",
                served_on=day,
                created_at=at,
                kind=EntryKind.DONATION,
            )
        )
    posted = ledger_post_many(credits=credits, actor=None) if credits else 0
    # The pool pays for a few elders' completed requests, by the station's decision.
    paid = 0
    for service_request in (
        ServiceRequest.objects.filter(
            station=station,
            status__in=(RequestStatus.COMPLETED, RequestStatus.RATED),
            hours__isnull=False,
            resident__isnull=False,
            timebank_payment__isnull=True,
        )
        .select_related("station")
        .order_by("-completed_at")[:POOL_PAYMENTS]
    ):
        TimebankPayment.objects.create(service_request=service_request, pool_station=station)
        if timebank_payment_settle(service_request=service_request, actor=None):
            paid += 1
    return posted + paid


def _hours_by_volunteer(station: Station) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for volunteer_id, amount in LedgerEntry.objects.filter(
        account=Account.HOURS, volunteer__station=station
    ).values_list("volunteer_id", "amount"):
        totals[volunteer_id] += amount
    return totals


# --- honours -----------------------------------------------------------------------------------------


@transaction.atomic
def seed_honours(station: Station) -> int:
    if Honour.objects.filter(station=station).exists():
        return 0
    rng = random.Random(SEED + 2)  # noqa: S311 - demo data
    hours = _hours_by_volunteer(station)
    volunteers = list(
        Volunteer.objects.filter(
            station=station, status=Volunteer.Status.ACTIVE, pk__in=list(hours)
        )
        .select_related("person")
        .order_by("pk")
    )
    volunteers.sort(key=lambda volunteer: -hours[volunteer.pk])
    best = volunteers[:120]
    teams = list(Team.objects.filter(station=station, parent__isnull=True).order_by("pk"))
    households = list(Household.objects.filter(station=station).order_by("pk"))
    women = defaultdict(list)
    for resident in Resident.objects.filter(
        station=station, gender="F", household__isnull=False, status=Resident.Status.LIVING
    ).order_by("pk"):
        women[resident.household_id].append(resident)
    created = 0
    plans: list[tuple[str, str, int, list[Nominee]]] = []
    # The 20 社区优秀防疫志愿者 of 2022 are already in their 67号令 records (the volunteers'
    # demo): the honour is built around those awards; without them, it names its own.
    existing = list(
        VolunteerAward.objects.filter(name=EPIDEMIC_TITLE, volunteer__station=station)
        .select_related("volunteer__person")
        .order_by("pk")
    )
    reason = "疫情防控期间坚守小区卡口、入户排查，连续服务一个多月"
    epidemic: list[Nominee] = [
        ({"volunteer": award.volunteer}, award.volunteer.person.name, reason, award)
        for award in existing
    ] or [
        ({"volunteer": volunteer}, volunteer.person.name, reason, None)
        for volunteer in rng.sample(best, min(EPIDEMIC_COUNT, len(best)))
    ]
    plans.append((EPIDEMIC_TITLE, "volunteer", EPIDEMIC_YEAR, epidemic))
    for title, kind, years, count in HONOURS:
        for year in years:
            nominees: list[Nominee] = []
            if kind == "volunteer":
                for volunteer in rng.sample(best, min(count, len(best))):
                    nominees.append(
                        (
                            {"volunteer": volunteer},
                            volunteer.person.name,
                            "全年服务时长名列前茅，热心助老助残",
                            None,
                        )
                    )
            elif kind == "team" and teams:
                for team in rng.sample(teams, min(count, len(teams))):
                    nominees.append(
                        ({"team": team}, team.name, "全年组织志愿服务活动成效显著", None)
                    )
            elif kind == "family":
                with_women = [household for household in households if women.get(household.pk)]
                for household in rng.sample(with_women, min(count, len(with_women))):
                    members = sorted(women[household.pk], key=lambda person: person.birth_date)
                    if title == "好婆婆":
                        name, reason = members[0].name, "关爱儿媳、操持家务，邻里称道"
                    elif title == "好媳妇":
                        name, reason = members[-1].name, "孝敬公婆、照顾老人，任劳任怨"
                    else:
                        name, reason = f"{members[0].name}家庭", "家庭和睦、尊老爱幼、热心公益"
                    nominees.append(({"household": household}, name, reason, None))
            plans.append((title, kind, year, nominees))
    for title, kind, year, nominees in plans:
        awarded_on = date(year, 12, 28)
        granted_by = GRANTED_BY
        if nominees and nominees[0][3] is not None:
            awarded_on, granted_by = nominees[0][3].awarded_on, nominees[0][3].granted_by
        honour = Honour.objects.create(
            station=station,
            title=title,
            year=year,
            kind=kind,
            granted_by=granted_by,
            status=HonourStatus.AWARDED,
            notice_starts_at=_at(date(year, 12, 10), 9),
            notice_ends_at=_at(date(year, 12, 17), 9),
            awarded_on=awarded_on,
            created_at=_at(date(year, 11, 20), 9),
        )
        for target, name, reason, award in nominees:
            if award is None and "volunteer" in target:
                award = VolunteerAward.objects.create(
                    volunteer=target["volunteer"],
                    name=f"{year}年度{title}",
                    awarded_on=awarded_on,
                    granted_by=granted_by,
                )
            Nomination.objects.create(
                honour=honour,
                display_name=name,
                reason=reason,
                status=NominationStatus.ACCEPTED,
                nominated_at=_at(date(year, 11, 25), 10),
                reviewed_at=_at(date(year, 12, 5), 10),
                award=award,
                **target,
            )
            created += 1
    created += _current_notice(station, best, rng)
    return created


def _current_notice(station: Station, best: list[Volunteer], rng: random.Random) -> int:
    """This year's 优秀志愿者 in its 7-day 公示, through the actions."""
    if len(best) < 5:
        return 0
    year = timezone.localdate().year
    honour = honour_create(
        station=station,
        title="优秀志愿者",
        year=year,
        kind="volunteer",
        actor=None,
        granted_by=GRANTED_BY,
    )
    for volunteer in rng.sample(best[:40], 5):
        nomination = nomination_create(
            honour=honour,
            volunteer=volunteer,
            reason="全年服务时长名列前茅，群众评价满意",
            actor=None,
        )
        nomination_review(nomination=nomination, accept=True, actor=None)
    honour_publicize(honour=honour, actor=None)
    return 5
