"""The dashboard's breakdowns, each one GROUP BY in the database: volunteers by team, star level
and age band (as they stand today), activities by category and requests by status (in a period).
Every function returns (key, label, count) rows; the key is what the rows page filters on."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.activities.models import Activity, ActivityStatus
from linli.assistance.models import RequestStatus, ServiceRequest
from linli.core.categories import ServiceCategory
from linli.ledger.models import Account, LedgerEntry
from linli.ledger.queries import star_level
from linli.reports.periods import Period
from linli.stats.metrics import Part
from linli.teams.models import Team, TeamMembership
from linli.volunteers.models import Volunteer

Row = tuple[str, str, int]

# Age bands of volunteers: (key, label, lowest age, highest age or None).
AGE_BANDS = (
    ("under18", _("18岁以下"), 0, 17),
    ("18-34", _("18–34岁"), 18, 34),
    ("35-59", _("35–59岁"), 35, 59),
    ("60-69", _("60–69岁"), 60, 69),
    ("70+", _("70岁及以上"), 70, None),
)


def active_volunteers(station_ids: Any) -> QuerySet[Volunteer]:
    return Volunteer.objects.filter(station_id__in=station_ids, status=Volunteer.Status.ACTIVE)


def with_star(volunteers: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    """Annotate `star` (0–5) from each volunteer's ledger hours, in the same query."""
    hours = (
        LedgerEntry.objects.filter(volunteer=OuterRef("pk"), account=Account.HOURS)
        .order_by()
        .values("volunteer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    total = Coalesce(
        Subquery(hours, output_field=DecimalField(max_digits=10, decimal_places=2)),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=10, decimal_places=2),
    )
    thresholds = sorted(settings.STAR_THRESHOLDS, reverse=True)
    star = Case(
        *[
            When(total_hours__gte=threshold, then=Value(len(thresholds) - index))
            for index, threshold in enumerate(thresholds)
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    return volunteers.annotate(total_hours=total).annotate(star=star)


def born_between(low_age: int, high_age: int | None, *, on: date) -> Q:
    """Volunteers aged low_age..high_age on `on`, by their person's birth date."""
    condition = Q(person__birth_date__lte=_years_before(on, low_age))
    if high_age is not None:
        condition &= Q(person__birth_date__gt=_years_before(on, high_age + 1))
    return condition


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band_filter(key: str) -> Q | None:
    today = timezone.localdate()
    for band_key, _label, low, high in AGE_BANDS:
        if band_key == key:
            return born_between(low, high, on=today)
    return None


def volunteers_by_team(station_ids: Any) -> list[Row]:
    rows = (
        Team.objects.filter(station_id__in=station_ids, parent__isnull=True)
        .annotate(
            count=Count(
                "memberships",
                filter=Q(
                    memberships__status=TeamMembership.Status.ACTIVE,
                    memberships__volunteer__status=Volunteer.Status.ACTIVE,
                ),
            )
        )
        .order_by("-count", "name")
        .values_list("pk", "name", "count")
    )
    return [(str(pk), name, count) for pk, name, count in rows]


def volunteers_by_star(station_ids: Any, active: int) -> list[Row]:
    """Active volunteers by star level (SPEC §3, from their ledger hours): the hours of every
    volunteer with any, in one GROUP BY, placed on the levels; the rest of the `active`
    volunteers have none and no star. (`with_star` gives the same levels row by row, for the
    rows page.)"""
    hours = (
        LedgerEntry.objects.filter(
            account=Account.HOURS,
            volunteer__station_id__in=station_ids,
            volunteer__status=Volunteer.Status.ACTIVE,
        )
        .order_by()
        .values("volunteer_id")
        .annotate(total=Sum("amount"))
        .values_list("total", flat=True)
    )
    counted = Counter(star_level(total or Decimal("0")) for total in hours)
    counted[0] += active - sum(counted.values())
    levels = range(len(settings.STAR_THRESHOLDS) + 1)
    return [
        (
            str(level),
            str(_("%(n)d星") % {"n": level}) if level else str(_("未达星级")),
            counted.get(level, 0),
        )
        for level in levels
    ]


def volunteers_by_age_band(station_ids: Any) -> list[Row]:
    today = timezone.localdate()
    counted = active_volunteers(station_ids).aggregate(
        **{
            key: Count("pk", filter=born_between(low, high, on=today))
            for key, _l, low, high in AGE_BANDS
        }
    )
    return [(key, str(label), counted[key]) for key, label, _low, _high in AGE_BANDS]


def activities_by_category(station_ids: Any, period: Period) -> list[Row]:
    held = Part(
        Activity.objects.filter(station_id__in=station_ids).exclude(
            status=ActivityStatus.CANCELLED
        ),
        "starts_at",
    ).within(period.start, period.end)
    counted = dict(
        held.order_by()
        .values("category")
        .annotate(count=Count("pk"))
        .values_list("category", "count")
    )
    labels = dict(ServiceCategory.choices)
    rows = [(code, str(labels.get(code, code)), count) for code, count in counted.items()]
    return sorted(rows, key=lambda row: (-row[2], row[0]))


def requests_by_status(station_ids: Any, period: Period) -> list[Row]:
    """The funnel: every status, in the order of the request's life, zeros included."""
    submitted = Part(
        ServiceRequest.objects.filter(station_id__in=station_ids), "submitted_at"
    ).within(period.start, period.end)
    counted = dict(
        submitted.order_by()
        .values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return [(code, str(label), counted.get(code, 0)) for code, label in RequestStatus.choices]
