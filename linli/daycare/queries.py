"""Reads of the centres: the day's roster, attendance figures, members, equipment.

Person-times (人次) are counted from the attendance rows: one person on one day at one centre is
one person-time, however many times they came and went that day.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from linli.daycare.models import (
    Centre,
    CentreAttendance,
    CentreKind,
    Equipment,
    EquipmentLoan,
    Membership,
    MemberStatus,
)


def person_times(stays: QuerySet[CentreAttendance]) -> int:
    """Distinct (centre, person, day) among `stays`."""
    return stays.order_by().values("centre_id", "resident_id", "day").distinct().count()


@dataclass
class RosterRow:
    membership: Membership
    stays: list[CentreAttendance]  # the day's stays, earliest first
    open_stay: CentreAttendance | None  # in now (possibly since an earlier day)

    @property
    def state(self) -> str:
        """`in` (here now), `out` (came today and went home) or `absent`."""
        if self.open_stay is not None:
            return "in"
        return "out" if self.stays else "absent"


@dataclass
class Day:
    day: date
    rows: list[RosterRow]

    @property
    def present(self) -> int:
        return sum(row.state == "in" for row in self.rows)

    @property
    def came(self) -> int:
        """Person-times of the day: members who checked in on it."""
        return sum(bool(row.stays) for row in self.rows)

    @property
    def gone_home(self) -> int:
        return sum(row.state == "out" for row in self.rows)


def day_of(centre: Centre, day: date | None = None) -> Day:
    """The roster of a day: every active member with the day's stays and any open stay (three
    queries, whatever the number of members)."""
    day = day or timezone.localdate()
    members = list(
        Membership.objects.filter(centre=centre, status=MemberStatus.ACTIVE)
        .select_related("resident")
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=CentreAttendance.objects.filter(Q(day=day) | Q(out_at__isnull=True))
                .select_related("in_by", "out_by")
                .order_by("in_at"),
                to_attr="recent_stays",
            )
        )
        .order_by("resident__name_pinyin", "pk")
    )
    rows = []
    for membership in members:
        stays = membership.recent_stays
        rows.append(
            RosterRow(
                membership=membership,
                stays=[stay for stay in stays if stay.day == day],
                open_stay=next((stay for stay in stays if stay.out_at is None), None),
            )
        )
    return Day(day, rows)


def attendance_on(centre: Centre, day: date) -> QuerySet[CentreAttendance]:
    return (
        CentreAttendance.objects.filter(centre=centre, day=day)
        .select_related("resident")
        .order_by("in_at", "pk")
    )


def monthly_person_times(centre: Centre, year: int) -> list[tuple[int, int]]:
    """(month, person-times) of a year, all twelve months."""
    seen = set(
        CentreAttendance.objects.filter(centre=centre, day__year=year).values_list(
            "resident_id", "day"
        )
    )
    counted = Counter(day.month for _resident, day in seen)
    return [(month, counted.get(month, 0)) for month in range(1, 13)]


def daily_person_times(centre: Centre, year: int, month: int) -> list[tuple[date, int]]:
    """(day, person-times) of the days of a month that had any attendance."""
    counted = (
        CentreAttendance.objects.filter(centre=centre, day__year=year, day__month=month)
        .order_by()
        .values("day")
        .annotate(n=Count("resident_id", distinct=True))
        .values_list("day", "n")
    )
    return sorted(counted)


def yearly_person_times(centre: Centre) -> list[tuple[int, int]]:
    """(year, person-times) of every year since the centre opened, up to this one."""
    seen = set(CentreAttendance.objects.filter(centre=centre).values_list("resident_id", "day"))
    counted = Counter(day.year for _resident, day in seen)
    this_year = timezone.localdate().year
    return [(year, counted.get(year, 0)) for year in range(centre.opened_on.year, this_year + 1)]


def member_counts(centres: QuerySet[Centre]) -> dict[int, int]:
    return dict(
        Membership.objects.filter(centre__in=centres, status=MemberStatus.ACTIVE)
        .order_by()
        .values("centre_id")
        .annotate(n=Count("pk"))
        .values_list("centre_id", "n")
    )


@dataclass
class EquipmentRow:
    equipment: Equipment
    loan: EquipmentLoan | None

    @property
    def overdue(self) -> bool:
        return self.loan is not None and self.loan.due_on < timezone.localdate()


def equipment_rows(centre: Centre) -> list[EquipmentRow]:
    """Every piece with its open loan, if any (two queries)."""
    pieces = list(
        Equipment.objects.filter(centre=centre).prefetch_related(
            Prefetch(
                "loans",
                queryset=EquipmentLoan.objects.filter(returned_on__isnull=True).select_related(
                    "resident"
                ),
                to_attr="open_loans",
            )
        )
    )
    return [
        EquipmentRow(piece, piece.open_loans[0] if piece.open_loans else None) for piece in pieces
    ]


def disabled_served(station_ids: Any, year: int | None) -> int:
    """The disabled residents the stations' disabled centres served: members admitted (in
    `year` if given: whose membership overlapped it), each once."""
    served = Membership.objects.filter(
        centre__station_id__in=station_ids,
        centre__kind=CentreKind.DISABLED,
        status__in=(MemberStatus.ACTIVE, MemberStatus.LEFT),
    )
    if year is not None:
        served = served.filter(joined_on__lte=date(year, 12, 31)).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=date(year, 1, 1))
        )
    return served.order_by().values("resident_id").distinct().count()


def daycare_figures(station_ids: Any, year: int | None) -> dict[str, int]:
    """The summary's day-care figures (SPEC §7.2) counted from the rows: person-times at the
    stations' centres and the disabled residents served. The summary takes the person-times from
    the rollups (linli.stats.rollups), which are tested against this count."""
    stays = CentreAttendance.objects.filter(centre__station_id__in=station_ids)
    if year is not None:
        stays = stays.filter(day__year=year)
    return {
        "daycare_person_times": person_times(stays),
        "disabled_served": disabled_served(station_ids, year),
    }
