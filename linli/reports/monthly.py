"""Every metric per station and month, counted from the rows and kept (`MonthFigure`), so a
dashboard, a roll-up over fifty stations or a report sums a few hundred rows instead of
millions.

A station's year is counted whole, by the same `linli.stats.metrics.grouped` that answers
`stats/series` (one GROUP BY station and month per metric part), so a kept figure is the rows'
figure. A write to a row the metrics count inserts a `StaleYear` for the row's station and year
in the writer's transaction (the model signals below; bulk writers call `mark_stale`). A reader
(`ensure_counted`) first turns the stale rows it sees into forgotten years, then counts the
years it needs that are not counted — both under a lock of those stations' rows, so two readers
never count the same year at once and a writer's mark is never lost between a count and its
marker: a mark committed before the reader looks is in its count; one committed after stays for
the next reader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from linli.reports.models import FigureYear, MonthFigure, StaleYear
from linli.stats.metrics import METRICS, grouped

Key = tuple[Any, ...]


def station_list(station_ids: Any) -> list[int]:
    """Station ids from ids, or from a queryset of stations or of their ids."""
    if hasattr(station_ids, "values_list"):
        return sorted(set(station_ids.values_list("pk", flat=True)))
    return sorted(set(station_ids))


def _year(moment: date | datetime | None) -> int | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return timezone.localdate(moment).year
    return moment.year


def mark_stale(marks: Iterable[tuple[int | None, date | datetime | None]]) -> None:
    """(station id, a date or moment of the row) for each row written: that station's year is
    counted again before it is next read. A moment of None marks every year of the station."""
    rows: set[tuple[int, int | None]] = set()
    for station_id, moment in marks:
        if station_id is not None:
            rows.add((station_id, _year(moment)))
    if rows:
        StaleYear.objects.bulk_create(
            [
                StaleYear(station_id=station_id, year=year)
                for station_id, year in sorted(rows, key=str)
            ]
        )


def _settle(station_ids: list[int]) -> None:
    """Forget the counted years that writes made stale, and drop the marks seen."""
    seen = list(
        StaleYear.objects.filter(station_id__in=station_ids).values_list("pk", "station_id", "year")
    )
    if not seen:
        return
    whole = {station_id for _pk, station_id, year in seen if year is None}
    years: dict[int, set[int]] = defaultdict(set)
    for _pk, station_id, year in seen:
        if year is not None and station_id not in whole:
            years[station_id].add(year)
    forget = Q(station_id__in=whole)
    for station_id, found in years.items():
        forget |= Q(station_id=station_id, year__in=found)
    FigureYear.objects.filter(forget).delete()
    StaleYear.objects.filter(pk__in=[pk for pk, _station, _year in seen]).delete()


def _missing(station_ids: list[int], years: set[int]) -> list[tuple[int, int]]:
    counted = set(
        FigureYear.objects.filter(station_id__in=station_ids, year__in=years).values_list(
            "station_id", "year"
        )
    )
    return [
        (station, year)
        for station in station_ids
        for year in sorted(years)
        if (station, year) not in counted
    ]


def ensure_counted(station_ids: Any, years: Iterable[int]) -> None:
    """The stations' figures of these years are current when this returns. Two queries when
    they already are; otherwise the stale years are counted again, one GROUP BY per metric part
    and year for all the stations together."""
    from linli.org.models import Station

    ids, wanted = station_list(station_ids), set(years)
    if not ids or not wanted:
        return
    if not StaleYear.objects.filter(station_id__in=ids).exists() and not _missing(ids, wanted):
        return
    with transaction.atomic():
        list(
            Station.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk")
        )
        _settle(ids)
        missing = _missing(ids, wanted)
        by_year: dict[int, list[int]] = defaultdict(list)
        for station_id, year in missing:
            by_year[year].append(station_id)
        for year, stations in sorted(by_year.items()):
            _count(stations, year)


def _count(station_ids: list[int], year: int) -> None:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    rows = []
    for code in METRICS:
        found = grouped(code, station_ids, start=start, end=end, interval="month", per_station=True)
        for (station_id, month), value in found.items():
            if value:
                rows.append(
                    MonthFigure(
                        station_id=station_id, metric=code, month=month, value=Decimal(str(value))
                    )
                )
    MonthFigure.objects.filter(station_id__in=station_ids, month__gte=start, month__lt=end).delete()
    MonthFigure.objects.bulk_create(rows, batch_size=1000)
    FigureYear.objects.filter(station_id__in=station_ids, year=year).delete()
    FigureYear.objects.bulk_create(
        [FigureYear(station_id=station_id, year=year) for station_id in station_ids]
    )


def refresh(station_ids: Iterable[int], years: Iterable[int]) -> None:
    """Count these years of these stations again whatever their marks (after bulk loads)."""
    ids = sorted(set(station_ids))
    with transaction.atomic():
        for year in sorted(set(years)):
            _count(ids, year)


def _years_between(start: date, end: date) -> set[int]:
    """The years of the days in [start, end)."""
    return set(range(start.year, (end - timedelta(days=1)).year + 1))


def figures(
    codes: Iterable[str],
    station_ids: Any,
    *,
    start: date,
    end: date,
    per_station: bool = False,
    by_month: bool = False,
) -> dict[Key, dict[str, int | float]]:
    """The metrics over the months of [start, end) (both firsts of a month), summed over the
    stations, grouped by (station id,)? (month,)? as asked: {key: {code: value}}. A metric with
    nothing in a group is absent from it."""
    if start.day != 1 or end.day != 1:
        raise ValueError("figures are kept by month: start and end must be firsts of a month")
    ids, wanted = station_list(station_ids), list(codes)
    ensure_counted(ids, _years_between(start, end))
    keys = (["station_id"] if per_station else []) + (["month"] if by_month else [])
    rows = (
        MonthFigure.objects.filter(
            station_id__in=ids, metric__in=wanted, month__gte=start, month__lt=end
        )
        .order_by()
        .values(*keys, "metric")
        .annotate(total=Sum("value"))
        .values_list(*keys, "metric", "total")
    )
    found: dict[Key, dict[str, int | float]] = defaultdict(dict)
    for *key, code, value in rows:
        found[tuple(key)][code] = number(code, value)
    return dict(found)


def number(code: str, value: Decimal | None) -> int | float:
    """A kept value as the metric gives it: a whole number, or a float to its decimals."""
    decimals = METRICS[code].decimals
    if value is None:
        return 0.0 if decimals else 0
    return float(round(value, decimals)) if decimals else int(value)


def totals(
    codes: Iterable[str], station_ids: Any, *, start: date, end: date
) -> dict[str, int | float]:
    """Each metric over [start, end) for the stations together, zeros included."""
    wanted = list(codes)
    found = figures(wanted, station_ids, start=start, end=end).get((), {})
    return {code: found.get(code, number(code, None)) for code in wanted}


# --- what makes a year stale -----------------------------------------------------------------------


def _related_station(instance: Any, relation: str, model: Any) -> int | None:
    """The station of the row's centre, room or activity: from the loaded object, else read."""
    loaded = instance._state.fields_cache.get(relation)
    if loaded is not None:
        return loaded.station_id
    related_id = getattr(instance, f"{relation}_id")
    return model.objects.filter(pk=related_id).values_list("station_id", flat=True).first()


def _meal_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    mark_stale([(instance.station_id, instance.date)])


def _daycare_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from linli.daycare.models import Centre

    mark_stale([(_related_station(instance, "centre", Centre), instance.day)])


def _stay_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from linli.studyroom.models import StudyRoom

    mark_stale([(_related_station(instance, "room", StudyRoom), instance.day)])


def _ledger_changed(sender: Any, instance: Any, created: bool = True, **kwargs: Any) -> None:
    # Sealed entries carry the station of their volunteer when posted (linli.ledger.chain).
    mark_stale([(instance.chain_station_id, instance.served_on)])


def _request_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    # Counted when submitted (`requests`) and when completed (`requests_completed`).
    marks = [(instance.station_id, instance.submitted_at)]
    if instance.completed_at is not None:
        marks.append((instance.station_id, instance.completed_at))
    mark_stale(marks)


def _activity_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    mark_stale([(instance.station_id, instance.starts_at)])


def _activity_moving(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """An activity moved to another year or station leaves its old year stale too."""
    if instance.pk is None or (
        update_fields is not None and not {"starts_at", "station"} & set(update_fields)
    ):
        return
    before = sender.objects.filter(pk=instance.pk).values_list("station_id", "starts_at").first()
    if before is not None and before != (instance.station_id, instance.starts_at):
        mark_stale([before])


def _attendance_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from linli.activities.models import Activity

    loaded = instance._state.fields_cache.get("activity")
    if loaded is not None:
        mark_stale([(loaded.station_id, loaded.starts_at)])
        return
    mark_stale(
        Activity.objects.filter(pk=instance.activity_id).values_list("station_id", "starts_at")
    )


def _volunteer_changed(
    sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any
) -> None:
    # `volunteers_new` counts approved volunteers (a number) by their registration.
    if update_fields is None or {"number", "registered_at", "station"} & set(update_fields):
        mark_stale([(instance.station_id, instance.registered_at)])


def _volunteer_moving(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A volunteer's hours and points count at their station: a move makes every year of both
    stations stale."""
    if instance.pk is None or (update_fields is not None and "station" not in update_fields):
        return
    before = sender.objects.filter(pk=instance.pk).values_list("station_id", flat=True).first()
    if before is not None and before != instance.station_id:
        mark_stale([(before, None), (instance.station_id, None)])


def connect() -> None:
    from linli.activities.models import Activity, Attendance
    from linli.assistance.models import ServiceRequest
    from linli.canteen.models import MealOrder
    from linli.daycare.models import CentreAttendance
    from linli.ledger.models import LedgerEntry
    from linli.studyroom.models import Stay
    from linli.volunteers.models import Volunteer

    handlers: dict[Any, Callable[..., None]] = {
        MealOrder: _meal_changed,
        CentreAttendance: _daycare_changed,
        Stay: _stay_changed,
        ServiceRequest: _request_changed,
        Activity: _activity_changed,
        Attendance: _attendance_changed,
        Volunteer: _volunteer_changed,
    }
    for model, handler in handlers.items():
        post_save.connect(handler, sender=model, dispatch_uid=f"figures-{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"figures-d-{model.__name__}")
    post_save.connect(_ledger_changed, sender=LedgerEntry, dispatch_uid="figures-ledger")
    pre_save.connect(_activity_moving, sender=Activity, dispatch_uid="figures-activity-moving")
    pre_save.connect(_volunteer_moving, sender=Volunteer, dispatch_uid="figures-volunteer-moving")
