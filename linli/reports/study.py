"""The 午间微学堂 part of a station's report: its pupils, their days at the room, the interest
classes that met and the tutors' hours — each counted from the rows of the period.

- pupils: enrolled at some time in the period (enrolled before its end, not left before its
  start; anonymised pupils still count, their rows keep the dates);
- study-room days: the `study_room_days` metric (one pupil on one day), as kept by month;
- classes: interest classes with a register taken in the period, each with its sessions (days
  with a register) and the pupils present over them;
- tutors: the volunteers of the confirmed shifts of the period, the shifts and the hours the
  ledger holds for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from linli.reports import monthly
from linli.studyroom.models import ClassKind, InterestClass, Pupil, Shift, StudyRoom


@dataclass
class ClassLine:
    name: str
    kind: str
    sessions: int
    present: int


@dataclass
class StudyPart:
    rooms: int
    pupils: int
    days: int
    tutors: int
    shifts: int
    tutor_hours: Decimal
    classes: list[ClassLine] = field(default_factory=list)

    @property
    def figures(self) -> list[tuple[str, int | float, str]]:
        """(label, value, unit) in the order the report prints them."""
        return [
            ("微学堂", self.rooms, "个"),
            ("在读学生", self.pupils, "人"),
            ("学堂人次", self.days, "人次"),
            ("兴趣班", len(self.classes), "个"),
            ("兴趣班课次", sum(line.sessions for line in self.classes), "次"),
            ("辅导志愿者", self.tutors, "人"),
            ("值班", self.shifts, "次"),
            ("辅导时长", float(self.tutor_hours), "小时"),
        ]


def study_part(reach: Any, start: date, end: date) -> StudyPart | None:
    """The study rooms of the stations in reach over [start, end); None where there is none."""
    rooms = StudyRoom.objects.filter(station_id__in=reach).count()
    if not rooms:
        return None
    pupils = (
        Pupil.objects.filter(room__station_id__in=reach, enrolled_on__lt=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=start))
        .count()
    )
    served = Shift.objects.filter(
        room__station_id__in=reach, day__gte=start, day__lt=end, ledger_entry__isnull=False
    ).aggregate(
        tutors=Count("volunteer", distinct=True),
        shifts=Count("pk"),
        hours=Sum("ledger_entry__amount"),
    )
    in_period = Q(attendance__day__gte=start, attendance__day__lt=end)
    met = (
        InterestClass.objects.filter(room__station_id__in=reach)
        .annotate(
            sessions=Count("attendance__day", filter=in_period, distinct=True),
            present=Count("attendance", filter=in_period & Q(attendance__present=True)),
        )
        .filter(sessions__gt=0)
        .order_by("room__station__path", "weekday", "starts", "id")
        .values_list("name", "kind", "sessions", "present")
    )
    kinds = dict(ClassKind.choices)
    return StudyPart(
        rooms=rooms,
        pupils=pupils,
        days=int(
            monthly.totals(("study_room_days",), reach, start=start, end=end)["study_room_days"]
        ),
        tutors=served["tutors"],
        shifts=served["shifts"],
        tutor_hours=served["hours"] or Decimal("0"),
        classes=[
            ClassLine(name, str(kinds.get(kind, kind)), sessions, present)
            for name, kind, sessions, present in met
        ],
    )
