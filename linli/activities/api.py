"""Activities API (SPEC §5), mounted at /api/v1/activities.

Reach follows linli.activities.access: every role at a station sees its activities; station
staff, admin and the leader of the activity's team run them. An activity outside reach answers
404; one the caller sees but may not run answers 403. Every write calls the action modules in
linli.activities.actions, the same functions the pages call.

Check-ins and check-outs through the API are recorded with method `manual` (staff entering them
by hand, with or without `at`); card scans and the activity QR code go through their own pages.
"""

from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from linli.accounts.schemas import ErrorOut
from linli.activities import access, queries
from linli.activities.actions import attendance as attendance_actions
from linli.activities.actions import lifecycle, signups
from linli.activities.models import (
    Activity,
    Attendance,
    AttendanceMethod,
    HourClaim,
    Signup,
    SignupStatus,
)
from linli.activities.schemas import (
    ActivityIn,
    ActivityOut,
    ActivityQuery,
    AttendanceIn,
    AttendanceOut,
    CancelIn,
    ClaimDecisionIn,
    ClaimIn,
    ClaimOut,
    CloseIn,
    HoursIn,
    SignupCancelOut,
    SignupIn,
    SignupOut,
)
from linli.core.paging import BoundedPagination, ShapedRows
from linli.core.schemas import PathId
from linli.org.models import Station
from linli.teams.models import Team
from linli.volunteers.models import Course, Volunteer

router = Router(tags=["activities"])

ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _reload(activity: Activity, user: Any) -> Activity:
    """The activity with its seat counts and the caller's own sign-up."""
    fresh = Activity.objects.select_related("team", "station").get(pk=activity.pk)
    return queries.attach_counts([fresh], user)[0]


def _aware(value: datetime) -> datetime:
    """A time sent without an offset is the station's local time (Asia/Shanghai)."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _managed(user: Any, activity_id: int) -> Activity:
    """The activity for running it: 404 outside reach, 403 for a role that only sees it."""
    activity = access.get_activity_for_user(user, activity_id)
    if not access.can_manage_activity(user, activity):
        raise PermissionDenied
    return activity


def _station_volunteer(activity: Activity, volunteer_id: int) -> Volunteer:
    volunteer = Volunteer.objects.filter(pk=volunteer_id, station_id=activity.station_id).first()
    if volunteer is None:
        raise ValidationError({"volunteer": [_("志愿者不存在或不属于该活动所在站点。")]})
    return volunteer


def _creation_target(user: Any, payload: ActivityIn) -> tuple[Station, Team | None]:
    """Where the caller may create this activity: staff at a station they run, a team leader
    for a team they lead. A caller who may create nowhere gets 403, an unknown station 404."""
    if not access.can_create_activities(user):
        raise PermissionDenied
    candidates = access.creation_stations(user)
    if payload.station:
        station = candidates.filter(code=payload.station).first()
        if station is None:
            raise Http404("station")
    else:
        found = list(candidates[:2])
        if not found:
            raise PermissionDenied
        if len(found) > 1:
            raise ValidationError({"station": [_("请用 station 指明活动所在站点的编码。")]})
        station = found[0]
    team = None
    if payload.team is not None:
        team = Team.objects.filter(pk=payload.team, station=station).first()
        if team is None:
            raise ValidationError({"team": [_("只能选择本站的志愿服务队。")]})
    if not access.can_create_at(user, station, team):
        raise PermissionDenied
    return station, team


@router.post("", response={201: ActivityOut, **ERRORS}, summary="Create a draft activity")
def activity_create(request: HttpRequest, payload: ActivityIn) -> Any:
    """Station staff at their station, or a team leader for their own team. Past times are
    allowed (补录) while the verification window (10 working days) is open."""
    user = _caller(request)
    station, team = _creation_target(user, payload)
    course = None
    if payload.required_course is not None:
        course = Course.objects.filter(pk=payload.required_course, station=station).first()
        if course is None:
            raise ValidationError({"required_course": [_("只能选择本站的培训课程。")]})
    data = lifecycle.ActivityInput(
        title=payload.title,
        category=payload.category,
        place=payload.place,
        starts_at=_aware(payload.starts_at),
        ends_at=_aware(payload.ends_at),
        capacity=payload.capacity,
        responsible_name=payload.responsible_name or user.name,
        team=team,
        partners=payload.partners,
        organizer=payload.organizer,
        description=payload.description,
        required_course=course,
        members_only=payload.members_only,
        responsible_phone=payload.responsible_phone,
    )
    activity = lifecycle.activity_create(station=station, data=data, actor=user)
    return Status(201, _reload(activity, user))


@router.get("", response=list[ActivityOut], summary="Activities of the caller's stations")
@paginate(BoundedPagination)
def activity_list(request: HttpRequest, filters: Query[ActivityQuery]) -> Any:
    user = _caller(request)
    activities = access.activities_for_user(user)
    if filters.status:
        activities = activities.filter(status=filters.status)
    if filters.team is not None:
        activities = activities.filter(team_id=filters.team)
    if filters.date_from is not None:
        start = timezone.make_aware(datetime.combine(filters.date_from, time.min))
        activities = activities.filter(ends_at__gt=start)
    if filters.date_to is not None:
        end = timezone.make_aware(datetime.combine(filters.date_to + timedelta(days=1), time.min))
        activities = activities.filter(starts_at__lt=end)
    # Counted and sliced without the sign-ups; only the page's rows get their counts.
    return ShapedRows(
        activities.select_related("team", "station").order_by("-starts_at", "id"),
        lambda page: queries.attach_counts(page, user),
    )


@router.get("/{activity_id}", response={200: ActivityOut, 404: ErrorOut}, summary="One activity")
def activity_detail(request: HttpRequest, activity_id: PathId) -> Any:
    user = _caller(request)
    return _reload(access.get_activity_for_user(user, activity_id), user)


# --- the life of an activity ----------------------------------------------------------------------


def _move(request: HttpRequest, activity_id: int, action: Any, **arguments: Any) -> Any:
    """One step of the activity's life (linli.activities.actions.lifecycle), by its runners."""
    user = _caller(request)
    activity = action(activity=_managed(user, activity_id), actor=user, **arguments)
    return _reload(activity, user)


@router.post(
    "/{activity_id}/publish", response={200: ActivityOut, **ERRORS}, summary="draft → published"
)
def activity_publish(request: HttpRequest, activity_id: PathId) -> Any:
    return _move(request, activity_id, lifecycle.activity_publish)


@router.post(
    "/{activity_id}/start", response={200: ActivityOut, **ERRORS}, summary="published → ongoing"
)
def activity_start(request: HttpRequest, activity_id: PathId) -> Any:
    return _move(request, activity_id, lifecycle.activity_start)


@router.post(
    "/{activity_id}/cancel", response={200: ActivityOut, **ERRORS}, summary="Cancel, with a reason"
)
def activity_cancel(request: HttpRequest, activity_id: PathId, payload: CancelIn) -> Any:
    return _move(request, activity_id, lifecycle.activity_cancel, reason=payload.reason)


@router.post(
    "/{activity_id}/close",
    response={200: ActivityOut, **ERRORS},
    summary="End: served hours for who checked in, no-show for the others",
)
def activity_close(
    request: HttpRequest, activity_id: PathId, payload: CloseIn | None = None
) -> Any:
    people_served = payload.people_served if payload is not None else None
    return _move(request, activity_id, lifecycle.activity_close, people_served=people_served)


@router.post(
    "/{activity_id}/verify",
    response={200: ActivityOut, **ERRORS},
    summary="closed → verified: credit the served hours to the ledger, once",
)
def activity_verify(request: HttpRequest, activity_id: PathId) -> Any:
    return _move(request, activity_id, lifecycle.activity_verify)


# --- sign-ups -------------------------------------------------------------------------------------


@router.post(
    "/{activity_id}/signups",
    response={201: SignupOut, **ERRORS},
    summary="Sign up yourself, or (staff, the team's leader) a volunteer",
)
def signup_create(request: HttpRequest, activity_id: PathId, payload: SignupIn) -> Any:
    user = _caller(request)
    activity = access.get_activity_for_user(user, activity_id)
    own = access.own_volunteer(user)
    if payload.volunteer is None or (own is not None and payload.volunteer == own.pk):
        if own is None:
            if access.can_manage_activity(user, activity):
                raise ValidationError({"volunteer": [_("请指明为哪位志愿者报名。")]})
            raise PermissionDenied
        volunteer = own
    else:
        if not access.can_manage_activity(user, activity):
            raise PermissionDenied
        volunteer = _station_volunteer(activity, payload.volunteer)
    signup = signups.signup_create(activity=activity, volunteer=volunteer, actor=user)
    return Status(201, signup)


@router.delete(
    "/{activity_id}/signups/{volunteer_id}",
    response={200: SignupCancelOut, **ERRORS},
    summary="Cancel a sign-up (yourself, staff, the team's leader); the first waitlisted moves up",
)
def signup_cancel(request: HttpRequest, activity_id: PathId, volunteer_id: PathId) -> Any:
    user = _caller(request)
    activity = access.get_activity_for_user(user, activity_id)
    own = access.own_volunteer(user)
    is_self = own is not None and own.pk == volunteer_id
    if not is_self and not access.can_manage_activity(user, activity):
        raise PermissionDenied
    signup = Signup.objects.filter(activity=activity, volunteer_id=volunteer_id).first()
    if signup is None:
        raise Http404("signup")
    promoted = signups.signup_cancel(signup=signup, actor=user)
    return {
        "volunteer": volunteer_id,
        "status": SignupStatus.CANCELLED,
        "promoted": promoted.volunteer_id if promoted is not None else None,
    }


# --- attendance and hours -------------------------------------------------------------------------


def _attendance_out(row: Attendance) -> Attendance:
    return Attendance.objects.select_related("volunteer__person").get(pk=row.pk)


def _record(request: HttpRequest, activity_id: int, payload: AttendanceIn, action: Any) -> Any:
    """Check-in and check-out through the API: staff or the team's leader, method `manual`."""
    user = _caller(request)
    activity = _managed(user, activity_id)
    row = action(
        activity=activity,
        volunteer=_station_volunteer(activity, payload.volunteer),
        method=AttendanceMethod.MANUAL,
        actor=user,
        at=_aware(payload.at) if payload.at else None,
    )
    return _attendance_out(row)


@router.post(
    "/{activity_id}/checkins",
    response={200: AttendanceOut, **ERRORS},
    summary="Check a confirmed volunteer in (staff, the team's leader; method `manual`)",
)
def checkin(request: HttpRequest, activity_id: PathId, payload: AttendanceIn) -> Any:
    return _record(request, activity_id, payload, attendance_actions.checkin)


@router.post(
    "/{activity_id}/checkouts",
    response={200: AttendanceOut, **ERRORS},
    summary="Check a volunteer out (staff, the team's leader; method `manual`)",
)
def checkout(request: HttpRequest, activity_id: PathId, payload: AttendanceIn) -> Any:
    return _record(request, activity_id, payload, attendance_actions.checkout)


@router.get(
    "/{activity_id}/attendance",
    response={200: list[AttendanceOut], 403: ErrorOut, 404: ErrorOut},
    summary="Who was there and their hours (staff, the team's leader)",
)
def attendance_list(request: HttpRequest, activity_id: PathId) -> Any:
    activity = _managed(_caller(request), activity_id)
    return list(
        Attendance.objects.filter(activity=activity)
        .select_related("volunteer__person")
        .order_by("volunteer__person__name_pinyin", "volunteer_id")
    )


@router.post(
    "/{activity_id}/attendance/{volunteer_id}/hours",
    response={200: AttendanceOut, **ERRORS},
    summary="Correct someone's hours after closing, before verifying",
)
def attendance_hours(
    request: HttpRequest, activity_id: PathId, volunteer_id: PathId, payload: HoursIn
) -> Any:
    user = _caller(request)
    activity = _managed(user, activity_id)
    row = Attendance.objects.filter(activity=activity, volunteer_id=volunteer_id).first()
    if row is None:
        raise Http404("attendance")
    row = lifecycle.attendance_set_hours(
        attendance=row, hours=payload.hours, note=payload.note, actor=user
    )
    return _attendance_out(row)


@router.post(
    "/{activity_id}/claims",
    response={201: ClaimOut, **ERRORS},
    summary="补报: report your own hours when you could not check in",
)
def claim_create(request: HttpRequest, activity_id: PathId, payload: ClaimIn) -> Any:
    user = _caller(request)
    activity = access.get_activity_for_user(user, activity_id)
    own = access.own_volunteer(user)
    if own is None:
        raise PermissionDenied
    claim = attendance_actions.claim_create(
        activity=activity,
        volunteer=own,
        started_at=_aware(payload.started_at),
        ended_at=_aware(payload.ended_at),
        note=payload.note,
        actor=user,
    )
    return Status(201, claim)


def _decide(
    request: HttpRequest, activity_id: PathId, claim_id: PathId, approve: bool, reason: str
) -> Any:
    user = _caller(request)
    activity = _managed(user, activity_id)
    claim = HourClaim.objects.filter(pk=claim_id, activity=activity).first()
    if claim is None:
        raise Http404("claim")
    return attendance_actions.claim_decide(claim=claim, approve=approve, reason=reason, actor=user)


@router.post(
    "/{activity_id}/claims/{claim_id}/approve",
    response={200: ClaimOut, **ERRORS},
    summary="Approve a claim: its times become the attendance",
)
def claim_approve(
    request: HttpRequest, activity_id: PathId, claim_id: PathId, payload: ClaimDecisionIn
) -> Any:
    return _decide(request, activity_id, claim_id, True, payload.reason)


@router.post(
    "/{activity_id}/claims/{claim_id}/reject",
    response={200: ClaimOut, **ERRORS},
    summary="Reject a claim, with a reason",
)
def claim_reject(
    request: HttpRequest, activity_id: PathId, claim_id: PathId, payload: ClaimDecisionIn
) -> Any:
    return _decide(request, activity_id, claim_id, False, payload.reason)
