"""The summary figures: each app contributes its counts, every one computed from rows.

The figures that add up across stations (activities, hours, person-times, requests by status and
category, ratings) are summed from the per-station rollups (linli.stats.rollups), which are
recounted from the rows whenever a station's rows change; the medians are taken over the rows.
"""

from typing import Any

from linli.assistance.models import RequestStatus
from linli.assistance.stats import medians, open_followups
from linli.canteen.stats import meal_counts
from linli.daycare.queries import daycare_figures
from linli.elders.queries import elder_count
from linli.incentives.queries import honours_count
from linli.people.queries import registry_counts
from linli.stats import rollups
from linli.stats.metrics import total, year_range
from linli.studyroom.queries import study_room_figures
from linli.volunteers.stats import volunteer_counts


def rolled_figures(station_ids: Any, year: int | None) -> dict[str, Any]:
    """Activity and request figures under the names SummaryOut documents, from the rollups."""
    rolled = rollups.figures(station_ids, year)
    by_status = {
        status: rolled["requests_by_status"].get(status, 0) for status in RequestStatus.values
    }
    rated, satisfied = rolled["rated"], rolled["satisfied"]
    return {
        "activities": rolled["activities"],
        "service_hours": float(rolled["service_hours"]),
        "person_times": rolled["person_times"],
        "requests": sum(by_status.values()),
        "requests_by_status": by_status,
        "requests_by_category": dict(
            sorted(rolled["requests_by_category"].items(), key=lambda row: (-row[1], row[0]))
        ),
        **medians(station_ids, year),
        "satisfaction_rate": round(satisfied / rated, 4) if rated else None,
        "rated_count": rated,
        "open_followups": open_followups(station_ids, year),
    }


def summary(station_ids: Any, *, year: int | None) -> dict[str, Any]:
    """Counts over the given stations; `year` narrows the figures that happen in time."""
    return {
        **registry_counts(station_ids),
        **volunteer_counts(station_ids),
        **rolled_figures(station_ids, year),
        "elders": elder_count(station_ids),
        **daycare_figures(station_ids, year),
        **meal_counts(station_ids, year),
        **study_room_figures(station_ids, year),
        "people_served": people_served(station_ids, year),
        "points_issued": _metric_total("points_issued", station_ids, year, whole=False),
        "honours": honours_count(station_ids=station_ids, year=year),
    }


def _metric_total(code: str, station_ids: Any, year: int | None, *, whole: bool = True) -> Any:
    start, end = year_range(year) if year is not None else (None, None)
    figure = total(code, station_ids, start=start, end=end)
    return int(figure) if whole else figure


def people_served(station_ids: Any, year: int | None) -> int:
    """服务群众人次 of the year (all years without one): the `people_served` metric's total."""
    return _metric_total("people_served", station_ids, year)
