"""Who may see and manage teams. Built on accounts.access, the one gate, and on the staff reach
of linli.volunteers.access.

Every role sees the teams of the stations it reaches (volunteers browse teams to join). Station
staff and admin create teams and set their leader and training rule; a team's leader and station
staff manage its roster; supervisors read rosters. Outside reach, a team answers 404.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from linli.accounts.access import get_in_reach, in_reach
from linli.accounts.models import Role
from linli.teams.models import Team
from linli.volunteers.access import led_team_ids, staff_reach


def teams_for_user(user: Any) -> QuerySet[Team]:
    """Teams of every station the user's roles reach (volunteers browse teams to join)."""
    return in_reach(Team.objects.all(), user, roles=set(Role.values))


def get_team_for_user(user: Any, pk: Any, *, manage: bool = False) -> Team:
    """A team in reach; with `manage`, only for station staff, admin, or that team's leader."""
    team = get_in_reach(
        Team.objects.select_related("station", "parent"), user, pk, roles=set(Role.values)
    )
    if manage and not can_manage_team(user, team):
        raise Http404("team")
    return team


def can_manage_team(user: Any, team: Team) -> bool:
    if is_team_staff(user, team, manage=True):
        return True
    return team.pk in led_team_ids(user)


def is_team_staff(user: Any, team: Team, *, manage: bool = False) -> bool:
    """Whether the user runs the team's station as staff: station staff and admin (`manage`),
    or also supervisors (read). Team leaders are not staff of their own team."""
    return staff_reach(Team.objects.filter(pk=team.pk), user, manage=manage).exists()
