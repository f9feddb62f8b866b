"""派单建议: which volunteers of the station suit a service request best, and why.

Candidates are the station's active volunteers, except the one holding the request and the one
it is dispatched to now (a re-dispatch offers somebody else). A request
whose item requires a training course suggests only volunteers who attended a session of it
(the same rule `access.accept_problem` applies on accept). Every candidate is then scored out of
100 on soft factors, weighted by what matters most to a resident waiting at the door:

| factor        | points | how                                                               |
|---------------|-------:|-------------------------------------------------------------------|
| skill         | 25, 12 | a word of the item's skills, or the item's name, is one of their  |
|               |        | skills (25); else such a word is part of one (related, 12)        |
| category      |     15 | the request's service category is one of theirs                   |
| team          |     15 | an active member of the dispatch team or a team serving the menu  |
| distance      |  15, 8 | lives in the request's building, else in its estate               |
| availability  |     10 | free at the preferred weekday and time of day (5 for everyone if  |
|               |        | the request names no time)                                        |
| open load     |     10 | 10 / (1 + requests they hold, accepted or in service)             |
| past ratings  |     10 | 10 × (r − 1) / 4, r the average score shrunk toward 4 by three    |
|               |        | imaginary ratings, so one 5 or one 1 does not decide              |

An urgent request about safety (全停电, 摔倒, 燃气泄漏, 着火: `SAFETY_NEEDS`) also asks for the
skills that fit it: a volunteer with one of them gets 20 more (`SAFETY_POINTS`), so for such a
request a score may reach 120 and the electrician or the first-aider comes first.

Equal scores are ordered by volunteer id, so the same data always gives the same list. The same
function ranks the dispatch picker's search results (`search`), so the picker and the suggestions
never disagree about who fits.

Invariant: the number of queries does not depend on the number of volunteers. Each factor is
one narrow bulk read (`values_list` or an aggregate); scoring is done in Python and only the
top `limit` get their reasons written.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assistance.models import MenuItem, RequestStatus, ServiceRequest, Urgency
from linli.org.models import Building
from linli.teams.models import Team, TeamMembership
from linli.volunteers.models import (
    SLOTS,
    WEEKDAYS,
    TrainingAttendance,
    Volunteer,
    VolunteerCategory,
    availability_bit,
)
from linli.volunteers.queries import name_condition

SKILL_POINTS = 25.0
RELATED_SKILL_POINTS = 12.0
SAFETY_POINTS = 20.0
CATEGORY_POINTS = 15.0
TEAM_POINTS = 15.0
DISTANCE_POINTS = {"building": 15.0, "estate": 8.0}
AVAILABILITY_POINTS = 10.0
LOAD_POINTS = 10.0
RATING_POINTS = 10.0
# A volunteer without ratings counts as 满意 (4); three imaginary 4s pull small samples there.
RATING_PRIOR = 4.0
RATING_PRIOR_WEIGHT = 3
HOLDING_STATES = (RequestStatus.ACCEPTED, RequestStatus.IN_SERVICE)
# What an urgent request about safety says → the skills that fit it.
SAFETY_NEEDS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"停电|断电|没电|跳闸|漏电|电线|短路"), ("电工", "水电", "电路")),
    (re.compile(r"摔倒|跌倒|晕倒|昏倒|起不来|不省人事"), ("急救", "护理", "医护", "应急救援")),
    (re.compile(r"煤气|燃气|天然气"), ("燃气", "应急救援")),
    (re.compile(r"着火|失火|起火|冒烟"), ("消防", "应急救援")),
    (re.compile(r"爆管|水管爆|水漫|淹了"), ("水电", "管道")),
)
# What separates the words of a volunteer's skills ("水电维修 管道疏通", "急救、护理").
SKILL_SEPARATORS = r"\s,，、;；/|"
PICKER_LIMIT = 12

# A candidate as read: (volunteer id, skills, availability, building id or None).
Row = tuple[int, str, int, int | None]


@dataclass(frozen=True)
class Suggestion:
    """One suggested volunteer: the score out of 100, the reasons (most important first) and
    the factor values they came from."""

    volunteer_id: int
    name: str
    number: str
    score: float
    reasons: list[str]
    distance: str  # "building" | "estate" | "station"
    open_load: int
    average_rating: float | None
    rating_count: int
    skill: str  # the matched skill word, or ""
    skill_exact: bool  # the word is one of their skills, not only part of one
    safety: str  # the skill fitting an urgent safety request they have, or ""
    skills: str  # their skills as they wrote them
    category_match: bool
    team: str  # the matched team's name, or ""
    available: bool | None  # None when the request names no time
    trained: str  # the required course attended, or ""


@dataclass
class _Request:
    """What the request asks for, and each factor's values for the station's volunteers."""

    skill_words: list[str]
    safety_words: list[str]
    course_name: str
    slot_bit: int | None
    slot_label: str
    team_names: dict[int, str]
    # Building id → "building" or "estate": the buildings near the request.
    nearby: dict[int, str] = field(default_factory=dict)
    in_category: set[int] = field(default_factory=set)
    memberships: dict[int, tuple[str, str]] = field(default_factory=dict)  # (team name, role)
    open_load: dict[int, int] = field(default_factory=dict)
    ratings: dict[int, tuple[int, int]] = field(default_factory=dict)  # (count, total)


class _Factors(NamedTuple):
    skill: str
    skill_exact: bool
    safety: str
    category_match: bool
    team: tuple[str, str] | None  # (team name, role)
    distance: str
    available: bool | None
    open_load: int
    rating_count: int
    rating_total: int


def _slot(service_request: ServiceRequest) -> tuple[int | None, str]:
    if service_request.preferred_at is None:
        return None, ""
    local = timezone.localtime(service_request.preferred_at)
    slot = 0 if local.hour < 12 else 1 if local.hour < 18 else 2
    weekday = local.weekday()
    return availability_bit(weekday, slot), f"{WEEKDAYS[weekday]}{SLOTS[slot]}"


def _item(service_request: ServiceRequest) -> MenuItem | None:
    if service_request.item_id is None:
        return None
    return MenuItem.objects.select_related("required_course").get(pk=service_request.item_id)


def _teams(service_request: ServiceRequest) -> dict[int, str]:
    """The dispatch team and the teams serving the request's menu category, by id."""
    serving = Q(
        menu_categories__station_id=service_request.station_id,
        menu_categories__code=service_request.category,
    )
    if service_request.dispatch_team_id is not None:
        serving |= Q(pk=service_request.dispatch_team_id)
    return dict(Team.objects.filter(serving).order_by().values_list("pk", "name").distinct())


def _nearby(service_request: ServiceRequest) -> dict[int, str]:
    """The request's building and the other buildings of its estate (a few dozen at most)."""
    if service_request.building_id is None:
        return {}
    estate = Building.objects.filter(pk=service_request.building_id).values("estate_id")
    return {
        building_id: "building" if building_id == service_request.building_id else "estate"
        for building_id in Building.objects.filter(estate_id__in=estate).values_list(
            "pk", flat=True
        )
    }


def _memberships(
    service_request: ServiceRequest, team_names: dict[int, str]
) -> dict[int, tuple[str, str]]:
    """Volunteer id → (team name, role) of the team worth naming: the dispatch team, else one
    they lead, else the first by name."""
    if not team_names:
        return {}
    rows = TeamMembership.objects.filter(
        team_id__in=team_names, status=TeamMembership.Status.ACTIVE
    ).values_list("volunteer_id", "team_id", "role")
    chosen: dict[int, tuple[str, str]] = {}
    for volunteer_id, team_id, role in sorted(
        rows,
        key=lambda row: (
            row[1] != service_request.dispatch_team_id,
            row[2] != TeamMembership.Role.LEADER,
            team_names[row[1]],
        ),
    ):
        chosen.setdefault(volunteer_id, (team_names[team_id], role))
    return chosen


def safety_words(service_request: ServiceRequest) -> list[str]:
    """The skills an urgent request about safety needs (全停电 → 电工, 摔倒 → 急救 …); none for
    a request that is not urgent or not about safety."""
    if service_request.urgency != Urgency.URGENT:
        return []
    words: list[str] = []
    for pattern, skills in SAFETY_NEEDS:
        if pattern.search(service_request.description):
            words.extend(skill for skill in skills if skill not in words)
    return words


def _any_of(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in words)


def _context(service_request: ServiceRequest, item: MenuItem | None) -> _Request:
    station_id = service_request.station_id
    skill_words = item.words("skills") if item is not None else []
    if item is not None and item.name not in skill_words:
        skill_words.append(item.name)
    slot_bit, slot_label = _slot(service_request)
    team_names = _teams(service_request)
    requests = ServiceRequest.objects.filter(station_id=station_id, volunteer__isnull=False)
    return _Request(
        skill_words=skill_words,
        safety_words=safety_words(service_request),
        course_name=item.required_course.name if item and item.required_course else "",
        slot_bit=slot_bit,
        slot_label=slot_label,
        team_names=team_names,
        nearby=_nearby(service_request),
        in_category=set(
            VolunteerCategory.objects.filter(
                category=service_request.category,
                volunteer__station_id=station_id,
                volunteer__status=Volunteer.Status.ACTIVE,
            ).values_list("volunteer_id", flat=True)
        ),
        memberships=_memberships(service_request, team_names),
        open_load=dict(
            requests.filter(status__in=HOLDING_STATES)
            .values("volunteer_id")
            .annotate(held=Count("pk"))
            .values_list("volunteer_id", "held")
        ),
        ratings={
            volunteer_id: (count, total)
            for volunteer_id, count, total in requests.filter(score__isnull=False)
            .values("volunteer_id")
            .annotate(count=Count("pk"), total=Sum("score"))
            .values_list("volunteer_id", "count", "total")
        },
    )


def _load_points(open_load: int) -> float:
    return LOAD_POINTS / (1 + open_load)


def _rating_points(count: int, total: int) -> float:
    shrunk = (total + RATING_PRIOR * RATING_PRIOR_WEIGHT) / (count + RATING_PRIOR_WEIGHT)
    return RATING_POINTS * (shrunk - 1) / 4


def _standing(context: _Request) -> tuple[dict[int, float], float]:
    """Category, team, load and rating points of every volunteer who has any of them, and of
    one who has none: the part of the score that is the volunteer's, not their row's."""
    points: dict[int, float] = {}
    for volunteer_id in (
        context.in_category
        | set(context.memberships)
        | set(context.open_load)
        | set(context.ratings)
    ):
        points[volunteer_id] = (
            (CATEGORY_POINTS if volunteer_id in context.in_category else 0.0)
            + (TEAM_POINTS if volunteer_id in context.memberships else 0.0)
            + _load_points(context.open_load.get(volunteer_id, 0))
            + _rating_points(*context.ratings.get(volunteer_id, (0, 0)))
        )
    return points, _load_points(0) + _rating_points(0, 0)


def picker_condition(q: str) -> Q:
    """The dispatch picker's search: part of the name, pinyin or its initials (`hwj`), or part of
    the volunteer number."""
    condition = name_condition(q)
    if any(char.isdigit() for char in q):
        condition |= Q(number__icontains=q.strip())
    return condition


def _candidates(
    service_request: ServiceRequest, item: MenuItem | None, search: str = ""
) -> Iterable[Row]:
    """(id, skills, availability, building id) of every volunteer who may be suggested."""
    candidates = Volunteer.objects.filter(
        station_id=service_request.station_id, status=Volunteer.Status.ACTIVE
    )
    already = {service_request.volunteer_id, service_request.dispatch_volunteer_id} - {None}
    if already:
        candidates = candidates.exclude(pk__in=already)
    if search.strip():
        candidates = candidates.filter(picker_condition(search))
    if item is not None and item.required_course_id is not None:
        trained = TrainingAttendance.objects.filter(
            volunteer=OuterRef("pk"), attended=True, session__course_id=item.required_course_id
        )
        candidates = candidates.filter(Exists(trained))
    return candidates.order_by().values_list(
        "pk", "skills", "availability", "person__household__building_id"
    )


def _skill_patterns(
    context: _Request,
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None]:
    """(one of their skills is a wanted word, a wanted word is part of their skills, they have
    a skill an urgent safety request needs)."""
    if not context.skill_words:
        exact = related = None
    else:
        words = _any_of(context.skill_words)
        edge = SKILL_SEPARATORS
        exact = re.compile(f"(?:^|[{edge}])(?:{words})(?=$|[{edge}])")
        related = re.compile(words)
    safety = re.compile(_any_of(context.safety_words)) if context.safety_words else None
    return exact, related, safety


def _scored(context: _Request, candidates: Iterable[Row]) -> Iterable[tuple[float, int, Row]]:
    """(minus the score, id, row) for each candidate: the smallest is the best, ties go to the
    lower id. Ten thousand rows pass through here, so each costs a few dictionary reads."""
    standing, no_standing = _standing(context)
    distance_points = {
        building_id: DISTANCE_POINTS[distance] for building_id, distance in context.nearby.items()
    }
    exact, related, safety = _skill_patterns(context)
    slot_bit = context.slot_bit
    for row in candidates:
        volunteer_id, skills, availability, building_id = row
        score = standing.get(volunteer_id, no_standing)
        if building_id is not None:
            score += distance_points.get(building_id, 0.0)
        if skills and related is not None:
            if exact is not None and exact.search(skills):
                score += SKILL_POINTS
            elif related.search(skills):
                score += RELATED_SKILL_POINTS
        if skills and safety is not None and safety.search(skills):
            score += SAFETY_POINTS
        if slot_bit is None:
            score += AVAILABILITY_POINTS / 2
        elif availability & slot_bit:
            score += AVAILABILITY_POINTS
        yield -round(score, 1), volunteer_id, row


def _factors(context: _Request, row: Row) -> _Factors:
    volunteer_id, skills, availability, building_id = row
    count, total = context.ratings.get(volunteer_id, (0, 0))
    exact, _related, _safety = _skill_patterns(context)
    return _Factors(
        skill=next((word for word in context.skill_words if word in skills), ""),
        skill_exact=bool(exact is not None and skills and exact.search(skills)),
        safety=next((word for word in context.safety_words if word in skills), ""),
        category_match=volunteer_id in context.in_category,
        team=context.memberships.get(volunteer_id),
        distance=context.nearby.get(building_id, "station") if building_id else "station",
        available=None if context.slot_bit is None else bool(availability & context.slot_bit),
        open_load=context.open_load.get(volunteer_id, 0),
        rating_count=count,
        rating_total=total,
    )


def _reasons(context: _Request, factors: _Factors) -> list[str]:
    """Short phrases in the order of the weights: skill, category, team, distance, time, load,
    ratings; the training, shared by every candidate of a course-bound item, last."""
    reasons: list[str] = []
    if factors.safety:
        reasons.append(_("紧急求助所需技能：%(skill)s") % {"skill": factors.safety})
    if factors.skill and factors.skill_exact:
        reasons.append(_("技能匹配：%(skill)s") % {"skill": factors.skill})
    elif factors.skill:
        reasons.append(_("相关技能：%(skill)s") % {"skill": factors.skill})
    if factors.category_match:
        reasons.append(_("服务类别相符"))
    if factors.team:
        name, role = factors.team
        phrase = _("%(team)s队长") if role == TeamMembership.Role.LEADER else _("%(team)s队员")
        reasons.append(phrase % {"team": name})
    if factors.distance == "building":
        reasons.append(_("同楼栋"))
    elif factors.distance == "estate":
        reasons.append(_("同小区"))
    if factors.available:
        reasons.append(_("%(when)s有空") % {"when": context.slot_label})
    if factors.open_load:
        reasons.append(_("手上有%(count)s张单") % {"count": factors.open_load})
    else:
        reasons.append(_("当前无进行中的单"))
    if factors.rating_count:
        reasons.append(
            _("平均评价%(average).1f（%(count)s次）")
            % {
                "average": factors.rating_total / factors.rating_count,
                "count": factors.rating_count,
            }
        )
    if context.course_name:
        reasons.append(_("已完成培训：%(course)s") % {"course": context.course_name})
    return reasons


def suggest_volunteers(
    service_request: ServiceRequest, *, limit: int = 10, search: str = ""
) -> list[Suggestion]:
    """The `limit` best-suited volunteers for the request, best first, each with its reasons;
    with `search`, only those whose name, pinyin or number it matches (the dispatch picker).

    Invariant: only active volunteers of the request's station, never the one holding it nor
    the one it is dispatched to, and for an item that requires a course only those who attended
    it; ties go to the lower id. The query count is fixed, whatever the number of volunteers.
    Reads only; no access check (callers show it to those who may dispatch).
    """
    if limit <= 0:
        return []
    item = _item(service_request)
    context = _context(service_request, item)
    best = heapq.nsmallest(
        limit,
        _scored(context, _candidates(service_request, item, search)),
        key=lambda entry: entry[:2],
    )
    people = {
        volunteer_id: (name, number)
        for volunteer_id, name, number in Volunteer.objects.filter(
            pk__in=[volunteer_id for _score, volunteer_id, _row in best]
        ).values_list("pk", "person__name", "number")
    }
    suggestions = []
    for negative_score, volunteer_id, row in best:
        factors = _factors(context, row)
        name, number = people[volunteer_id]
        suggestions.append(
            Suggestion(
                volunteer_id=volunteer_id,
                name=name,
                number=number,
                score=-negative_score,
                reasons=_reasons(context, factors),
                distance=factors.distance,
                open_load=factors.open_load,
                average_rating=(
                    round(factors.rating_total / factors.rating_count, 2)
                    if factors.rating_count
                    else None
                ),
                rating_count=factors.rating_count,
                skill=factors.skill,
                skill_exact=factors.skill_exact,
                safety=factors.safety,
                skills=row[1],
                category_match=factors.category_match,
                team=factors.team[0] if factors.team else "",
                available=factors.available,
                trained=context.course_name,
            )
        )
    return suggestions
