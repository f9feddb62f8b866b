"""The plan of the activity history: which activities, who signed up, who came and for how long.

Pure once the corps is read: every activity draws from its own generator, seeded with the
station's seed and the activity's kind and day, so an activity's people do not change when the
history grows by a week. Who serves how much follows from who comes, never from a target total:
each volunteer has a fixed keenness, leaders come to their team's activities, and the 午间微学堂's
retired teachers come most school days (SPEC §1), which is how a few reach 1,500 hours.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from linli.activities.demo.tables import (
    CALENDAR,
    CHECK_METHODS,
    EVERYONE,
    HISTORY_START,
    NO_SHOW,
    OCCASIONAL_TUTOR,
    PEOPLE_SERVED,
    RANDOM_SEED,
    SIGNUP_CANCELLED,
    STUDY,
    TERMS,
    TUTOR_TIERS,
    UPCOMING_DAYS,
    ZEAL,
    ActivityKind,
)
from linli.activities.hours import served_hours
from linli.core.workdays import add_working_days, is_working_day
from linli.people.demo.tables import ESTATES
from linli.volunteers.demo.tables import KEPU, PARTY

VERIFIED, CLOSED, UPCOMING, CANCELLED = "verified", "closed", "upcoming", "cancelled"
MINIMUM_AGE = 16
JOINED_BY = date(2025, 9, 1)  # the last volunteers of the roster joined by then


@dataclass(frozen=True)
class VolunteerRow:
    """What the plan needs of an active volunteer of the station."""

    pk: int
    user_id: int
    name: str
    birth_date: date
    occupation: str
    availability: int
    teams: frozenset[str]  # team and troupe names


@dataclass
class PlannedAttendance:
    volunteer: int
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None
    checkin_method: str = ""
    checkout_method: str = ""
    hours: Decimal = Decimal("0")
    hours_note: str = ""
    no_show: bool = False


@dataclass
class PlannedSignup:
    volunteer: int
    created_at: datetime
    cancelled_at: datetime | None = None


@dataclass
class PlannedActivity:
    kind: str
    title: str
    team: str
    category: str
    place: str
    organizer: str
    partners: str
    description: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    responsible: int  # the volunteer pk of the responsible person (a team leader)
    outdoor: bool
    state: str  # VERIFIED | CLOSED | UPCOMING | CANCELLED (the upcoming one called off)
    created_at: datetime
    closed_at: datetime | None = None
    verified_at: datetime | None = None
    people_served: int | None = None  # the organiser's head count at closing
    signups: list[PlannedSignup] = field(default_factory=list)
    attendance: list[PlannedAttendance] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, datetime]:
        return self.title, self.starts_at


def at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def minutes(count: float) -> timedelta:
    return timedelta(minutes=count)


def slot_of(clock: time) -> int:
    return 0 if clock.hour < 12 else 1 if clock.hour < 18 else 2


class HistoryPlanner:
    def __init__(
        self,
        volunteers: list[VolunteerRow],
        leaders: dict[str, int],
        *,
        now: datetime,
        seed: int = RANDOM_SEED,
    ) -> None:
        self.seed = seed
        self.now = now
        self.today = timezone.localdate(now)
        self.volunteers = sorted(volunteers, key=lambda row: row.pk)
        self.by_pk = {row.pk: row for row in self.volunteers}
        self.leaders = leaders
        rng = random.Random(seed)  # noqa: S311 (synthetic demo data, not a secret)
        shares, weights = [share for share, _w in ZEAL], [weight for _s, weight in ZEAL]
        self.zeal: dict[int, float] = {}
        self.joined: dict[int, date] = {}
        span = (JOINED_BY - HISTORY_START).days
        for row in self.volunteers:
            self.zeal[row.pk] = rng.choices(weights, shares)[0]
            early = row.pk in leaders.values() or self.zeal[row.pk] >= weights[0]
            offset = 0 if early or rng.random() < 0.4 else rng.randrange(span)
            self.joined[row.pk] = HISTORY_START + timedelta(days=offset)
        self.tutors = self.draw_tutors(rng)
        for pk, since, _share, _days in self.tutors:
            self.joined[pk] = min(self.joined[pk], since)

    def rng(self, kind: str, day: date) -> random.Random:
        return random.Random(f"{self.seed}:{kind}:{day.isoformat()}")  # noqa: S311

    def eligible(self, row: VolunteerRow, day: date) -> bool:
        adult_on = date(row.birth_date.year + MINIMUM_AGE, row.birth_date.month, 1)
        return adult_on <= day and self.joined[row.pk] <= day

    # --- the 午间微学堂 ---------------------------------------------------------------------------

    def draw_tutors(self, rng: random.Random) -> list[tuple[int, date, float, tuple[int, int]]]:
        """The retired teachers of the 科普 and Party teams, most devoted first."""
        pool = [
            row.pk
            for row in self.volunteers
            if row.occupation == "退休教师" and row.teams & {KEPU, PARTY}
        ]
        rng.shuffle(pool)
        tutors: list[tuple[int, date, float, tuple[int, int]]] = []
        for count, since, share, days in TUTOR_TIERS:
            tutors.extend((pool.pop(0), since, share, days) for _ in range(min(count, len(pool))))
        share, days = OCCASIONAL_TUTOR
        tutors.extend((pk, STUDY.since, share, days) for pk in pool)
        return tutors

    def school_weeks(self) -> list[list[date]]:
        """The school days of each complete past week since the study room opened."""
        weeks: list[list[date]] = []
        for year in range(STUDY.since.year, self.today.year + 1):
            for season, default in (("spring", ((2, 20), (6, 30))), ("autumn", ((9, 1), (1, 20)))):
                first, last = TERMS.get((year, season)) or (
                    date(year, *default[0]),
                    date(year + (season == "autumn"), *default[1]),
                )
                first = max(first, STUDY.since)
                monday = first - timedelta(days=first.weekday())
                while monday <= last:
                    days = [
                        day
                        for day in (monday + timedelta(days=n) for n in range(7))
                        if first <= day <= last and is_working_day(day)
                    ]
                    if days and days[-1] < self.today:
                        weeks.append(days)
                    monday += timedelta(days=7)
        return weeks

    def study_week(self, days: list[date]) -> PlannedActivity:
        rng = self.rng(STUDY.code, days[0])
        opens, closes = STUDY.hours
        title = (
            f"{STUDY.title}（{days[0].month}月{days[0].day}日—{days[-1].month}月{days[-1].day}日）"
        )
        activity = self.activity(STUDY, rng, title, days[0], at(days[-1], closes))
        for pk, since, share, (fewest, most) in self.tutors:
            if days[0] < since or not self.eligible(self.by_pk[pk], days[0]):
                continue
            if rng.random() >= share:
                continue
            served = sorted(rng.sample(days, min(len(days), rng.randint(fewest, most))))
            rows = [self.arrive(rng, at(day, opens), at(day, closes), keen=True) for day in served]
            method = self.method(rng)
            activity.signups.append(PlannedSignup(pk, at(days[0], opens) - minutes(4320)))
            activity.attendance.append(
                PlannedAttendance(
                    volunteer=pk,
                    checked_in_at=rows[0][0],
                    checked_out_at=rows[-1][1],
                    checkin_method=method,
                    checkout_method=method,
                    hours=sum(
                        (
                            served_hours(
                                checked_in_at=came,
                                checked_out_at=left,
                                starts_at=at(day, opens),
                                ends_at=at(day, closes),
                            )
                            for day, (came, left) in zip(served, rows, strict=True)
                        ),
                        Decimal("0.00"),
                    ),
                    hours_note=f"本周到岗 {len(served)} 天，按日签到签退累计",
                )
            )
        return activity

    # --- the calendar -----------------------------------------------------------------------------

    def activity(
        self, kind: ActivityKind, rng: random.Random, title: str, day: date, ends_at: datetime
    ) -> PlannedActivity:
        starts_at = at(day, kind.hours[0])
        place = kind.place.format(estate=rng.choice(ESTATES)[0])
        return PlannedActivity(
            kind=kind.code,
            title=title,
            team=kind.team,
            category=kind.category,
            place=place,
            organizer=kind.organizer,
            partners=kind.partners,
            description=kind.description,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=kind.capacity,
            responsible=self.leaders[kind.team],
            outdoor=kind.outdoor,
            state=UPCOMING if starts_at > self.now else VERIFIED,
            created_at=starts_at - timedelta(days=rng.randint(7, 20), hours=rng.randint(1, 8)),
        )

    def candidates(self, kind: ActivityKind, day: date) -> list[VolunteerRow]:
        teams = {kind.team, *kind.draw}
        return [
            row
            for row in self.volunteers
            if (EVERYONE in teams or row.teams & teams) and self.eligible(row, day)
        ]

    def weight(self, row: VolunteerRow, kind: ActivityKind, day: date) -> float:
        free = row.availability & (1 << (day.weekday() * 3 + slot_of(kind.hours[0])))
        return self.zeal[row.pk] * (1.0 if free else 0.25) * (1.5 if kind.team in row.teams else 1)

    def occurrence(self, kind: ActivityKind, day: date) -> PlannedActivity:
        rng = self.rng(kind.code, day)
        activity = self.activity(kind, rng, kind.title, day, at(day, kind.hours[1]))
        pool = self.candidates(kind, day)
        leader = self.by_pk[activity.responsible]
        others = [row for row in pool if row.pk != leader.pk]
        # Weighted draw without replacement (Efraimidis–Spirakis): the keenest most often.
        others.sort(key=lambda row: -(rng.random() ** (1 / self.weight(row, kind, day))))
        upcoming = activity.state == UPCOMING
        low, high = (0.4, 0.9) if upcoming else kind.fill
        seats = max(1, round(kind.capacity * rng.uniform(low, high)))
        chosen = ([leader] if self.eligible(leader, day) else []) + others
        coming, spare = chosen[:seats], chosen[seats:]
        for row in coming:
            signed = activity.starts_at - timedelta(hours=rng.randint(20, 24 * 10))
            activity.signups.append(PlannedSignup(row.pk, max(signed, activity.created_at)))
        if upcoming:
            return activity
        for row in spare[: round(len(coming) * SIGNUP_CANCELLED)]:
            signed = activity.created_at + timedelta(hours=rng.randint(1, 48))
            activity.signups.append(
                PlannedSignup(
                    row.pk, signed, cancelled_at=signed + timedelta(days=rng.randint(1, 4))
                )
            )
        for index, row in enumerate(coming):
            if index and rng.random() < NO_SHOW:
                activity.attendance.append(PlannedAttendance(row.pk, no_show=True))
                continue
            came, left = self.arrive(
                rng, activity.starts_at, activity.ends_at, keen=row.pk == leader.pk
            )
            activity.attendance.append(
                PlannedAttendance(
                    volunteer=row.pk,
                    checked_in_at=came,
                    checked_out_at=left,
                    checkin_method=self.method(rng),
                    checkout_method=self.method(rng),
                    hours=served_hours(
                        checked_in_at=came,
                        checked_out_at=left,
                        starts_at=activity.starts_at,
                        ends_at=activity.ends_at,
                    ),
                )
            )
        return activity

    def arrive(
        self, rng: random.Random, starts_at: datetime, ends_at: datetime, *, keen: bool
    ) -> tuple[datetime, datetime]:
        """Check-in and check-out around the activity: most early, a few late or leaving early."""
        came = starts_at - minutes(rng.randint(3, 30))
        if not keen and rng.random() < 0.12:
            came = starts_at + minutes(rng.randint(5, 40))
        left = ends_at + minutes(rng.randint(0, 20))
        if not keen and rng.random() < 0.1:
            left = came + (ends_at - came) * rng.uniform(0.45, 0.8)
        return came, max(left, came + minutes(10))

    def method(self, rng: random.Random) -> str:
        return rng.choices([code for code, _w in CHECK_METHODS], [w for _c, w in CHECK_METHODS])[0]

    # --- the history ------------------------------------------------------------------------------

    def plan(self) -> list[PlannedActivity]:
        horizon = self.now + timedelta(days=UPCOMING_DAYS)
        planned = [self.study_week(days) for days in self.school_weeks()]
        for year in range(HISTORY_START.year, self.today.year + 2):
            for kind in CALENDAR:
                for day in kind.days(year):
                    starts_at, ends_at = at(day, kind.hours[0]), at(day, kind.hours[1])
                    if day < kind.since or starts_at > horizon:
                        continue
                    if starts_at <= self.now < ends_at:
                        continue  # under way as we seed: the next run records it
                    planned.append(self.occurrence(kind, day))
        planned.sort(key=lambda activity: (activity.starts_at, activity.title))
        self.settle(planned)
        return planned

    def settle(self, planned: list[PlannedActivity]) -> None:
        """Past activities were verified a few working days after they ended, but the most recent
        ones, not yet; one older one was forgotten (overdue); the first upcoming outdoor one is
        called off."""
        within = settings.VERIFY_WITHIN_WORKING_DAYS
        overdue = None
        for activity in planned:
            if activity.state == UPCOMING:
                continue
            rng = self.rng(f"{activity.kind}:settle", timezone.localdate(activity.starts_at))
            ended = timezone.localdate(activity.ends_at)
            activity.closed_at = activity.ends_at + minutes(rng.randint(10, 180))
            if activity.kind in PEOPLE_SERVED:
                # Its own draw, so the head counts leave the rest of the history as it was.
                counted = self.rng(
                    f"{activity.kind}:served", timezone.localdate(activity.starts_at)
                )
                activity.people_served = counted.randint(*PEOPLE_SERVED[activity.kind])
            verified_on = add_working_days(ended, rng.randint(4, 9))
            activity.verified_at = at(verified_on, time(rng.randint(9, 16), rng.randint(0, 59)))
            if activity.verified_at > self.now:
                activity.state, activity.verified_at = CLOSED, None
            elif activity.kind != STUDY.code and add_working_days(ended, within) < self.today:
                overdue = activity
        if overdue is not None:
            overdue.state, overdue.verified_at = CLOSED, None
        upcoming = [activity for activity in planned if activity.state == UPCOMING]
        called_off = next((a for a in upcoming if a.outdoor), upcoming[-1] if upcoming else None)
        if called_off is not None:
            called_off.state = CANCELLED
