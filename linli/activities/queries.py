"""Reads for the activity pages: each list in a fixed number of queries, whatever its length."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, DateTimeField, Exists, F, OuterRef, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.activities.access import activities_for_user, activities_managed_by
from linli.activities.models import (
    Activity,
    ActivityStatus,
    Attendance,
    HourClaim,
    Signup,
    SignupStatus,
)
from linli.ledger.access import corrections_for_user
from linli.ledger.models import CorrectionRequest
from linli.volunteers.models import Volunteer

PUBLICITY_DAYS = 7


def with_counts(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.select_related("team", "station").annotate(
        confirmed_count=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
        waitlisted_count=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
    )


def attach_counts(activities: list[Activity], user: Any = None) -> list[Activity]:
    """One page of activities with `confirmed_count` and `waitlisted_count` (and, given a user,
    `my_signup_status`: their own sign-up's status or None), in one query (two with a user)
    whatever the page's length: the list is paginated first, then only its rows are counted."""
    ids = [activity.pk for activity in activities]
    counts: dict[tuple[int, str], int] = {}
    if ids:
        counts = {
            (activity_id, status): count
            for activity_id, status, count in Signup.objects.filter(
                activity_id__in=ids,
                status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED],
            )
            .order_by()
            .values("activity_id", "status")
            .annotate(count=Count("pk"))
            .values_list("activity_id", "status", "count")
        }
    own: dict[int, str] = {}
    if ids and user is not None and getattr(user, "is_authenticated", False):
        own = dict(
            Signup.objects.filter(activity_id__in=ids, volunteer__user_id=user.pk)
            .order_by("id")
            .values_list("activity_id", "status")
        )
    for activity in activities:
        activity.confirmed_count = counts.get((activity.pk, SignupStatus.CONFIRMED), 0)  # type: ignore[attr-defined]
        activity.waitlisted_count = counts.get((activity.pk, SignupStatus.WAITLISTED), 0)  # type: ignore[attr-defined]
        if user is not None:
            activity.my_signup_status = own.get(activity.pk)  # type: ignore[attr-defined]
    return activities


def open_to(volunteer: Volunteer, now: datetime | None = None) -> QuerySet[Activity]:
    """What the volunteer can sign up for now, soonest first: published or under way, not yet
    over, at their station, members-only only for their teams, a required course only once
    attended — the conditions `signups.eligibility_problem` checks, read in one query."""
    now = now or timezone.now()
    if volunteer.status != Volunteer.Status.ACTIVE:
        return Activity.objects.none()
    signed_up = Signup.objects.filter(
        volunteer=volunteer, status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED]
    ).values("activity_id")
    member = Q(
        team__memberships__volunteer=volunteer,
        team__memberships__status="active",
    )
    trained = Q(
        required_course__sessions__attendance__volunteer=volunteer,
        required_course__sessions__attendance__attended=True,
    )
    eligible = Activity.objects.filter(
        Q(members_only=False) | member, Q(required_course__isnull=True) | trained
    ).values("pk")
    return with_counts(
        Activity.objects.filter(
            station_id=volunteer.station_id,
            status__in=[ActivityStatus.PUBLISHED, ActivityStatus.ONGOING],
            ends_at__gte=now,
            pk__in=eligible,
        ).exclude(pk__in=signed_up)
    ).order_by("starts_at", "id")


def activity_list(
    user: Any,
    *,
    status: str = "",
    team: Any = None,
    category: str = "",
    month: date | None = None,
    now: datetime | None = None,
    history: bool = False,
) -> QuerySet[Activity]:
    """The user's stations' activities (drafts for their organisers only, as the gate says):
    those not yet over first, soonest first; then the rest, latest first. `history`: only those
    already over, latest first. Without sign-up counts: paginate, then `attach_counts` to the
    page."""
    now = now or timezone.now()
    activities = activities_for_user(user)
    if history:
        activities = activities.filter(ends_at__lt=now)
    if status:
        activities = activities.filter(status=status)
    if team is not None:
        activities = activities.filter(team=team)
    if category:
        activities = activities.filter(category=category)
    if month is not None:
        start = timezone.make_aware(datetime.combine(month.replace(day=1), time()))
        following = (start + timedelta(days=32)).replace(day=1)
        activities = activities.filter(starts_at__gte=start, starts_at__lt=following)
    upcoming_start = Case(
        When(ends_at__gte=now, then=F("starts_at")), default=None, output_field=DateTimeField()
    )
    return activities.select_related("team", "station").order_by(
        upcoming_start.asc(nulls_last=True), F("starts_at").desc(), "id"
    )


def my_signups(volunteer: Volunteer) -> QuerySet[Signup]:
    """A volunteer's sign-ups, latest activity first, with the activity's team."""
    return (
        Signup.objects.filter(volunteer=volunteer)
        .select_related("activity", "activity__team", "activity__station")
        .order_by("-activity__starts_at", "-id")
    )


def waitlist_position(signup: Signup) -> int | None:
    """1 for the first on the waitlist, …; None for anyone not waitlisted."""
    if signup.status != SignupStatus.WAITLISTED:
        return None
    ahead = Signup.objects.filter(activity_id=signup.activity_id, status=SignupStatus.WAITLISTED)
    ahead = ahead.filter(
        Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, id__lt=signup.pk)
    )
    return ahead.count() + 1


def roster(activity: Activity) -> list[tuple[Signup, Attendance | None]]:
    """Live sign-ups in order (confirmed, then the waitlist) with each one's attendance."""
    signups = (
        Signup.objects.filter(
            activity=activity, status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED]
        )
        .select_related("volunteer__person")
        .order_by(Case(When(status=SignupStatus.CONFIRMED, then=0), default=1), "created_at", "id")
    )
    attendance = {row.volunteer_id: row for row in activity.attendance.all()}
    return [(signup, attendance.get(signup.volunteer_id)) for signup in signups]


def attendance_rows(activity: Activity) -> QuerySet[Attendance]:
    return activity.attendance.select_related("volunteer__person").order_by(
        "no_show", "volunteer__person__name", "id"
    )


def pending_claims(activity: Activity) -> QuerySet[HourClaim]:
    return activity.claims.filter(status=HourClaim.Status.PENDING).select_related(
        "volunteer__person"
    )


def closed_activities(user: Any) -> QuerySet[Activity]:
    return with_counts(activities_managed_by(user).filter(status=ActivityStatus.CLOSED)).order_by(
        "ends_at", "id"
    )


def claimable_signups(volunteer: Volunteer) -> QuerySet[Signup]:
    """Confirmed sign-ups of ongoing or closed activities where the volunteer has no check-in
    and no claim waiting: the ones a 补报 may be made for."""
    checked_in = Attendance.objects.filter(
        activity=OuterRef("activity"), volunteer=volunteer, checked_in_at__isnull=False
    )
    waiting = HourClaim.objects.filter(
        activity=OuterRef("activity"), volunteer=volunteer, status=HourClaim.Status.PENDING
    )
    return (
        my_signups(volunteer)
        .filter(
            status=SignupStatus.CONFIRMED,
            activity__status__in=[ActivityStatus.ONGOING, ActivityStatus.CLOSED],
        )
        .exclude(Exists(checked_in))
        .exclude(Exists(waiting))
    )


def pending_corrections(user: Any) -> QuerySet[CorrectionRequest]:
    """The correction requests waiting for the user's decision, oldest first."""
    return (
        corrections_for_user(user)
        .filter(status=CorrectionRequest.Status.PENDING)
        .select_related("volunteer__person", "entry", "entry__activity")
        .order_by("created_at", "id")
    )


def publicity(user: Any, *, now: datetime | None = None) -> list[tuple[Activity, list[Any]]]:
    """Activities verified in the last 7 days, each with who served and their verified hours."""
    since = (now or timezone.now()) - timedelta(days=PUBLICITY_DAYS)
    activities = list(
        activities_for_user(user)
        .filter(status=ActivityStatus.VERIFIED, verified_at__gte=since)
        .select_related("team")
        .order_by("-verified_at", "id")
    )
    rows = (
        Attendance.objects.filter(activity__in=activities, hours__gt=0)
        .select_related("volunteer__person")
        .order_by("volunteer__person__name", "id")
    )
    by_activity: dict[int, list[Any]] = {}
    for row in rows:
        by_activity.setdefault(row.activity_id, []).append(row)
    return [(activity, by_activity.get(activity.pk, [])) for activity in activities]


def close_question(activity: Activity) -> str:
    """The question before closing: who checked in, and how many confirmed volunteers will be
    counted absent (the rows `lifecycle.activity_close` is about to write)."""
    checked_in = set(
        activity.attendance.filter(checked_in_at__isnull=False).values_list(
            "volunteer_id", flat=True
        )
    )
    absent = (
        activity.signups.filter(status=SignupStatus.CONFIRMED)
        .exclude(volunteer_id__in=checked_in)
        .count()
    )
    return _(
        "结束后不能再签到：已签到 %(present)s 人，另有 %(absent)s 名报名者将记为缺席。确认结束活动？"
    ) % {"present": len(checked_in), "absent": absent}
