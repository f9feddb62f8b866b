"""Sign-up: exact under concurrency. The activity row is locked while seats are counted, so
200 volunteers signing up at once for 30 seats give exactly 30 confirmed and 170 waitlisted."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.activities.models import Activity, ActivityStatus, Signup, SignupStatus
from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.teams.models import TeamMembership
from linli.teams.qualification import is_qualified
from linli.volunteers.models import Volunteer

OPEN_STATES = {ActivityStatus.PUBLISHED, ActivityStatus.ONGOING}


def overlapping(activity: Activity, volunteer: Volunteer) -> Signup | None:
    """Another live sign-up of the volunteer whose activity overlaps this one in time."""
    return (
        Signup.objects.filter(
            volunteer=volunteer,
            status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED],
            activity__starts_at__lt=activity.ends_at,
            activity__ends_at__gt=activity.starts_at,
        )
        .exclude(activity=activity)
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .select_related("activity")
        .first()
    )


def eligibility_problem(activity: Activity, volunteer: Volunteer) -> str | None:
    """Why the volunteer may not sign up, in Chinese, or None (SPEC §4a: open to every active
    volunteer of the station unless members-only or a training course is required)."""
    if volunteer.status != Volunteer.Status.ACTIVE:
        return _("只有在册志愿者可以报名。")
    if volunteer.station_id != activity.station_id:
        return _("只能报名本站的活动。")
    if (
        activity.members_only
        and not TeamMembership.objects.filter(
            team=activity.team, volunteer=volunteer, status=TeamMembership.Status.ACTIVE
        ).exists()
    ):
        return _("该活动仅限%(team)s队员报名。") % {"team": activity.team}
    if (
        activity.required_course_id
        and not volunteer.training.filter(
            session__course_id=activity.required_course_id, attended=True
        ).exists()
    ):
        return _("报名该活动须先完成培训：%(course)s。") % {"course": activity.required_course}
    if (
        activity.members_only
        and activity.team is not None
        and not is_qualified(volunteer, activity.team)
    ):
        return _("报名该活动须先完成本队要求的培训。")
    return None


@transaction.atomic
def signup_create(*, activity: Activity, volunteer: Volunteer, actor: Any) -> Signup:
    """Sign up (self, or staff/leader adding someone): confirmed while seats remain, else
    waitlisted in order. Refused: inactive or untrained volunteers, overlapping activities."""
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if locked.status not in OPEN_STATES:
        raise DomainError("not_open", _("该活动当前不接受报名。"), status=409)
    # The volunteer's row is locked too: two sign-ups of one person to overlapping activities
    # lock different activities, and must still see each other.
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    problem = eligibility_problem(locked, volunteer)
    if problem:
        raise DomainError("not_eligible", problem, status=409)
    clash = overlapping(locked, volunteer)
    if clash is not None:
        raise DomainError(
            "overlap",
            _("与已报名的活动“%(title)s”时间冲突。") % {"title": clash.activity.title},
            status=409,
        )
    existing = Signup.objects.filter(activity=locked, volunteer=volunteer).first()
    if existing is not None and existing.status != SignupStatus.CANCELLED:
        raise DomainError("already_signed_up", _("已经报名了这个活动。"), status=409)
    confirmed = Signup.objects.filter(activity=locked, status=SignupStatus.CONFIRMED).count()
    status = SignupStatus.CONFIRMED if confirmed < locked.capacity else SignupStatus.WAITLISTED
    now = timezone.now()
    by = actor if getattr(actor, "is_authenticated", False) else None
    if existing is not None:
        existing.status, existing.created_at, existing.created_by = status, now, by
        existing.cancelled_at = existing.promoted_at = None
        existing.save(
            update_fields=["status", "created_at", "created_by", "cancelled_at", "promoted_at"]
        )
        signup = existing
    else:
        signup = Signup.objects.create(
            activity=locked, volunteer=volunteer, status=status, created_at=now, created_by=by
        )
    audit_record(
        actor=actor,
        action="signup.create",
        target=locked,
        station=locked.station,
        after={"volunteer": volunteer.pk, "status": status},
    )
    return signup


@transaction.atomic
def signup_cancel(*, signup: Signup, actor: Any) -> Signup | None:
    """Free a seat; the first on the waitlist is promoted. Returns the promoted sign-up, if any.

    The promoted volunteer sees it on their home page and activity list (promoted_at).
    """
    activity = Activity.objects.select_for_update().get(pk=signup.activity_id)
    locked = Signup.objects.select_for_update().get(pk=signup.pk)
    if locked.status == SignupStatus.CANCELLED:
        raise DomainError("already_cancelled", _("该报名已经取消。"), status=409)
    if activity.status not in OPEN_STATES:
        raise DomainError("not_open", _("活动已结束或已取消，不能再取消报名。"), status=409)
    was_confirmed = locked.status == SignupStatus.CONFIRMED
    locked.status = SignupStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["status", "cancelled_at"])
    promoted = None
    if was_confirmed:
        promoted = (
            Signup.objects.select_for_update()
            .filter(activity=activity, status=SignupStatus.WAITLISTED)
            .order_by("created_at", "id")
            .first()
        )
        if promoted is not None:
            promoted.status = SignupStatus.CONFIRMED
            promoted.promoted_at = timezone.now()
            promoted.save(update_fields=["status", "promoted_at"])
    audit_record(
        actor=actor,
        action="signup.cancel",
        target=activity,
        station=activity.station,
        after={
            "volunteer": locked.volunteer_id,
            "promoted": promoted.volunteer_id if promoted else None,
        },
    )
    return promoted
