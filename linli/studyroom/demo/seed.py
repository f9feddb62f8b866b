"""Seed the 午间微学堂: everything a user does goes through the actions (the room, enrolment with
the guardian's consent, the classes, the rota, today's check-ins); the term's history — the
stays and class registers of the school days already past — is inserted in bulk from a plan
drawn with a fixed seed, so every run plans the same term. Idempotent: a second run adds nothing.

The tutors' hours of past terms are in the weekly 午间微学堂 activities (activities' demo); the
rota starts today, so no hour is counted twice.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.activities.demo.tables import STUDY_ROOM
from linli.core.categories import ServiceCategory
from linli.core.workdays import is_working_day
from linli.org.models import Station
from linli.people.models import Resident
from linli.studyroom.actions.classes import ClassInput, class_create, class_enrol
from linli.studyroom.actions.day import stay_check_in, stay_pick_up
from linli.studyroom.actions.pupils import PupilInput, pupil_enrol
from linli.studyroom.actions.rooms import RoomInput, room_create
from linli.studyroom.actions.rota import shift_add
from linli.studyroom.models import (
    ClassAttendance,
    InterestClass,
    Pupil,
    PupilStatus,
    Shift,
    Stay,
    StudyRoom,
)
from linli.volunteers.demo.tables import STATION_CODE
from linli.volunteers.models import Volunteer

Progress = Callable[[str], None]
SEED = 20260901
PUPILS = 30
ROOM_NAME = "焦家社区午间微学堂"
SCHOOLS = ["当涂县实验小学", "当涂县第二小学", "当涂经济开发区中心学校", "当涂县姑孰中学"]
# (kind, name, weekday, capacity): one class a school day, after lunch.
CLASSES = [
    ("calligraphy", "书法班", 0, 12),
    ("painting", "绘画班", 1, 12),
    ("chess", "象棋班", 2, 10),
    ("music", "葫芦丝班", 3, 10),
]
HEALTH = [("花生过敏", ""), ("", "哮喘，书包里有喷雾"), ("海鲜过敏", ""), ("", "近视，坐前排")]
ATTENDS = 0.86


def term_start(today: date) -> date:
    """The first day of the school term the demo's attendance covers."""
    if today.month >= 9:
        return date(today.year, 9, 1)
    if today.month == 1:
        return date(today.year - 1, 9, 1)
    return date(today.year, 2, 24)


def school_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if is_working_day(day) and day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _at(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _age(person: Resident, on: date) -> int:
    return person.age(on)


def _households(
    station: Station, today: date, rng: random.Random
) -> list[tuple[Resident, list[Resident]]]:
    """Children aged 6–12 with the adults of their household, in a fixed order, drawn once."""
    living = Resident.objects.filter(station=station, status=Resident.Status.LIVING)
    young = today.replace(year=today.year - 6)
    old = today.replace(year=today.year - 13)
    children = list(
        living.filter(birth_date__gt=old, birth_date__lte=young, household__isnull=False).order_by(
            "pk"
        )
    )
    adults_by_home: dict[int, list[Resident]] = {}
    for adult in living.filter(
        household_id__in={child.household_id for child in children},
        birth_date__lte=today.replace(year=today.year - 22),
        birth_date__gt=today.replace(year=today.year - 76),
    ).order_by("birth_date", "pk"):
        adults_by_home.setdefault(adult.household_id or 0, []).append(adult)
    rng.shuffle(children)
    chosen = []
    for child in children:
        adults = adults_by_home.get(child.household_id or 0, [])
        if adults:
            chosen.append((child, adults[:3]))
    return chosen


def _tutors(station: Station) -> list[Volunteer]:
    return list(
        Volunteer.objects.filter(
            station=station,
            status=Volunteer.Status.ACTIVE,
            categories__category=ServiceCategory.EDUCATION,
        )
        .select_related("person", "user")
        .order_by("pk")
        .distinct()
    )


def seed_study_room(progress: Progress | None = None) -> int:
    """The room, its pupils, classes, rota and the term; returns how many rows were added."""
    report = progress or (lambda _message: None)
    station = Station.objects.get(code=STATION_CODE)
    today = timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 (demo data)
    added = 0
    room = StudyRoom.objects.filter(station=station).first()
    if room is None:
        room = room_create(station=station, data=RoomInput(ROOM_NAME, STUDY_ROOM), actor=None)
        added += 1
    first = term_start(today)
    added += _enrol(room, station, today, first, rng)
    tutors = _tutors(station)
    added += _classes(room, tutors, rng)
    added += _rota(room, tutors, today)
    added += _term(room, first, today, random.Random(SEED + 1))  # noqa: S311
    added += _today(room, today)
    report(
        f"    学生 {Pupil.objects.filter(room=room, status=PupilStatus.ACTIVE).count()}，"
        f"本学期到堂 {Stay.objects.filter(room=room, day__gte=first).count()} 人次"
    )
    return added


@transaction.atomic
def _enrol(room: StudyRoom, station: Station, today: date, first: date, rng: random.Random) -> int:
    if Pupil.objects.filter(room=room).exists():
        return 0
    created = []
    for index, (child, adults) in enumerate(_households(station, today, rng)[:PUPILS]):
        allergies, notes = HEALTH[index % len(HEALTH)] if index % 7 == 0 else ("", "")
        grandparent = all(_age(adult, today) >= 50 for adult in adults)
        pupil = pupil_enrol(
            room=room,
            data=PupilInput(
                child=child,
                guardians=adults,
                school=SCHOOLS[index % len(SCHOOLS)] if _age(child, today) < 12 else SCHOOLS[-1],
                grade=max(1, min(6, _age(child, today) - 5)),
                consent=True,
                allergies=allergies,
                health_notes=notes,
                photo_consent=rng.random() < 0.7,
                relation="grandparent" if grandparent else "parent",
            ),
            actor=None,
        )
        created.append(pupil.pk)
    # Enrolled before the term began: the paper forms were collected at the start of term.
    Pupil.objects.filter(pk__in=created).update(enrolled_on=first - timedelta(days=3))
    return len(created)


@transaction.atomic
def _classes(room: StudyRoom, tutors: list[Volunteer], rng: random.Random) -> int:
    if InterestClass.objects.filter(room=room).exists() or not tutors:
        return 0
    pupils = list(Pupil.objects.filter(room=room, status=PupilStatus.ACTIVE).order_by("pk"))
    added = 0
    for index, (kind, name, weekday, capacity) in enumerate(CLASSES):
        created = class_create(
            room=room,
            data=ClassInput(kind, name, weekday, time(12, 40), time(13, 20), capacity,
                            tutors[index % len(tutors)]),
            actor=None,
        )  # fmt: skip
        for pupil in rng.sample(pupils, min(len(pupils), capacity - 2)):
            class_enrol(interest_class=created, pupil=pupil, actor=None)
        added += 1
    return added


@transaction.atomic
def _rota(room: StudyRoom, tutors: list[Volunteer], today: date) -> int:
    """Two tutors a school day from today for three weeks; the demo volunteer (黄文静) is on
    duty today when she tutors, so her account opens the phone page."""
    if Shift.objects.filter(room=room).exists() or not tutors:
        return 0
    regular = tutors[:6]
    demo = next((tutor for tutor in tutors if tutor.user.phone == "13900000004"), None)
    added = 0
    for index, day in enumerate(school_days(today, today + timedelta(days=20))):
        pair = [regular[(2 * index) % len(regular)], regular[(2 * index + 1) % len(regular)]]
        if day == today and demo is not None:
            pair[0] = demo
        for tutor in {tutor.pk: tutor for tutor in pair}.values():
            shift_add(room=room, volunteer=tutor, day=day, actor=None)
            added += 1
    return added


def _term(room: StudyRoom, first: date, today: date, rng: random.Random) -> int:
    """The term's past school days: stays with their pick-ups, and the classes' registers."""
    if Stay.objects.filter(room=room, day__lt=today).exists():
        return 0
    pupils = list(
        Pupil.objects.filter(room=room, status=PupilStatus.ACTIVE)
        .prefetch_related("guardians")
        .order_by("pk")
    )
    stays, registers = [], []
    classes = list(room.classes.prefetch_related("enrolments"))
    for day in school_days(first, today - timedelta(days=1)):
        came = set()
        for pupil in pupils:
            if rng.random() > ATTENDS:
                continue
            came.add(pupil.pk)
            guardians = list(pupil.guardians.all())
            in_at = _at(day, 11, 30) + timedelta(minutes=rng.randint(0, 25))
            stays.append(
                Stay(
                    room=room,
                    pupil=pupil,
                    day=day,
                    in_at=in_at,
                    out_at=_at(day, 13, 0) + timedelta(minutes=rng.randint(0, 40)),
                    picked_up_by_id=rng.choice(guardians).resident_id,
                    out_method=rng.choice(["chosen", "chosen", "qr"]),
                )  # fmt: skip
            )
        for interest_class in classes:
            if interest_class.weekday != day.weekday():
                continue
            for enrolment in interest_class.enrolments.all():
                registers.append(
                    ClassAttendance(
                        interest_class=interest_class,
                        pupil_id=enrolment.pupil_id,
                        day=day,
                        present=enrolment.pupil_id in came and rng.random() < 0.95,
                    )  # fmt: skip
                )
    with transaction.atomic():
        Stay.objects.bulk_create(stays, batch_size=500)
        ClassAttendance.objects.bulk_create(registers, batch_size=500)
    return len(stays) + len(registers)


def _today(room: StudyRoom, today: date) -> int:
    """Today at noon, lived through the actions: the pupils who came are checked in once it is
    past 11:45, and a few have gone home once it is past 13:10 — so the tutor's page shows a
    real pick-up time."""
    now = timezone.localtime()
    if not (is_working_day(today) and today.weekday() < 5) or now.time() < time(11, 45):
        return 0
    if Stay.objects.filter(room=room, day=today).exists():
        return 0
    rng = random.Random(SEED + today.toordinal())  # noqa: S311 (demo data)
    added = 0
    for pupil in Pupil.objects.filter(room=room, status=PupilStatus.ACTIVE).order_by("pk"):
        if rng.random() > ATTENDS:
            continue
        stay_check_in(room=room, pupil=pupil, actor=None, at=_at(today, 11, 30) + timedelta(
            minutes=rng.randint(0, 15)))  # fmt: skip
        added += 1
        if now.time() >= time(13, 10) and rng.random() < 0.5:
            guardian: Any = pupil.guardians.filter(removed_at__isnull=True).first()
            stay_pick_up(room=room, pupil=pupil, person=guardian.resident, actor=None,
                         at=_at(today, 13, 0) + timedelta(minutes=rng.randint(0, 10)))  # fmt: skip
    return added
