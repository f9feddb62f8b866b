"""Who may see and manage volunteers. Built on accounts.access, the one gate.

Station staff run their station's volunteers (admin everywhere; supervisors read their subtree).
A team leader reads the volunteers of their own teams (`led_team_ids`); who may manage a team's
roster is `linli.teams.access`. A volunteer reads and edits their own record.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from linli.accounts.access import (
    get_in_reach,
    has_role,
    in_reach,
    is_admin,
    station_filter,
    visible_stations,
)
from linli.accounts.models import Role
from linli.org.models import Station
from linli.teams.models import TeamMembership
from linli.volunteers.models import Volunteer, VolunteerImportJob

READ_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF})
WRITE_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})


def active_volunteer_of(user: Any) -> Volunteer | None:
    """The user's own volunteer record if it is active, else None: who "yourself" is wherever
    only an active volunteer may act. Read afresh, not from the user object's cache: an approval
    or a suspension may have just happened."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Volunteer.objects.filter(user_id=user.pk, status=Volunteer.Status.ACTIVE)
        .select_related("person")
        .first()
    )


def led_team_ids(user: Any) -> list[int]:
    """Teams the user leads: an active leader membership of their own active volunteer record
    (read afresh, in the same query), and the team_leader role at the team's station."""
    if not has_role(user, Role.TEAM_LEADER):
        return []
    led = TeamMembership.objects.filter(
        volunteer__user_id=user.pk,
        volunteer__status=Volunteer.Status.ACTIVE,
        role=TeamMembership.Role.LEADER,
        status=TeamMembership.Status.ACTIVE,
    ).filter(station_filter(user, roles={Role.TEAM_LEADER}, prefix="team__station__"))
    return list(led.values_list("team_id", flat=True))


def volunteers_for_user(user: Any) -> QuerySet[Volunteer]:
    """Staff see their stations' volunteers; a leader their teams' members; anyone themselves."""
    if is_admin(user):
        return Volunteer.objects.all()
    condition = station_filter(user, roles=READ_ROLES, prefix="station__")
    teams = led_team_ids(user)
    if teams:
        # A subquery, not a join: each volunteer comes once, without SELECT DISTINCT.
        condition |= Q(
            pk__in=TeamMembership.objects.filter(
                team_id__in=teams, status=TeamMembership.Status.ACTIVE
            ).values("volunteer_id")
        )
    if getattr(user, "is_authenticated", False):
        condition |= Q(user_id=user.pk)
    return Volunteer.objects.filter(condition)


def get_volunteer_for_user(user: Any, pk: Any, *, write: bool = False) -> Volunteer:
    """The volunteer if the user may read them (write: station staff or admin); else 404."""
    queryset = Volunteer.objects.select_related("person", "user", "station")
    if write:
        return get_in_reach(queryset, user, pk, roles=WRITE_ROLES, write=True)
    found = volunteers_for_user(user).filter(pk=pk).first()
    if found is None:
        raise Http404("volunteer")
    return queryset.get(pk=found.pk)


def can_manage_volunteers(user: Any) -> bool:
    return has_role(user, *WRITE_ROLES)


def is_self(user: Any, volunteer: Volunteer) -> bool:
    return getattr(user, "is_authenticated", False) and volunteer.user_id == user.pk


def staff_reach(
    queryset: QuerySet[Any], user: Any, *, manage: bool = False, station_field: str = "station"
) -> QuerySet[Any]:
    """Rows at stations the user runs as staff: station staff and admin (`manage`), or also
    supervisors (read). For what only staff do: create teams, set a team's leader and training
    rule, keep courses, sessions and attendance. Leaders and volunteers reach nothing here.
    """
    roles = WRITE_ROLES if manage else READ_ROLES
    return in_reach(queryset, user, roles=roles, station_field=station_field, write=manage)


def managed_stations(user: Any) -> QuerySet[Station]:
    """The 站 (not districts) the user runs as station staff, or every one for admin: where
    they create teams and courses, register volunteers at the desk, and import rosters."""
    return visible_stations(user, roles=WRITE_ROLES, write=True).filter(kind=Station.Kind.STATION)


def get_managed_station(user: Any, code: str | None) -> Station:
    """The station `code` names among those the user runs (404 when it is not one of them), or
    without a code the first they run; PermissionDenied when they run none. Where a new team, a
    course or a desk registration goes."""
    stations = managed_stations(user)
    if code:
        station = stations.filter(code=code).first()
        if station is None:
            raise Http404("station")
        return station
    first = stations.first()
    if first is None:
        raise PermissionDenied
    return first


def volunteers_managed_by(user: Any) -> QuerySet[Volunteer]:
    """Volunteers whose application and status the user decides: those of the stations they run
    as station staff, every one for admin (the rows `get_volunteer_for_user(write=True)` gives).
    """
    return in_reach(Volunteer.objects.all(), user, roles=WRITE_ROLES)


def can_browse_volunteers(user: Any) -> bool:
    """The volunteer list, its Excel export and the card scanner: staff who read volunteers, and
    team leaders. What each then sees is `volunteers_for_user` (a leader: their teams' members)."""
    return has_role(user, *READ_ROLES, Role.TEAM_LEADER)


def _import_jobs() -> QuerySet[VolunteerImportJob]:
    return VolunteerImportJob.objects.select_related("station", "uploaded_by", "committed_by")


def import_jobs_for_user(user: Any) -> QuerySet[VolunteerImportJob]:
    """Import jobs of the stations whose volunteers the user manages (station staff, admin)."""
    return in_reach(_import_jobs(), user, roles=WRITE_ROLES)


def get_import_job_for_user(user: Any, pk: Any) -> VolunteerImportJob:
    """A job of a station whose volunteers the user manages; anyone else's: 404."""
    return get_in_reach(_import_jobs(), user, pk, roles=WRITE_ROLES)
