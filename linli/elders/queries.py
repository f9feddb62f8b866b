"""Reads of the elders' profiles: the filtered list, the map of due visits, the figures.

Every list reads its rows with their resident, address and tags in a fixed number of queries,
however many rows there are; age and 高龄 come from the birth date at read time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from linli.elders.models import (
    CARE_TAGS,
    VISIT_TAGS,
    CareLevel,
    ElderProfile,
    Visit,
    elder_born_by,
    oldest_born_by,
)
from linli.org.models import Building, Estate
from linli.people.models import Resident, ResidentTag

AGED = "aged"  # the 高龄 filter: 80 and over, from the birth date
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class ElderFilter:
    care_level: str = ""
    tag: str = ""
    estate: int | None = None
    overdue: bool = False
    q: str = ""

    @classmethod
    def from_params(cls, params: Any) -> ElderFilter:
        estate = str(params.get("estate") or "")
        overdue = str(params.get("overdue") or "").lower() in ("1", "true", "on", "yes")
        care_level = str(params.get("care_level") or "")
        tag = str(params.get("tag") or "")
        return cls(
            care_level=care_level if care_level in CareLevel.values else "",
            tag=tag if tag in (*CARE_TAGS, AGED) else "",
            estate=int(estate) if estate.isdigit() and len(estate) < 10 else None,
            overdue=overdue,
            q=str(params.get("q") or "").strip()[:50],
        )


def filter_profiles(
    profiles: QuerySet[ElderProfile], criteria: ElderFilter, today: date | None = None
) -> QuerySet[ElderProfile]:
    today = today or timezone.localdate()
    profiles = profiles.filter(resident__birth_date__lte=elder_born_by(today))
    if criteria.care_level:
        profiles = profiles.filter(care_level=criteria.care_level)
    if criteria.tag == AGED:
        profiles = profiles.filter(resident__birth_date__lte=oldest_born_by(today))
    elif criteria.tag:
        profiles = profiles.filter(resident__tags__tag=criteria.tag)
    if criteria.estate is not None:
        profiles = profiles.filter(resident__household__building__estate_id=criteria.estate)
    if criteria.overdue:
        profiles = profiles.filter(next_visit_due__lt=today)
    if criteria.q:
        q = criteria.q
        profiles = profiles.filter(
            Q(resident__name__contains=q)
            | Q(resident__name_initials__startswith=q.lower())
            | Q(resident__name_pinyin__startswith=q.lower())
        )
    return profiles


def with_row_relations(profiles: QuerySet[ElderProfile]) -> QuerySet[ElderProfile]:
    """What a list row shows, joined or prefetched once for the page."""
    return profiles.select_related(
        "resident__household__building__estate", "visit_team", "station"
    ).prefetch_related(
        Prefetch("resident__tags", queryset=ResidentTag.objects.order_by("tag"), to_attr="tag_rows")
    )


def tags_of(profile: ElderProfile, *, visit_only: bool = False) -> list[str]:
    """The registry tags of the elder (prefetched by `with_row_relations`)."""
    rows = getattr(profile.resident, "tag_rows", None)
    if rows is None:
        rows = list(profile.resident.tags.order_by("tag"))
    wanted = VISIT_TAGS if visit_only else CARE_TAGS
    return [row.tag for row in rows if row.tag in wanted]


def address_of(resident: Resident) -> str:
    household = resident.household
    if household is None:
        return ""
    building = household.building
    return f"{building.estate.name}{building.number}栋{household.unit}单元{household.room}"


@dataclass
class BuildingCell:
    building: Building
    overdue: int = 0
    due_soon: int = 0
    elders: int = 0


@dataclass
class EstateBlock:
    estate: Estate
    cells: list[BuildingCell] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(cell.overdue for cell in self.cells)

    @property
    def due_soon(self) -> int:
        return sum(cell.due_soon for cell in self.cells)


def due_map(profiles: QuerySet[ElderProfile], today: date | None = None) -> list[EstateBlock]:
    """Every estate of the profiles' stations with its buildings, each with how many elders live
    there, how many visits are overdue and how many fall due within a week (three queries)."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    counted = (
        profiles.filter(resident__household__isnull=False)
        .order_by()
        .values("resident__household__building_id")
        .annotate(
            elders=Count("pk"),
            overdue=Count("pk", filter=Q(next_visit_due__lt=today)),
            due_soon=Count("pk", filter=Q(next_visit_due__gte=today, next_visit_due__lte=soon)),
        )
    )
    by_building = {row["resident__household__building_id"]: row for row in counted}
    station_ids = profiles.order_by().values("station_id").distinct()
    blocks: dict[int, EstateBlock] = {}
    buildings = Building.objects.filter(estate__station_id__in=station_ids).select_related("estate")
    for building in sorted(buildings, key=lambda b: (b.estate.name, _number_key(b.number))):
        block = blocks.setdefault(building.estate_id, EstateBlock(building.estate))
        row = by_building.get(building.pk, {})
        block.cells.append(
            BuildingCell(
                building,
                overdue=row.get("overdue", 0),
                due_soon=row.get("due_soon", 0),
                elders=row.get("elders", 0),
            )
        )
    return list(blocks.values())


def _number_key(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (10**6, number)


def visit_rows(profile: ElderProfile, limit: int = 50) -> list[Visit]:
    return list(
        profile.visits.select_related("service_request", "volunteer__person").order_by(
            "-visited_at", "-id"
        )[:limit]
    )


def elder_count(station_ids: Any, today: date | None = None) -> int:
    """Residents aged 60+ living at the stations who have a care profile."""
    today = today or timezone.localdate()
    return ElderProfile.objects.filter(
        station_id__in=station_ids,
        resident__status=Resident.Status.LIVING,
        resident__birth_date__lte=elder_born_by(today),
    ).count()


def level_counts(profiles: QuerySet[ElderProfile]) -> dict[str, int]:
    counted = dict(
        profiles.order_by()
        .values("care_level")
        .annotate(n=Count("pk"))
        .values_list("care_level", "n")
    )
    return {code: counted.get(code, 0) for code in CareLevel.values}


def tags_by_resident(resident_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for resident_id, tag in (
        ResidentTag.objects.filter(resident_id__in=resident_ids)
        .order_by("tag")
        .values_list("resident_id", "tag")
    ):
        found[resident_id].append(tag)
    return found
