"""Who may see and run activities. Built on accounts.access, the one gate.

Every role at a station sees its activities (volunteers find what to sign up for); station staff
(and admin) run them; a team leader runs their own team's activities and verifies their hours.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from linli.accounts.access import get_in_reach, has_role, in_reach
from linli.accounts.models import Role
from linli.activities.models import Activity
from linli.volunteers.access import led_team_ids

ALL_ROLES = frozenset(Role.values)
RUN_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})


def activities_for_user(user: Any) -> QuerySet[Activity]:
    return in_reach(Activity.objects.all(), user, roles=ALL_ROLES)


def get_activity_for_user(user: Any, pk: Any, *, manage: bool = False) -> Activity:
    """The activity if in reach; with `manage`, only for station staff, admin or its team's leader."""
    activity = get_in_reach(
        Activity.objects.select_related("station", "team", "required_course"),
        user,
        pk,
        roles=ALL_ROLES,
    )
    if manage and not can_manage_activity(user, activity):
        raise Http404("activity")
    return activity


def can_manage_activity(user: Any, activity: Activity) -> bool:
    if in_reach(Activity.objects.filter(pk=activity.pk), user, roles=RUN_ROLES).exists():
        return True
    return activity.team_id is not None and activity.team_id in led_team_ids(user)


def can_create_activities(user: Any) -> bool:
    return has_role(user, *RUN_ROLES, Role.TEAM_LEADER)
