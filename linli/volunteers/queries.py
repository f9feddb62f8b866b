"""Reads of volunteers that span relations: the filtered list that the page, the API and the two
Excel exports share, how a volunteer's availability reads, and the training pages' reads.

`VolunteerFilter.from_params` takes the page's query string or the API's query parameters;
`filter_volunteers` applies it to a queryset already narrowed by `access.volunteers_for_user`
(or, for the national export, by station staff's reach); `with_list_relations` loads what a row
shows in a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import station_filter
from linli.core.categories import ServiceCategory
from linli.people.queries import search_condition
from linli.teams.models import Team, TeamMembership
from linli.volunteers.access import READ_ROLES, led_team_ids
from linli.volunteers.models import (
    SLOT_CODES,
    SLOTS,
    WEEKDAY_CODES,
    WEEKDAYS,
    Course,
    TrainingAttendance,
    TrainingSession,
    Volunteer,
    VolunteerCategory,
    availability_bit,
    availability_codes,
)

ALL_STATUSES = "all"
# JIAOJIA2026 or JIAOJIA202600017: the start of a volunteer number. Digits alone are matched
# against the end of the number (and the phone), letters alone are pinyin.
NUMBER_PREFIX_QUERY = re.compile(r"^[A-Za-z][A-Za-z-]*\d+$")
DIGITS_QUERY = re.compile(r"^\d{3,}$")
PINYIN_QUERY = re.compile(r"^[A-Za-z]+$")


# --- availability ----------------------------------------------------------------------------------


def availability_mask(weekday: int | None, slot: int | None) -> int:
    """The bits a (weekday, time of day) choice covers: one bit, a whole day, one slot of every day,
    or nothing when neither is chosen."""
    if weekday is None and slot is None:
        return 0
    days = range(len(WEEKDAY_CODES)) if weekday is None else (weekday,)
    slots = range(len(SLOT_CODES)) if slot is None else (slot,)
    return sum(availability_bit(day, part) for day in days for part in slots)


def availability_text(mask: int) -> str:
    """周一全天、周三上午、周六下午 — the same words the import reads back."""
    parts: list[str] = []
    for day, day_label in enumerate(WEEKDAYS):
        slots = [slot for slot in range(len(SLOTS)) if mask & availability_bit(day, slot)]
        labels = [_("全天")] if len(slots) == len(SLOTS) else [str(SLOTS[slot]) for slot in slots]
        # Translators: a weekday and a time of day, e.g. 周六上午 → "Saturday morning".
        parts.extend(_("%(day)s%(slot)s") % {"day": day_label, "slot": label} for label in labels)
    return _("、").join(parts)


# --- the filter ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerFilter:
    """What the list is narrowed by. Unknown values are dropped, as on the resident list.

    The 星级 (star level) filter joins here, as `star_level`, once the hours ledger exists: it is
    a condition on verified hours, applied in `filter_volunteers` like the others.
    """

    q: str = ""
    team: int | None = None
    skill: str = ""
    category: str = ""
    status: str = Volunteer.Status.ACTIVE  # or ALL_STATUSES
    weekday: int | None = None  # 0 = Monday
    slot: int | None = None  # 0 morning, 1 afternoon, 2 evening

    @classmethod
    def from_params(cls, params: Any) -> VolunteerFilter:
        def text(name: str) -> str:
            return str(params.get(name) or "").strip()

        def code_index(name: str, codes: tuple[str, ...]) -> int | None:
            value = text(name).lower()
            return codes.index(value) if value in codes else None

        team = text("team")
        category = text("category")
        status = text("status") or Volunteer.Status.ACTIVE
        return cls(
            q=text("q"),
            team=int(team) if team.isdigit() else None,
            skill=text("skill")[:50],
            category=category if category in ServiceCategory.values else "",
            status=status
            if status in Volunteer.Status.values or status == ALL_STATUSES
            else Volunteer.Status.ACTIVE,
            weekday=code_index("weekday", WEEKDAY_CODES),
            slot=code_index("slot", SLOT_CODES),
        )

    @property
    def availability_mask(self) -> int:
        return availability_mask(self.weekday, self.slot)

    def audit_summary(self) -> dict[str, Any]:
        """The filters for an audit row; what was searched may itself be an ID number: not kept."""
        return {
            "q": bool(self.q),
            "team": self.team,
            "skill": self.skill,
            "category": self.category,
            "status": self.status,
            "availability": self.availability_mask,
        }


def prefixed(condition: Q, prefix: str) -> Q:
    """The same condition on a related model: `Q(phone__contains=…)` → `Q(person__phone__contains=…)`."""
    copy = Q()
    copy.connector = condition.connector
    copy.negated = condition.negated
    children: list[Any] = []
    for child in condition.children:
        if isinstance(child, Q):
            children.append(prefixed(child, prefix))
        else:
            lookup, value = child  # type: ignore[misc]
            children.append((f"{prefix}{lookup}", value))
    copy.children = children
    return copy


def volunteer_search_condition(q: str) -> Q:
    """The registry's search on the person (name, pinyin `huangwenjing`, initials `hwj`, phone
    digits, an exact ID number), plus the volunteer number: its start, or its last digits."""
    condition = prefixed(search_condition(q), "person__")
    if DIGITS_QUERY.match(q):
        condition |= Q(number__endswith=q)
    elif NUMBER_PREFIX_QUERY.match(q):
        condition |= Q(number__istartswith=q)
    return condition


def filter_volunteers(
    volunteers: QuerySet[Volunteer], criteria: VolunteerFilter
) -> QuerySet[Volunteer]:
    if criteria.status != ALL_STATUSES:
        volunteers = volunteers.filter(status=criteria.status)
    if criteria.q:
        volunteers = volunteers.filter(volunteer_search_condition(criteria.q))
    if criteria.team:
        volunteers = volunteers.filter(
            memberships__team_id=criteria.team,
            memberships__status=TeamMembership.Status.ACTIVE,
        )
    if criteria.skill:
        volunteers = volunteers.filter(skills__icontains=criteria.skill)
    if criteria.category:
        volunteers = volunteers.filter(categories__category=criteria.category)
    mask = criteria.availability_mask
    if mask:
        # Free at any of the chosen times: a bitwise AND, the same SQL on SQLite and PostgreSQL.
        volunteers = volunteers.annotate(free=F("availability").bitand(mask)).filter(free__gt=0)
    return volunteers


# Lists of up to this many volunteers are sorted after they are filtered; longer ones are read in
# the order of the person's pinyin index, stopping at the page (see `in_name_order`).
SORTED_AFTER_FILTERING = 5_000


def in_name_order(volunteers: QuerySet[Any], count: int) -> QuerySet[Any]:
    """The list in its order (the person's pinyin, then the id), planned for its length.

    Ordered by the plain pinyin column with a LIMIT, PostgreSQL walks the persons' pinyin index
    and stops once it has a page: right for a county's tens of thousands, but to find one
    station's twenty on a county of 51 stations it walked 85,000 persons (130 ms against 2 ms
    for filtering the station's 660 and sorting them). A short list is therefore ordered by
    Lower(pinyin) — the keys are lower case already, so the order is the same — which no index
    serves, and the database filters first and sorts what is left."""
    if count <= SORTED_AFTER_FILTERING:
        return volunteers.order_by(Lower("person__name_pinyin"), "pk")
    return volunteers.order_by("person__name_pinyin", "pk")


def with_list_relations(volunteers: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    """What a list row, an API item or an export row shows: the person, their household, the
    station, the service categories and the teams they are active in (as `active_memberships`)."""
    return volunteers.select_related(
        "person__household__building__estate", "station"
    ).prefetch_related(
        Prefetch("categories", queryset=VolunteerCategory.objects.order_by("category")),
        Prefetch(
            "memberships",
            queryset=TeamMembership.objects.filter(status=TeamMembership.Status.ACTIVE)
            .select_related("team")
            .order_by("team__name"),
            to_attr="active_memberships",
        ),
    )


# An API item's columns: the volunteer's own, and those read through a relation.
ITEM_COLUMNS = (
    "id", "number", "status", "skills", "availability", "residence_area", "occupation",
    "political_status", "registered_at",
)  # fmt: skip
ITEM_RELATED = {
    "name": "person__name",
    "gender": "person__gender",
    "birth_date": "person__birth_date",
    "id_number_masked": "person__id_number_masked",
    "phone": "person__phone",
    "station_code": "station__code",  # `station` once shaped (a field of the model)
}


def volunteer_values(volunteers: QuerySet[Volunteer]) -> QuerySet[Any]:
    """The columns an API item shows, as `values()` rows (no model instances)."""
    return volunteers.values(
        *ITEM_COLUMNS, **{name: F(path) for name, path in ITEM_RELATED.items()}
    )


def volunteer_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """API items (VolunteerOut) from `volunteer_values` rows, with their service categories and
    active teams: two more queries whatever the number of rows."""
    ids = [row["id"] for row in rows]
    categories: dict[int, list[str]] = {}
    teams: dict[int, list[dict[str, Any]]] = {}
    if ids:
        for volunteer_id, code in (
            VolunteerCategory.objects.filter(volunteer_id__in=ids)
            .order_by("category")
            .values_list("volunteer_id", "category")
        ):
            categories.setdefault(volunteer_id, []).append(code)
        for volunteer_id, team_id, name, role in (
            TeamMembership.objects.filter(volunteer_id__in=ids, status=TeamMembership.Status.ACTIVE)
            .order_by("team__name")
            .values_list("volunteer_id", "team_id", "team__name", "role")
        ):
            teams.setdefault(volunteer_id, []).append({"id": team_id, "name": name, "role": role})
    today = timezone.localdate()
    for row in rows:
        born = row["birth_date"]
        row["age"] = today.year - born.year - int((today.month, today.day) < (born.month, born.day))
        row["station"] = row.pop("station_code")
        row["availability_slots"] = availability_codes(row["availability"])
        row["service_categories"] = categories.get(row["id"], [])
        row["teams"] = teams.get(row["id"], [])
    return rows


def category_codes(volunteer: Volunteer) -> list[str]:
    """The volunteer's service category codes, read from the prefetch when there is one."""
    return [row.category for row in volunteer.categories.all()]


def category_labels(volunteer: Volunteer) -> list[str]:
    return [str(row.get_category_display()) for row in volunteer.categories.all()]


def active_memberships(volunteer: Volunteer) -> list[TeamMembership]:
    prefetched = getattr(volunteer, "active_memberships", None)
    if prefetched is not None:
        return list(prefetched)
    return list(
        volunteer.memberships.filter(status=TeamMembership.Status.ACTIVE)
        .select_related("team")
        .order_by("team__name")
    )


def filter_teams_for_user(user: Any) -> QuerySet[Team]:
    """The teams the list may be narrowed to: every team of the stations whose volunteers the user
    reads, and the teams they lead."""
    condition = station_filter(user, roles=READ_ROLES, prefix="station__")
    led = led_team_ids(user)
    # An empty Q() is admin's "every station"; OR-ing onto it would narrow it to `led` alone.
    if led and condition:
        condition |= Q(pk__in=led)
    return Team.objects.filter(condition).select_related("station").order_by("station_id", "name")


# --- training: courses, sessions, the roll --------------------------------------------------------


def name_condition(q: str, prefix: str = "person__") -> Q:
    """Pinyin initials (`hwj`) or full pinyin (`huangwen`) as prefixes, else part of the name."""
    q = q.strip()
    if PINYIN_QUERY.match(q):
        lowered = q.lower()
        return Q(**{f"{prefix}name_initials__startswith": lowered}) | Q(
            **{f"{prefix}name_pinyin__startswith": lowered}
        )
    return Q(**{f"{prefix}name__contains": q})


def courses_with_counts(courses: QuerySet[Course]) -> QuerySet[Course]:
    """Courses with `session_count` and `trained_count` (volunteers who attended a session)."""
    return courses.select_related("station").annotate(
        session_count=Count("sessions", distinct=True),
        trained_count=Count(
            "sessions__attendance__volunteer",
            filter=Q(sessions__attendance__attended=True),
            distinct=True,
        ),
    )


def sessions_with_counts(course: Course) -> QuerySet[TrainingSession]:
    return course.sessions.annotate(
        present_count=Count("attendance", filter=Q(attendance__attended=True))
    ).order_by("-held_on", "-pk")


def roll_volunteers(session: TrainingSession) -> QuerySet[Volunteer]:
    """Who the roll page lists: the station's active volunteers and anyone already recorded for
    the session (so a later suspension does not silently drop a past attendance)."""
    recorded = TrainingAttendance.objects.filter(session=session, volunteer=OuterRef("pk"))
    return (
        Volunteer.objects.filter(station_id=session.course.station_id)
        .filter(Q(status=Volunteer.Status.ACTIVE) | Exists(recorded))
        .select_related("person")
    )


def training_hours(volunteer: Volunteer) -> Decimal:
    """A volunteer's total training hours (attended sessions only); never service hours."""
    total = TrainingAttendance.objects.filter(volunteer=volunteer, attended=True).aggregate(
        total=Sum("hours")
    )["total"]
    return total or Decimal(0)
