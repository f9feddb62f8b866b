"""Reads of the study room: the tutor's board of the day, the figures, and attendance days.

An attendance day (学堂人次) is one pupil on one day at one room: the stays are one a day by
constraint, so counting stays counts days. Anonymised pupils keep their stays, so the figures of
past years do not change when the retention sweep runs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from linli.people.models import Resident
from linli.people.queries import search_condition
from linli.studyroom.models import Guardian, Pupil, PupilStatus, Shift, Stay, StudyRoom

# The last four characters of an ID number (the masked number keeps them), e.g. `123X`.
ID_TAIL_QUERY = re.compile(r"^\d{3}[\dXx]$")
PHONE_DIGITS_QUERY = re.compile(r"^\d{4,11}$")
# How many children the enrolment picker offers at once.
CHILD_PICKER_LIMIT = 10


@dataclass
class BoardRow:
    pupil: Pupil
    guardians: list[Guardian]
    stay: Stay | None

    @property
    def state(self) -> str:
        """`in` (here now), `out` (picked up today) or `absent`."""
        if self.stay is None:
            return "absent"
        return "in" if self.stay.out_at is None else "out"


@dataclass
class Board:
    room: StudyRoom
    day: date
    rows: list[BoardRow]
    tutors: list[Shift] = field(default_factory=list)

    def _count(self, state: str) -> int:
        return sum(row.state == state for row in self.rows)

    @property
    def present(self) -> int:
        return self._count("in")

    @property
    def gone(self) -> int:
        return self._count("out")

    @property
    def absent(self) -> int:
        return self._count("absent")


def board_of(room: StudyRoom, day: date | None = None) -> Board:
    """The day at a room: every active pupil with their standing guardians and the day's stay,
    in a fixed number of queries whatever the number of pupils."""
    day = day or timezone.localdate()
    pupils = (
        Pupil.objects.filter(room=room, status=PupilStatus.ACTIVE)
        .select_related("resident")
        .prefetch_related(
            Prefetch(
                "guardians",
                queryset=Guardian.objects.filter(removed_at__isnull=True).select_related(
                    "resident"
                ),
                to_attr="standing_guardians",
            )
        )
        .order_by("resident__name_pinyin", "pk")
    )
    stays = {
        stay.pupil_id: stay
        for stay in Stay.objects.filter(room=room, day=day).select_related("picked_up_by")
    }
    tutors = list(Shift.objects.filter(room=room, day=day).select_related("volunteer__person"))
    rows = [
        BoardRow(pupil, list(pupil.standing_guardians), stays.get(pupil.pk)) for pupil in pupils
    ]
    return Board(room, day, rows, tutors)


def pupil_count(station_ids: Any) -> int:
    """Pupils enrolled now at the stations' study rooms."""
    return Pupil.objects.filter(room__station_id__in=station_ids, status=PupilStatus.ACTIVE).count()


def stays_in(station_ids: Any, year: int | None = None) -> QuerySet[Stay]:
    stays = Stay.objects.filter(room__station_id__in=station_ids)
    if year is not None:
        stays = stays.filter(day__year=year)
    return stays


def attendance_days_by_station_month(
    station_ids: Any, *, start: date | None = None, end: date | None = None
) -> dict[tuple[int, str], int]:
    """Pupils' attendance days (学堂人次) per station and month: {(station_id, "YYYY-MM"): n},
    counted from the stays between `start` and `end` (both inclusive, either open). For reports'
    people served: one pupil on one day is one person-time."""
    stays = Stay.objects.filter(room__station_id__in=station_ids)
    if start is not None:
        stays = stays.filter(day__gte=start)
    if end is not None:
        stays = stays.filter(day__lte=end)
    rows = (
        stays.annotate(year=ExtractYear("day"), month=ExtractMonth("day"))
        .values("room__station_id", "year", "month")
        .annotate(days=Count("pk"))
        .order_by()
    )
    counted: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        counted[(row["room__station_id"], f"{row['year']:04d}-{row['month']:02d}")] += row["days"]
    return dict(counted)


def study_room_figures(station_ids: Any, year: int | None) -> dict[str, int]:
    """The summary's figures: pupils enrolled now, and attendance days (in `year` if given)."""
    return {
        "pupils": pupil_count(station_ids),
        "study_room_days": stays_in(station_ids, year).count(),
    }


def child_search_condition(q: str) -> Q:
    """The enrolment picker's search for a child: the registry's search (name, pinyin or its
    initials, phone digits, an exact ID number), the last four of the child's ID number, or
    digits of a phone of someone in the child's household (the guardian's number on the paper
    form finds the child)."""
    q = q.strip()
    condition = search_condition(q)
    if ID_TAIL_QUERY.match(q):
        condition |= Q(id_number_masked__iendswith=q)
    if PHONE_DIGITS_QUERY.match(q):
        household_phone = Resident.objects.filter(
            household_id=OuterRef("household_id"), phone__contains=q
        )
        condition |= Q(household_id__isnull=False) & Q(Exists(household_phone))
    return condition


def enrol_candidates(children: QuerySet[Resident], q: str) -> list[Resident]:
    """At most CHILD_PICKER_LIMIT of `children` (the room's station's children not enrolled)
    matching `q`, with their address for telling two of one name apart."""
    return list(
        children.filter(child_search_condition(q))
        .select_related("household__building__estate")
        .order_by("name_pinyin", "pk")[:CHILD_PICKER_LIMIT]
    )
