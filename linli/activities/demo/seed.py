"""Writing the planned history, idempotently, with progress.

The past is reference history recorded afterwards (补录) by the system: activities, sign-ups and
attendance are written as rows (activity_create refuses anything older than the 10-working-day
window, and the history is years old), but every hour reaches the ledger only through
`ledger_credit_many` (in bulk), with the same source key as `activity_verify`, so balances derive
from entries. Sign-ups and attendance, thousands a year, go in as plain rows (`linli.core.rows`):
no signal was ever sent for them in bulk, and a history recorded afterwards has no audit rows.
The present goes through the actions, as the station's staff would do it: upcoming activities
are created, published and signed up for, and one is cancelled with a reason.

An activity already in the database (same title and start) is skipped, so a second run adds
nothing; each year is written in one transaction, so a run cut short is finished by the next.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.activities.actions.lifecycle import (
    ActivityInput,
    activity_cancel,
    activity_create,
    activity_publish,
)
from linli.activities.actions.signups import signup_create
from linli.activities.demo.plan import (
    CANCELLED,
    CLOSED,
    UPCOMING,
    VERIFIED,
    HistoryPlanner,
    PlannedActivity,
    VolunteerRow,
)
from linli.activities.demo.tables import CANCEL_REASON
from linli.activities.models import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    Signup,
    SignupStatus,
)
from linli.core.errors import DomainError
from linli.core.rows import insert_rows
from linli.ledger.actions import Credit, ledger_credit_many
from linli.ledger.models import Account, EntryKind
from linli.org.models import Station
from linli.teams.models import Team, TeamMembership
from linli.volunteers.demo.tables import STAFF_PHONE, STATION_CODE
from linli.volunteers.models import Volunteer

Progress = Callable[[str], None]
BY_HAND = {AttendanceMethod.CARD_SCAN, AttendanceMethod.MANUAL}  # staff or the leader record it
# The columns of the history's sign-ups and attendance, written as plain rows (`linli.core.rows`).
SIGNUP_COLUMNS = ("activity_id", "volunteer_id", "status", "created_at", "cancelled_at")
ATTENDANCE_COLUMNS = (
    "activity_id", "volunteer_id", "checked_in_at", "checkin_method", "checkin_by_id",
    "checked_out_at", "checkout_method", "checkout_by_id", "no_show", "hours", "hours_note",
)  # fmt: skip


def read_corps(station: Station) -> tuple[list[VolunteerRow], dict[str, int]]:
    """The station's active volunteers with their teams, and each team's leader."""
    teams: dict[int, set[str]] = defaultdict(set)
    leaders: dict[str, int] = {}
    for volunteer_id, team, role in TeamMembership.objects.filter(
        team__station=station, status=TeamMembership.Status.ACTIVE
    ).values_list("volunteer_id", "team__name", "role"):
        teams[volunteer_id].add(team)
        if role == TeamMembership.Role.LEADER:
            leaders[team] = volunteer_id
    rows = [
        VolunteerRow(pk, user_id, name, birth_date, occupation, availability, frozenset(teams[pk]))
        for pk, user_id, name, birth_date, occupation, availability in Volunteer.objects.filter(
            station=station, status=Volunteer.Status.ACTIVE
        )
        .order_by("pk")
        .values_list(
            "pk", "user_id", "person__name", "person__birth_date", "occupation", "availability"
        )
    ]
    return rows, leaders


def plan_history(station: Station, *, now: Any = None) -> list[PlannedActivity]:
    """The whole history up to a month ahead, the same on every call for the same corps and day."""
    volunteers, leaders = read_corps(station)
    return HistoryPlanner(volunteers, leaders, now=now or timezone.now()).plan()


class HistoryWriter:
    def __init__(self, station: Station, planned: list[PlannedActivity]) -> None:
        self.station = station
        self.teams = {team.name: team for team in Team.objects.filter(station=station)}
        self.volunteers = Volunteer.objects.select_related("user", "person").in_bulk(
            {row.volunteer for activity in planned for row in activity.signups}
            | {activity.responsible for activity in planned}
        )
        self.staff = User.objects.filter(phone=STAFF_PHONE).first()

    def responsible(self, activity: PlannedActivity) -> tuple[str, str]:
        leader = self.volunteers[activity.responsible]
        return leader.person.name, leader.user.phone

    @transaction.atomic
    def past(self, planned: list[PlannedActivity]) -> tuple[int, int, int]:
        """Verified and closed activities as rows; the verified ones' hours through the ledger."""
        status = {
            VERIFIED: ActivityStatus.VERIFIED,
            CLOSED: ActivityStatus.CLOSED,
        }
        activities = Activity.objects.bulk_create(
            Activity(
                station=self.station,
                team=self.teams[plan.team],
                partners=plan.partners,
                organizer=plan.organizer,
                title=plan.title,
                category=plan.category,
                description=plan.description,
                place=plan.place,
                starts_at=plan.starts_at,
                ends_at=plan.ends_at,
                capacity=plan.capacity,
                responsible_name=self.responsible(plan)[0],
                responsible_phone=self.responsible(plan)[1],
                status=status[plan.state],
                created_at=plan.created_at,
                closed_at=plan.closed_at,
                people_served=plan.people_served,
                verified_at=plan.verified_at,
            )
            for plan in planned
        )
        insert_rows(
            Signup,
            SIGNUP_COLUMNS,
            [
                (
                    activity.pk,
                    signup.volunteer,
                    SignupStatus.CANCELLED if signup.cancelled_at else SignupStatus.CONFIRMED,
                    signup.created_at,
                    signup.cancelled_at,
                )
                for activity, plan in zip(activities, planned, strict=True)
                for signup in plan.signups
            ],
        )
        attendance: list[tuple[Any, ...]] = []
        for activity, plan in zip(activities, planned, strict=True):
            by_hand = self.volunteers[plan.responsible].user_id
            attendance.extend(
                (
                    activity.pk,
                    row.volunteer,
                    row.checked_in_at,
                    row.checkin_method,
                    by_hand if row.checkin_method in BY_HAND else None,
                    row.checked_out_at,
                    row.checkout_method,
                    by_hand if row.checkout_method in BY_HAND else None,
                    row.no_show,
                    row.hours,
                    row.hours_note,
                )
                for row in plan.attendance
            )
        insert_rows(Attendance, ATTENDANCE_COLUMNS, attendance)
        # The same entries activity_verify would post, source key and all, in one bulk insert.
        credits = [
            Credit(
                volunteer_id=row.volunteer,
                account=Account.HOURS,
                amount=row.hours,
                kind=EntryKind.ACTIVITY,
                served_on=timezone.localdate(activity.starts_at),
                description=f"{activity.title}（{activity.place}）",
                source_key=f"activity:{activity.pk}:volunteer:{row.volunteer}",
                activity_id=activity.pk,
            )
            for activity, plan in zip(activities, planned, strict=True)
            if plan.state == VERIFIED
            for row in plan.attendance
            if row.hours > 0
        ]
        credited = ledger_credit_many(credits=credits, actor=None)
        return len(activities), len(attendance), credited

    @transaction.atomic
    def upcoming(self, plan: PlannedActivity) -> int:
        """An activity ahead: created and published by the staff, signed up for by volunteers."""
        name, phone = self.responsible(plan)
        activity = activity_create(
            station=self.station,
            data=ActivityInput(
                title=plan.title,
                category=plan.category,
                place=plan.place,
                starts_at=plan.starts_at,
                ends_at=plan.ends_at,
                capacity=plan.capacity,
                responsible_name=name,
                responsible_phone=phone,
                team=self.teams[plan.team],
                partners=plan.partners,
                organizer=plan.organizer,
                description=plan.description,
            ),
            actor=self.staff,
        )
        activity_publish(activity=activity, actor=self.staff)
        signed = 0
        for signup in plan.signups:
            volunteer = self.volunteers[signup.volunteer]
            try:
                signup_create(activity=activity, volunteer=volunteer, actor=volunteer.user)
            except DomainError:
                continue  # e.g. already signed up for something at the same time
            signed += 1
        if plan.state == CANCELLED:
            activity_cancel(activity=activity, reason=CANCEL_REASON, actor=self.staff)
        return signed


def seed_activities(progress: Progress | None = None) -> int:
    """焦家社区's activities since 2021-06-01 and a month ahead; returns how many were added."""
    report = progress or (lambda _message: None)
    station = Station.objects.get(code=STATION_CODE)
    planned = plan_history(station)
    existing = set(Activity.objects.filter(station=station).values_list("title", "starts_at"))
    missing = [plan for plan in planned if plan.key not in existing]
    if not missing:
        return 0
    writer = HistoryWriter(station, missing)
    by_year: dict[int, list[PlannedActivity]] = defaultdict(list)
    ahead = []
    for plan in missing:
        if plan.state in (UPCOMING, CANCELLED):
            ahead.append(plan)
        else:
            by_year[timezone.localdate(plan.starts_at).year].append(plan)
    for year, plans in sorted(by_year.items()):
        activities, attendance, credited = writer.past(plans)
        report(f"    {year} 年：活动 {activities}，出勤记录 {attendance}，时长入账 {credited}")
    signed = sum(writer.upcoming(plan) for plan in ahead)
    if ahead:
        report(f"    即将开展：活动 {len(ahead)}，报名 {signed}")
    hours = sum(
        (row.hours for plan in missing if plan.state == VERIFIED for row in plan.attendance),
        Decimal("0"),
    )
    report(f"    新增活动 {len(missing)}，核定时长 {hours} 小时")
    return len(missing)
