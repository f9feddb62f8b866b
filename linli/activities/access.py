"""Who may see and run activities. Built on accounts.access, the one gate.

Every role at a station sees its activities (volunteers find what to sign up for), except drafts:
a draft is seen by its organisers only, those who may run it. Station staff (and admin) run them;
a team leader runs their own team's activities and verifies their hours.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from linli.accounts.access import (
    get_in_reach,
    has_role,
    in_reach,
    station_filter,
    visible_stations,
)
from linli.accounts.models import Role
from linli.activities.models import Activity, ActivityStatus
from linli.org.models import Station
from linli.teams.models import Team
from linli.volunteers.access import led_team_ids
from linli.volunteers.models import Volunteer

ALL_ROLES = frozenset(Role.values)
RUN_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})


def seen_by(user: Any) -> Q:
    """The activities `user` may see among those in reach: all but the drafts they do not
    organise (a draft is its organisers' until it is published: staff or admin of its station,
    the leader of its team; the rows `activities_managed_by` gives)."""
    organises = station_filter(user, roles=RUN_ROLES, prefix="station__")
    if not organises:  # an administrator: every station, every draft
        return Q()
    return ~Q(status=ActivityStatus.DRAFT) | organises | Q(team_id__in=led_team_ids(user))


def activities_for_user(user: Any) -> QuerySet[Activity]:
    return in_reach(Activity.objects.filter(seen_by(user)), user, roles=ALL_ROLES)


def get_activity_for_user(user: Any, pk: Any, *, manage: bool = False) -> Activity:
    """The activity if in reach and seen (a draft by its organisers only), else 404; with
    `manage`, only for station staff, admin or its team's leader."""
    activity = get_in_reach(
        Activity.objects.filter(seen_by(user)).select_related("station", "team", "required_course"),
        user,
        pk,
        roles=ALL_ROLES,
    )
    if manage and not can_manage_activity(user, activity):
        raise Http404("activity")
    return activity


def own_volunteer(user: Any) -> Volunteer | None:
    """The caller's own volunteer record, or None: what "yourself" means in sign-ups, check-ins,
    补报, hours and certificates. The one place that resolves it for activities and the ledger."""
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "volunteer", None)


def runs_station_of(user: Any, activity: Activity) -> bool:
    """Station staff or admin of the activity's station (a team leader alone is not)."""
    activities = Activity.objects.filter(pk=activity.pk)
    return in_reach(activities, user, roles=RUN_ROLES, write=True).exists()


def can_manage_activity(user: Any, activity: Activity) -> bool:
    if runs_station_of(user, activity):
        return True
    return activity.team_id is not None and activity.team_id in led_team_ids(user)


def activities_managed_by(user: Any) -> QuerySet[Activity]:
    """Activities the user runs: their stations' as staff or admin, their teams' as leader (the
    rows for which `can_manage_activity` answers yes)."""
    run = in_reach(Activity.objects.all(), user, roles=RUN_ROLES)
    teams = led_team_ids(user)
    if teams:
        return (run | Activity.objects.filter(team_id__in=teams)).distinct()
    return run


def can_create_activities(user: Any) -> bool:
    return has_role(user, *RUN_ROLES, Role.TEAM_LEADER)


def stations_run_by(user: Any) -> QuerySet[Station]:
    """The stations (not districts) where the user, as staff or admin, creates any activity."""
    return visible_stations(user, roles=RUN_ROLES, write=True).filter(kind=Station.Kind.STATION)


def creation_stations(user: Any) -> QuerySet[Station]:
    """Every station where the user may create some activity: those they run, and the stations
    of the teams they lead."""
    return Station.objects.filter(
        Q(pk__in=stations_run_by(user).values("pk")) | Q(teams__pk__in=led_team_ids(user))
    ).distinct()


def can_create_at(user: Any, station: Station, team: Team | None) -> bool:
    """Staff or admin at a station they run; a team leader only for a team they lead."""
    if stations_run_by(user).filter(pk=station.pk).exists():
        return True
    return team is not None and team.pk in led_team_ids(user)
