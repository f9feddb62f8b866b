"""Balances and star levels, always derived from the entries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from linli.ledger.models import Account, LedgerEntry


def balance(volunteer: Any, account: str = Account.HOURS) -> Decimal:
    total = LedgerEntry.objects.filter(volunteer=volunteer, account=account).aggregate(
        total=Sum("amount")
    )["total"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def star_level(hours: Decimal) -> int:
    """SPEC §3: 1★ from 100 h … 5★ from 1,500 h (LINLI_STAR_THRESHOLDS)."""
    return sum(1 for threshold in settings.STAR_THRESHOLDS if hours >= threshold)


def with_hours(volunteers: QuerySet[Any]) -> QuerySet[Any]:
    """Annotate `total_hours` on a volunteer queryset in the same query."""
    return volunteers.annotate(
        total_hours=Coalesce(
            Sum("ledger_entries__amount", filter=Q(ledger_entries__account=Account.HOURS)),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=10, decimal_places=2),
        )
    )


def entries_of(volunteer: Any, account: str = Account.HOURS) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(volunteer=volunteer, account=account)
        .select_related("activity", "reverses", "approved_by")
        .order_by("served_on", "created_at", "id")
    )


def totals_by_year(volunteer: Any, account: str = Account.HOURS) -> list[tuple[int, Decimal]]:
    """(year, the year's sum) of a volunteer's entries on one account, newest year first, summed
    in the database from the same rows `entries_of` lists."""
    rows = (
        LedgerEntry.objects.filter(volunteer=volunteer, account=account)
        .annotate(year=ExtractYear("served_on"))
        .order_by()
        .values("year")
        .annotate(total=Sum("amount"))
        .order_by("-year")
    )
    return [(row["year"], row["total"].quantize(Decimal("0.01"))) for row in rows]


def next_star(hours: Decimal) -> tuple[int, Decimal, int] | None:
    """The next star level, the hours still missing to reach it and its threshold (None at the
    top level)."""
    for level, threshold in enumerate(settings.STAR_THRESHOLDS, start=1):
        if hours < threshold:
            return level, Decimal(threshold) - hours, threshold
    return None
