"""The summary figures: each app contributes its counts, every one computed from rows.

The figures that add up across stations (activities, hours, person-times, requests by status and
category, ratings, points issued, people served, meals served, day-care person-times, study-room
days) are summed from the per-station rollups
(linli.stats.rollups), which are recounted from the rows whenever a station's rows change; the
medians are taken over the rows by the database and kept per reach until a station of it changes.
The stations are read once into a list of ids, so every count below filters by indexed ids.
"""

from decimal import Decimal
from typing import Any

from linli.assistance.models import RequestStatus
from linli.assistance.stats import open_followups
from linli.daycare.queries import disabled_served
from linli.elders.queries import elder_count
from linli.incentives.queries import honours_count
from linli.people.queries import registry_counts
from linli.stats import rollups
from linli.studyroom.queries import pupil_count
from linli.volunteers.stats import volunteer_counts


def rolled_figures(station_ids: Any, year: int | None) -> dict[str, Any]:
    """Activity, request, points and people-served figures under the names SummaryOut
    documents, from the rollups."""
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
        **rollups.medians(station_ids, year),
        "satisfaction_rate": round(satisfied / rated, 4) if rated else None,
        "rated_count": rated,
        "open_followups": open_followups(station_ids, year),
        "people_served": int(rolled["people_served"]),
        "points_issued": float(round(Decimal(rolled["points_issued"]), 2)),
        "meals_served": int(rolled["meals_served"]),
        "daycare_person_times": int(rolled["daycare_person_times"]),
        "study_room_days": int(rolled["study_room_days"]),
    }


def summary(station_ids: Any, *, year: int | None) -> dict[str, Any]:
    """Counts over the given stations (ids, or a queryset of ids); `year` narrows the figures
    that happen in time."""
    if hasattr(station_ids, "values_list"):
        station_ids = list(station_ids.values_list("pk", flat=True))
    return {
        **registry_counts(station_ids),
        **volunteer_counts(station_ids),
        **rolled_figures(station_ids, year),
        "elders": elder_count(station_ids),
        "disabled_served": disabled_served(station_ids, year),
        "pupils": pupil_count(station_ids),
        "honours": honours_count(station_ids=station_ids, year=year),
    }
