"""The canteen's summary figure (SPEC §7.2 `stats/summary`) counted from rows: the summary
takes it from the rollups (linli.stats.rollups), which are tested against this count."""

from typing import Any

from linli.canteen.models import MealOrder, OrderStatus


def meal_counts(station_ids: Any, year: int | None) -> dict[str, int]:
    """`meals_served`: served orders (delivered ones included), of `year` if given."""
    served = MealOrder.objects.filter(station_id__in=station_ids, status=OrderStatus.SERVED)
    if year is not None:
        served = served.filter(date__year=year)
    return {"meals_served": served.count()}
