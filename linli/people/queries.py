"""Reads of the registry that span relations: the filtered list, search, and the counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from linli.core import crypto
from linli.core.idcard import normalize_id_number
from linli.org.models import Building, Estate
from linli.people.models import Household, Resident, ResidentTag, Tag

# Age bands as the station reports them: children (under 14, whose data is sensitive), youth,
# working age, the elderly (60+, 老年人权益保障法) and the very old.
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "child": (0, 13),
    "youth": (14, 17),
    "adult": (18, 59),
    "elderly": (60, 79),
    "oldest": (80, None),
}
ID_QUERY = re.compile(r"^\d{17}[\dXx]$")
PHONE_QUERY = re.compile(r"^\d{4,11}$")
PINYIN_QUERY = re.compile(r"^[a-zA-Z]+$")


def years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def birth_date_range(band: str, today: date) -> Q:
    """Residents whose age today falls in `band`."""
    youngest, oldest = AGE_BANDS[band]
    condition = Q(birth_date__lte=years_ago(today, youngest))
    if oldest is not None:
        condition &= Q(birth_date__gt=years_ago(today, oldest + 1))
    return condition


@dataclass(frozen=True)
class ResidentFilter:
    q: str = ""
    estate: int | None = None
    building: int | None = None
    tag: str = ""
    age_band: str = ""
    status: str = Resident.Status.LIVING

    @classmethod
    def from_params(cls, params: Any) -> ResidentFilter:
        def integer(name: str) -> int | None:
            value = str(params.get(name) or "")
            return int(value) if value.isdigit() else None

        tag = str(params.get("tag") or "")
        band = str(params.get("age_band") or "")
        status = str(params.get("status") or Resident.Status.LIVING)
        return cls(
            q=str(params.get("q") or "").strip(),
            estate=integer("estate"),
            building=integer("building"),
            tag=tag if tag in Tag.values else "",
            age_band=band if band in AGE_BANDS else "",
            status=status
            if status in Resident.Status.values or status == "all"
            else Resident.Status.LIVING,
        )


def search_condition(q: str) -> Q:
    """Name, pinyin (`wangxiumei`), initials (`wxm`), phone digits, or an exact ID number."""
    if ID_QUERY.match(q):
        return Q(id_number_hash__in=crypto.lookup_hashes(normalize_id_number(q)))
    if PHONE_QUERY.match(q):
        return Q(phone__contains=q)
    if PINYIN_QUERY.match(q):
        lowered = q.lower()
        return Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered)
    return Q(name__contains=q)


def filter_residents(residents: QuerySet[Resident], criteria: ResidentFilter) -> QuerySet[Resident]:
    today = timezone.localdate()
    if criteria.status != "all":
        residents = residents.filter(status=criteria.status)
    if criteria.q:
        residents = residents.filter(search_condition(criteria.q))
    if criteria.estate:
        residents = residents.filter(household__building__estate_id=criteria.estate)
    if criteria.building:
        residents = residents.filter(household__building_id=criteria.building)
    if criteria.tag == Tag.MINOR:
        residents = residents.filter(birth_date__gt=years_ago(today, 18))
    elif criteria.tag:
        residents = residents.filter(tags__tag=criteria.tag)
    if criteria.age_band:
        residents = residents.filter(birth_date_range(criteria.age_band, today))
    return residents


def with_list_relations(residents: QuerySet[Resident]) -> QuerySet[Resident]:
    """What a list row shows, in a fixed number of queries whatever the number of rows."""
    return residents.select_related("household__building__estate").prefetch_related(
        Prefetch("tags", queryset=ResidentTag.objects.order_by("tag"))
    )


def resident_tags(resident: Resident) -> list[str]:
    """Stored tags plus the derived `minor`; reads the prefetched tags when there are some."""
    tags = [row.tag for row in resident.tags.all()]
    if resident.age() < 18:
        tags.append(Tag.MINOR)
    return sorted(tags)


def address_of(resident: Resident) -> dict[str, str] | None:
    household = resident.household
    if household is None:
        return None
    return {
        "estate": household.building.estate.name,
        "building": household.building.number,
        "unit": household.unit,
        "room": household.room,
    }


def household_members(household: Household) -> QuerySet[Resident]:
    return with_list_relations(household.members.order_by("relation", "birth_date"))


def estates_with_buildings(station_ids: Any) -> QuerySet[Estate]:
    return Estate.objects.filter(station_id__in=station_ids).prefetch_related(
        Prefetch("buildings", queryset=Building.objects.order_by("number"))
    )


def registry_counts(station_ids: Any) -> dict[str, int]:
    """SPEC §1's registry figures for a set of stations, each counted from rows."""
    estates = Estate.objects.filter(station_id__in=station_ids).aggregate(
        estates=Count("id", distinct=True), buildings=Count("buildings", distinct=True)
    )
    return {
        "estates": estates["estates"],
        "buildings": estates["buildings"],
        "households": Household.objects.filter(station_id__in=station_ids).count(),
        "residents": Resident.objects.filter(
            station_id__in=station_ids, status=Resident.Status.LIVING
        ).count(),
    }
