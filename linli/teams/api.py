"""Teams API (SPEC §5), mounted at /api/v1/teams: list, create, one team, add a member; and a
troupe's rehearsals and performances (`GET|POST /api/v1/teams/{id}/events`).

Reach follows linli.teams.access: every role sees the teams of its stations; only station
staff (and admin) create teams; a team's leader or staff add members and put a troupe's events
on its programme; outside reach is a 404.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from linli.accounts.access import get_station_for_user
from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination
from linli.core.schemas import Code, PathId
from linli.org.models import Station
from linli.teams import access
from linli.teams import actions as team_actions
from linli.teams.actions.troupes import TroupeEventInput, troupe_event_create
from linli.teams.models import Team, TeamMembership, TroupeActivity
from linli.teams.queries import with_team_relations
from linli.teams.schemas import (
    MembershipOut,
    TeamIn,
    TeamMemberIn,
    TeamOut,
    TroupeEventIn,
    TroupeEventOut,
)
from linli.volunteers import access as volunteer_access
from linli.volunteers.models import Volunteer

router = Router(tags=["teams"])


def _reload(team_id: int) -> Team:
    return with_team_relations(Team.objects.all()).get(pk=team_id)


def _target_station(user: Any, code: str | None) -> Station:
    """`?station=CODE`, or the one station the caller runs as staff."""
    if code:
        return get_station_for_user(user, code, write=True)
    writable = list(volunteer_access.managed_stations(user)[:2])
    if not writable:
        raise PermissionDenied
    if len(writable) > 1:
        raise ValidationError({"station": [_("请用 ?station=编码 指明队伍设在哪个站点。")]})
    return writable[0]


@router.get("", response=list[TeamOut], summary="Teams of the caller's stations")
@paginate(BoundedPagination)
def team_list(request: HttpRequest, station: Code | None = None) -> QuerySet[Team]:
    teams = access.teams_for_user(request.auth)  # type: ignore[attr-defined]
    if station:
        teams = teams.filter(station__code=station)
    return with_team_relations(teams).order_by("station__path", "parent_id", "name", "pk")


@router.post(
    "",
    response={201: TeamOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Create a team or a sub-group (station staff)",
)
def team_create(request: HttpRequest, payload: TeamIn, station: Code | None = None) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    target = _target_station(user, station)
    parent = None
    if payload.parent is not None:
        parent = (
            volunteer_access.staff_reach(Team.objects.all(), user, manage=True)
            .filter(pk=payload.parent)
            .first()
        )
        if parent is None:
            raise ValidationError({"parent": [_("上级队伍不存在或不在本站。")]})
    team = team_actions.team_create(
        station=target,
        name=payload.name,
        parent=parent,
        description=payload.description,
        categories=payload.categories,
        actor=user,
    )
    return Status(201, _reload(team.pk))


@router.get("/{team_id}", response={200: TeamOut, 404: ErrorOut}, summary="One team")
def team_detail(request: HttpRequest, team_id: PathId) -> Team:
    access.get_team_for_user(request.auth, team_id)  # type: ignore[attr-defined]
    return _reload(team_id)


@router.post(
    "/{team_id}/members",
    response={201: MembershipOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Add an active volunteer of the station to the team (its leader or staff)",
)
def member_add(request: HttpRequest, team_id: PathId, payload: TeamMemberIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    team = access.get_team_for_user(user, team_id, manage=True)
    volunteer = Volunteer.objects.filter(pk=payload.volunteer, station_id=team.station_id).first()
    if volunteer is None:
        raise ValidationError({"volunteer": [_("志愿者不存在或不属于该队所在站点。")]})
    membership = team_actions.member_add(team=team, volunteer=volunteer, actor=user)
    return Status(
        201, TeamMembership.objects.select_related("volunteer__person").get(pk=membership.pk)
    )


def troupe_event_out(event: TroupeActivity) -> dict[str, Any]:
    activity = event.activity
    return {
        "activity": activity.pk,
        "kind": event.kind,
        "title": activity.title,
        "place": activity.place,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "capacity": activity.capacity,
        "status": activity.status,
        "members_only": activity.members_only,
    }


@router.get(
    "/{team_id}/events",
    response={200: list[TroupeEventOut], 404: ErrorOut},
    summary="A troupe's rehearsals and performances, the latest first",
)
@paginate(BoundedPagination)
def troupe_event_list(request: HttpRequest, team_id: PathId) -> list[dict[str, Any]]:
    team = access.get_team_for_user(request.auth, team_id)  # type: ignore[attr-defined]
    events = team.troupe_events.select_related("activity").order_by("-activity__starts_at", "pk")
    return [troupe_event_out(event) for event in events]


@router.post(
    "/{team_id}/events",
    response={201: TroupeEventOut, 404: ErrorOut, 422: ErrorOut},
    summary="Publish a troupe's rehearsal (members only) or performance (its leader or staff)",
)
def troupe_event_new(request: HttpRequest, team_id: PathId, payload: TroupeEventIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    team = access.get_team_for_user(user, team_id, manage=True)
    event = troupe_event_create(troupe=team, data=TroupeEventInput(**payload.dict()), actor=user)
    return Status(201, troupe_event_out(event))
