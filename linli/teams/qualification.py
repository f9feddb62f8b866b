"""The training rule (志愿者管理培训制度): who may be given a team's work.

Invariant: a volunteer is qualified for a team when they have attended (`attended=True`) at least
one session of every course the team requires and, for a sub-group, every course its parent team
requires. A course counts once attended, whichever session it was and whatever hours were
recorded; a team that requires nothing qualifies everyone. Being a member of the team is a
separate question: the rule answers "trained enough", and callers combine it with membership or
station as the work demands.

Dispatch, activity sign-up and 抢单 call these functions before assigning work; none of them
writes anything.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from linli.teams.models import Team
from linli.volunteers.models import Course, TrainingAttendance, Volunteer


def _rule_team_ids(team: Team) -> list[int]:
    """The team and, for a sub-group, its parent: whose required courses make up the rule."""
    return [team.pk] if team.parent_id is None else [team.pk, team.parent_id]


def required_courses(team: Team) -> QuerySet[Course]:
    """Every course the rule asks for: the team's own and its parent's, each once, by name."""
    return Course.objects.filter(required_by__in=_rule_team_ids(team)).distinct().order_by("name")


def missing_courses(volunteer: Volunteer, team: Team) -> list[Course]:
    """Courses the rule asks for that `volunteer` has not attended; empty means qualified."""
    attended = TrainingAttendance.objects.filter(
        volunteer=volunteer, attended=True, session__course=OuterRef("pk")
    )
    return list(required_courses(team).exclude(Exists(attended)))


def is_qualified(volunteer: Volunteer, team: Team) -> bool:
    """True when the volunteer has attended every course the team (and its parent) requires."""
    return not missing_courses(volunteer, team)


def qualified_volunteers(team: Team) -> QuerySet[Volunteer]:
    """Active volunteers of the team's station who meet the rule, in one query.

    "No required course is left unattended": for each volunteer, no course of the rule lacks an
    attended session of theirs. Further filters (members only, availability) chain onto it.
    """
    attended = TrainingAttendance.objects.filter(
        volunteer=OuterRef(OuterRef("pk")), attended=True, session__course=OuterRef("pk")
    )
    unmet = Course.objects.filter(required_by__in=_rule_team_ids(team)).exclude(Exists(attended))
    return Volunteer.objects.filter(
        station_id=team.station_id, status=Volunteer.Status.ACTIVE
    ).exclude(Exists(unmet))
