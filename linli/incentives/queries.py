"""Reads of the incentives: accounts with their entries, the shop's books and the month's stock
report, the points issued and redeemed per station per month, and the reconciliations that
prove the cached figures equal the rows (balances = entries, stock = moves)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.incentives.models import (
    Honour,
    HonourKind,
    HonourStatus,
    MoveKind,
    Nomination,
    NominationStatus,
    ShopItem,
    StockMove,
    TimebankPayment,
)
from linli.ledger.models import Account, Balance, EntryKind, LedgerEntry
from linli.people.models import Household
from linli.teams.models import Team
from linli.volunteers.models import Volunteer

ZERO = Decimal("0")


def account_entries(volunteer: Any, account: str) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(volunteer=volunteer, account=account).order_by(
        "created_at", "id"
    )


def account_total(volunteer: Any, account: str) -> Decimal:
    total = LedgerEntry.objects.filter(volunteer=volunteer, account=account).aggregate(
        total=Sum("amount")
    )["total"]
    return (total or ZERO).quantize(Decimal("0.01"))


def pool_balance(station: Any) -> Decimal:
    total = LedgerEntry.objects.filter(
        station=station, volunteer__isnull=True, account=Account.TIMEBANK_POOL
    ).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Passbook:
    """存折: the entries with a running balance, and the totals by kind."""

    rows: list[tuple[LedgerEntry, Decimal]]
    deposited: Decimal
    withdrawn: Decimal
    given: Decimal
    received: Decimal
    balance: Decimal


def passbook(volunteer: Any) -> Passbook:
    rows = []
    running = ZERO
    totals: dict[str, Decimal] = {}
    for entry in account_entries(volunteer, Account.TIMEBANK):
        running += entry.amount
        rows.append((entry, running))
        totals[entry.kind] = totals.get(entry.kind, ZERO) + entry.amount
    return Passbook(
        rows=rows,
        deposited=totals.get(EntryKind.DEPOSIT, ZERO),
        withdrawn=-totals.get(EntryKind.WITHDRAWAL, ZERO),
        given=-(totals.get(EntryKind.TRANSFER_OUT, ZERO) + totals.get(EntryKind.DONATION, ZERO)),
        received=totals.get(EntryKind.TRANSFER_IN, ZERO),
        balance=running,
    )


# --- reconciliations ---------------------------------------------------------------------------------


def balances_reconcile() -> list[tuple[str, Decimal, Decimal]]:
    """Every kept balance whose cached amount differs from the sum of its entries: (key, cached,
    summed). Empty when the books are right."""
    wrong = []
    for balance in Balance.objects.all():
        entries = LedgerEntry.objects.filter(account=balance.account)
        if balance.volunteer_id:
            entries = entries.filter(volunteer_id=balance.volunteer_id)
        else:
            entries = entries.filter(volunteer__isnull=True, station_id=balance.station_id or 0)
        summed = entries.aggregate(total=Sum("amount"))["total"] or ZERO
        if summed != balance.amount:
            wrong.append((balance.key, balance.amount, summed))
    return wrong


def stock_reconcile() -> list[tuple[int, int, int]]:
    """Every item whose stock differs from the sum of its moves (账物相符): (item, stock, moves)."""
    items = ShopItem.objects.annotate(
        moved=Coalesce(Sum("moves__quantity"), Value(0), output_field=IntegerField())
    )
    return [(item.pk, item.stock, item.moved) for item in items if item.stock != item.moved]


def clearing_total(deployment_stations: Any = None) -> Decimal:
    """The sum of the clearing entries (通存通兑 pairs): zero when every pair is whole."""
    entries = LedgerEntry.objects.filter(account=Account.CLEARING)
    if deployment_stations is not None:
        entries = entries.filter(station__in=deployment_stations)
    return entries.aggregate(total=Sum("amount"))["total"] or ZERO


# --- for dashboards -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointsMonth:
    station_id: int
    month: date
    issued: Decimal  # earned, rewarded, added by staff
    redeemed: Decimal  # spent in the 爱心超市, net of returns


ISSUED_KINDS = (EntryKind.EARN, EntryKind.REWARD)


def points_by_station_month(
    *, station_ids: Any = None, start: date | None = None, end: date | None = None
) -> list[PointsMonth]:
    """Points issued and redeemed per station (the volunteer's) per month of `served_on`.

    Issued: points earned by verified hours and rewards, plus staff additions; redeemed: points
    spent in the 爱心超市 less what cancellations returned. Ordered by station, then month."""
    entries = LedgerEntry.objects.filter(account=Account.POINTS, volunteer__isnull=False)
    if station_ids is not None:
        entries = entries.filter(volunteer__station_id__in=station_ids)
    if start is not None:
        entries = entries.filter(served_on__gte=start)
    if end is not None:
        entries = entries.filter(served_on__lte=end)
    issued_q = Q(kind__in=ISSUED_KINDS) | Q(kind=EntryKind.STAFF_ADJUST, amount__gt=0)
    redeemed_q = Q(kind__in=(EntryKind.REDEEM, EntryKind.REFUND))
    rows = (
        entries.annotate(month=TruncMonth("served_on"))
        .values("volunteer__station_id", "month")
        .annotate(
            issued=Coalesce(Sum("amount", filter=issued_q), Value(ZERO)),
            redeemed=Coalesce(Sum("amount", filter=redeemed_q), Value(ZERO)),
        )
        .order_by("volunteer__station_id", "month")
    )
    return [
        PointsMonth(
            station_id=row["volunteer__station_id"],
            month=row["month"],
            issued=row["issued"],
            redeemed=-row["redeemed"],
        )
        for row in rows
    ]


def points_issued(*, station_ids: Any = None, year: int | None = None) -> Decimal:
    entries = LedgerEntry.objects.filter(account=Account.POINTS, volunteer__isnull=False).filter(
        Q(kind__in=ISSUED_KINDS) | Q(kind=EntryKind.STAFF_ADJUST, amount__gt=0)
    )
    if station_ids is not None:
        entries = entries.filter(volunteer__station_id__in=station_ids)
    if year is not None:
        entries = entries.filter(served_on__year=year)
    return entries.aggregate(total=Sum("amount"))["total"] or ZERO


# --- the stock report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockRow:
    item: ShopItem
    opening: int
    by_kind: dict[str, int]
    closing: int


def stock_month(station: Any, first: date, after: date) -> list[StockRow]:
    """Each item of the station: stock before `first`, the month's moves by kind, and the stock
    after (= opening + moves). Two queries however many items."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    stop = timezone.make_aware(datetime.combine(after, time.min))
    items = list(ShopItem.objects.filter(station=station).order_by("name", "id"))
    opening = dict(
        StockMove.objects.filter(item__station=station, moved_at__lt=start)
        .values("item_id")
        .annotate(total=Sum("quantity"))
        .values_list("item_id", "total")
    )
    moves: dict[int, dict[str, int]] = {}
    for item_id, kind, total in (
        StockMove.objects.filter(item__station=station, moved_at__gte=start, moved_at__lt=stop)
        .values("item_id", "kind")
        .annotate(total=Sum("quantity"))
        .values_list("item_id", "kind", "total")
    ):
        moves.setdefault(item_id, {})[kind] = total
    rows = []
    for item in items:
        by_kind = {kind: moves.get(item.pk, {}).get(kind, 0) for kind in MoveKind.values}
        start_stock = opening.get(item.pk, 0)
        rows.append(
            StockRow(
                item=item,
                opening=start_stock,
                by_kind=by_kind,
                closing=start_stock + sum(by_kind.values()),
            )
        )
    return rows


# --- recruiters and the pool's payments (staff pages) ----------------------------------------------

FOUND_LIMIT = 10


def recruiter_candidates(volunteer: Volunteer, q: str) -> list[Volunteer]:
    """Who may be recorded as the volunteer's recruiter: the station's other active volunteers
    matching `q` (name, pinyin, initials, phone digits or volunteer number), at most ten."""
    from linli.volunteers.queries import volunteer_search_condition

    q = q.strip()
    if not q:
        return []
    return list(
        Volunteer.objects.filter(station_id=volunteer.station_id, status=Volunteer.Status.ACTIVE)
        .exclude(pk=volunteer.pk)
        .filter(volunteer_search_condition(q))
        .select_related("person")
        .order_by("person__name", "pk")[:FOUND_LIMIT]
    )


def pool_requests(station: Any, q: str) -> list[Any]:
    """Requests of the station the pool may still pay for (not paid from the time bank, not
    refused or cancelled), newest first; `q` is a request number or words of the description
    or the names."""
    from linli.assistance.models import ServiceRequest
    from linli.incentives.actions.timebank import POOL_REFUSED_STATUSES

    rows = (
        ServiceRequest.objects.filter(station=station, timebank_payment__isnull=True)
        .exclude(status__in=POOL_REFUSED_STATUSES)
        .select_related("resident")
    )
    q = q.strip()
    if q:
        condition = (
            Q(description__icontains=q)
            | Q(requester_name__icontains=q)
            | Q(resident__name__contains=q)
        )
        number = q.lstrip("#")
        if number.isdigit() and len(number) <= 18:
            condition |= Q(pk=int(number))
        rows = rows.filter(condition)
    return list(rows.order_by("-submitted_at", "-pk")[:FOUND_LIMIT])


def pool_payments(station: Any) -> QuerySet[Any]:
    """The pool's decisions of the station, newest first."""
    return (
        TimebankPayment.objects.filter(pool_station=station)
        .select_related("service_request__resident", "decided_by")
        .order_by("-created_at", "-pk")
    )


# --- honours ------------------------------------------------------------------------------------------


def honour_roll(station: Any) -> list[Honour]:
    """The station's awarded honours with their honoured names, newest year first."""
    return list(
        Honour.objects.filter(station=station, status=HonourStatus.AWARDED)
        .prefetch_related(
            _accepted("nominations"),
        )
        .order_by("-year", "title")
    )


def honours_on_notice(station: Any) -> list[Honour]:
    now = timezone.now()
    return list(
        Honour.objects.filter(
            station=station, status=HonourStatus.PUBLICIZED, notice_ends_at__gt=now
        )
        .prefetch_related(_accepted("nominations"))
        .order_by("notice_ends_at")
    )


# The field of a nomination that names the nominee, by the honour's kind.
NOMINEE_FIELDS = {
    HonourKind.VOLUNTEER: "volunteer",
    HonourKind.TEAM: "team",
    HonourKind.FAMILY: "household",
}


def station_nominees(station_id: int, wanted: dict[str, int | None]) -> dict[str, Any]:
    """The volunteer, team or household each field (`volunteer`, `team`, `household`) names,
    looked up among the station's own; one the station does not have is a ValidationError on
    its field. The API and the page nominate through it."""
    rows: dict[str, QuerySet[Any]] = {
        "volunteer": Volunteer.objects.select_related("person"),
        "team": Team.objects.all(),
        "household": Household.objects.all(),
    }
    found: dict[str, Any] = {}
    for field, pk in wanted.items():
        if pk is None:
            continue
        row = rows[field].filter(pk=pk, station_id=station_id).first()
        if row is None:
            raise ValidationError({field: [_("本站没有这个对象。")]})
        found[field] = row
    return found


def _accepted(name: str) -> Any:
    from django.db.models import Prefetch

    return Prefetch(
        name,
        queryset=Nomination.objects.filter(status=NominationStatus.ACCEPTED).order_by(
            "display_name", "id"
        ),
        to_attr="accepted",
    )


def honours_count(*, station_ids: Any = None, year: int | None = None) -> int:
    honours = Nomination.objects.filter(
        status=NominationStatus.ACCEPTED, honour__status=HonourStatus.AWARDED
    )
    if station_ids is not None:
        honours = honours.filter(honour__station_id__in=station_ids)
    if year is not None:
        honours = honours.filter(honour__year=year)
    return honours.aggregate(n=Count("id"))["n"]
