"""Reads for teams that span relations, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from linli.core import cached
from linli.org.models import Station
from linli.teams.models import Team, TeamMembership
from linli.teams.qualification import qualified_volunteers
from linli.volunteers.models import Course, Volunteer
from linli.volunteers.queries import name_condition

ACTIVE = TeamMembership.Status.ACTIVE
LEADER = TeamMembership.Role.LEADER


# --- team lists, cached per station (linli.core.cached) ---------------------------------------------


def team_lists(station_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Each station's teams as (id, name), in the teams' own order, in one query."""
    found: dict[int, list[tuple[int, str]]] = {station_id: [] for station_id in station_ids}
    for pk, station_id, name in Team.objects.filter(station_id__in=station_ids).values_list(
        "pk", "station_id", "name"
    ):
        found[station_id].append((pk, name))
    return found


def team_choices(station_ids: list[int]) -> list[tuple[int, str]]:
    """The teams of the stations as (id, name) choices, from each station's cached list."""
    copies = cached.per_station("teams", station_ids)
    return [choice for station_id in sorted(station_ids) for choice in copies[station_id] or []]


def register_cached() -> None:
    """A team's save or delete drops its station's list."""
    cached.register("teams", compute=team_lists, sources={Team: lambda row: [row.station_id]})


def with_team_relations(teams: QuerySet[Team]) -> QuerySet[Team]:
    """Teams with what a list shows: station, parent, categories, required courses, the leader
    (`leader_memberships`) and `member_count` (active members, leader included). Four queries
    whatever the number of teams."""
    leaders = TeamMembership.objects.filter(role=LEADER, status=ACTIVE).select_related(
        "volunteer__person"
    )
    return (
        teams.select_related("station", "parent")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__status=ACTIVE), distinct=True)
        )
        .prefetch_related(
            "categories",
            Prefetch("required_courses", queryset=Course.objects.order_by("name")),
            Prefetch("memberships", queryset=leaders, to_attr="leader_memberships"),
        )
    )


def leader_of(team: Team) -> Volunteer | None:
    """The team's leader from `with_team_relations`' prefetch (no query)."""
    memberships = getattr(team, "leader_memberships", None) or []
    return memberships[0].volunteer if memberships else None


@dataclass
class TeamNode:
    team: Team
    subgroups: list[Team] = field(default_factory=list)


@dataclass
class StationTeams:
    station: Station
    teams: list[TeamNode] = field(default_factory=list)


def team_tree(teams: QuerySet[Team]) -> list[StationTeams]:
    """Teams grouped by station, each top-level team with its sub-groups, in the list's order."""
    rows = list(with_team_relations(teams).order_by("station__path", "name"))
    nodes = {team.pk: TeamNode(team) for team in rows if team.parent_id is None}
    stations: dict[int, StationTeams] = {}
    for team in rows:
        group = stations.setdefault(team.station_id, StationTeams(team.station))
        if team.parent_id is None:
            group.teams.append(nodes[team.pk])
        elif team.parent_id in nodes:
            nodes[team.parent_id].subgroups.append(team)
        else:  # the parent is filtered out: show the sub-group on its own
            group.teams.append(TeamNode(team))
    return list(stations.values())


def roster(team: Team) -> list[TeamMembership]:
    """Active members (leader first, then by pinyin) and open requests, with names."""
    return list(
        TeamMembership.objects.filter(
            team=team, status__in=[ACTIVE, TeamMembership.Status.REQUESTED]
        )
        .select_related("volunteer__person")
        .order_by("role", "volunteer__person__name_pinyin", "pk")
    )


def qualified_member_ids(team: Team) -> set[int]:
    """Volunteers on the team's roster who meet its training rule (one query)."""
    return set(
        qualified_volunteers(team)
        .filter(
            memberships__team=team,
            memberships__status__in=[ACTIVE, TeamMembership.Status.REQUESTED],
        )
        .values_list("pk", flat=True)
    )


def add_candidates(team: Team, q: str = "") -> QuerySet[Volunteer]:
    """Active volunteers of the team's station who are not on its roster yet."""
    on_roster = TeamMembership.objects.filter(team=team, volunteer=OuterRef("pk"), status=ACTIVE)
    candidates = (
        Volunteer.objects.filter(station_id=team.station_id, status=Volunteer.Status.ACTIVE)
        .exclude(Exists(on_roster))
        .select_related("person")
    )
    if q.strip():
        candidates = candidates.filter(name_condition(q))
    return candidates
