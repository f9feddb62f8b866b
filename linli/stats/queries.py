"""The summary figures: each app contributes its counts, every one computed from rows."""

from typing import Any

from linli.activities.stats import activity_counts
from linli.assistance.stats import request_figures
from linli.canteen.stats import meal_counts
from linli.daycare.queries import daycare_figures
from linli.elders.queries import elder_count
from linli.people.queries import registry_counts
from linli.stats.metrics import total, year_range
from linli.volunteers.stats import volunteer_counts


def summary(station_ids: Any, *, year: int | None) -> dict[str, Any]:
    """Counts over the given stations; `year` narrows the figures that happen in time."""
    return {
        **registry_counts(station_ids),
        **volunteer_counts(station_ids),
        **activity_counts(station_ids, year),
        **request_figures(station_ids, year),
        "elders": elder_count(station_ids),
        **daycare_figures(station_ids, year),
        **meal_counts(station_ids, year),
        "people_served": people_served(station_ids, year),
    }


def people_served(station_ids: Any, year: int | None) -> int:
    """服务群众人次 of the year (all years without one): the `people_served` metric's total."""
    start, end = year_range(year) if year is not None else (None, None)
    return int(total("people_served", station_ids, start=start, end=end))
