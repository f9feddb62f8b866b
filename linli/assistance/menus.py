"""The service menus as `GET /api/v1/service-menu` answers them, kept per station in the cache
(linli.core.cached): a menu changes a few times a year and is read on every request form.

A station's copy drops when one of its categories or items, the teams a category dispatches to,
a team's name, a course an item requires, or the station itself is written.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch

from linli.core import cached


def category_out(category: Any) -> dict[str, Any]:
    return {
        "code": category.code,
        "name": category.get_code_display(),
        "station": category.station.code,
        "response_hours": category.response_hours,
        "teams": [{"id": team.pk, "name": team.name} for team in category.teams.all()],
        "items": [
            {
                "id": item.pk,
                "name": item.name,
                "description": item.description,
                "skills": item.words("skills"),
                "required_course": (
                    None
                    if item.required_course is None
                    else {"id": item.required_course.pk, "name": item.required_course.name}
                ),
                "response_hours": item.response_hours,
            }
            for item in category.items.all()
        ],
    }


def menus_of(station_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each station's active categories with their active items, in three queries."""
    from linli.assistance.models import MenuCategory, MenuItem
    from linli.teams.models import Team

    categories = (
        MenuCategory.objects.filter(station_id__in=station_ids, active=True)
        .select_related("station")
        .prefetch_related(
            Prefetch("teams", queryset=Team.objects.order_by("name", "id")),
            Prefetch(
                "items",
                queryset=MenuItem.objects.filter(active=True).select_related("required_course"),
            ),
        )
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for category in categories:
        found[category.station_id].append(category_out(category))
    return {station_id: found.get(station_id, []) for station_id in station_ids}


def station_menus(station_ids: list[int]) -> list[dict[str, Any]]:
    """The menus of the stations, in the stations' order."""
    copies = cached.per_station("menu", station_ids)
    return [category for station_id in station_ids for category in copies[station_id] or []]


def _item_stations(item: Any) -> list[int]:
    from linli.assistance.models import MenuCategory

    return list(
        MenuCategory.objects.filter(pk=item.category_id).values_list("station_id", flat=True)
    )


def _course_stations(course: Any) -> list[int]:
    from linli.assistance.models import MenuItem

    return list(
        MenuItem.objects.filter(required_course=course).values_list(
            "category__station_id", flat=True
        )
    )


def register() -> None:
    from linli.assistance.models import MenuCategory, MenuItem
    from linli.org.models import Station
    from linli.teams.models import Team
    from linli.volunteers.models import Course

    cached.register(
        "menu",
        compute=menus_of,
        sources={
            MenuCategory: lambda row: [row.station_id],
            MenuItem: _item_stations,
            Team: lambda row: [row.station_id],
            Course: _course_stations,
            Station: lambda row: [row.pk],
        },
        m2m=[(MenuCategory.teams.through, lambda row: [row.station_id])],
    )
