"""Keeping `StationYear` and `ReachMedians` current, and reading the summary's figures from them.

`figures(station_ids, year)` first recounts the stations in reach that are stale (no
`RollupState`), then sums their rows: a supervisor's summary over fifty stations reads a few
hundred rows, and one station's write costs the next reader one station's recount. Writes mark
their station stale through the model signals below, in the writer's transaction; bulk writes that
send no signal (the ledger's bulk post) call `mark_stale` themselves. `refresh_rollups` recounts
every station (`linli refresh_rollups` after an upgrade that adds a figure, and the county
generator after its bulk load); a recount commits station by station.

`medians(station_ids, year)` reads the three request medians of a reach from `ReachMedians`
while every station of the reach is current and was counted no later than they were; otherwise
the database takes them again (`percentile_cont` on PostgreSQL) and they are kept.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import ExtractYear
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from linli.stats.models import ReachMedians, RollupState, StationYear

SATISFIED_FROM = 4  # as linli.assistance.stats
# Metrics of linli.stats.metrics kept per station and year: metric code → StationYear field.
ROLLED_METRICS = {
    "points_issued": "points_issued",
    "people_served": "people_served",
    "meals": "meals_served",
    "attendance": "daycare_person_times",
    "study_room_days": "study_room_days",
}

# While a bulk load runs (the demo seed), writes mark nothing one row at a time: the load marks
# every station stale once, when it ends (`rollups_paused`).
_paused: ContextVar[bool] = ContextVar("rollups_paused", default=False)


@contextmanager
def rollups_paused() -> Iterator[None]:
    """Write many rows without marking their stations stale row by row; every station is marked
    stale when the block ends (also when it fails part-way), so the next read recounts."""
    from linli.org.models import Station

    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)
        if not _paused.get():
            mark_stale(Station.objects.values_list("pk", flat=True))


def mark_stale(station_ids: Iterable[int]) -> None:
    """The stations' rollups must be recounted before they are read again."""
    if _paused.get():
        return
    ids = {station_id for station_id in station_ids if station_id is not None}
    if ids:
        RollupState.objects.filter(station_id__in=ids).delete()


def mark_volunteers_stale(volunteer_ids: Iterable[int]) -> None:
    from linli.volunteers.models import Volunteer

    if _paused.get():
        return
    ids = set(volunteer_ids)
    if ids:
        mark_stale(
            Volunteer.objects.filter(pk__in=ids).values_list("station_id", flat=True).distinct()
        )


def _count(station_ids: list[int]) -> dict[tuple[int, int], dict[str, Any]]:
    """(station, year) → figures, counted from the rows, in five grouped queries."""
    from linli.activities.models import Activity, ActivityStatus, Attendance
    from linli.assistance.models import ServiceRequest
    from linli.ledger.models import Account, LedgerEntry
    from linli.stats.metrics import grouped
    from linli.volunteers.models import Volunteer

    tz = timezone.get_current_timezone()
    rows: dict[tuple[int, int], dict[str, Any]] = defaultdict(
        lambda: {
            "activities": 0,
            "service_hours": Decimal(0),
            "person_times": 0,
            "requests_by_status": {},
            "requests_by_category": {},
            "rated": 0,
            "satisfied": 0,
            "points_issued": Decimal(0),
            "people_served": 0,
            "meals_served": 0,
            "daycare_person_times": 0,
            "study_room_days": 0,
        }
    )
    for station_id, year, count in (
        Activity.objects.filter(station_id__in=station_ids)
        .exclude(status=ActivityStatus.CANCELLED)
        .annotate(year=ExtractYear("starts_at", tzinfo=tz))
        .order_by()
        .values("station_id", "year")
        .annotate(count=Count("pk"))
        .values_list("station_id", "year", "count")
    ):
        rows[station_id, year]["activities"] = count
    volunteers = Volunteer.objects.filter(station_id__in=station_ids)
    station_of = dict(volunteers.values_list("pk", "station_id"))
    for volunteer_id, year, total in (
        LedgerEntry.objects.filter(volunteer__in=volunteers.values("pk"), account=Account.HOURS)
        .annotate(year=ExtractYear("served_on"))
        .order_by()
        .values("volunteer_id", "year")
        .annotate(total=Sum("amount"))
        .values_list("volunteer_id", "year", "total")
    ):
        rows[station_of[volunteer_id], year]["service_hours"] += total or 0
    for station_id, year, count in (
        Attendance.objects.filter(activity__station_id__in=station_ids, hours__gt=0)
        .annotate(year=ExtractYear("activity__starts_at", tzinfo=tz))
        .order_by()
        .values("activity__station_id", "year")
        .annotate(count=Count("pk"))
        .values_list("activity__station_id", "year", "count")
    ):
        rows[station_id, year]["person_times"] = count
    requests = (
        ServiceRequest.objects.filter(station_id__in=station_ids)
        .annotate(year=ExtractYear("submitted_at", tzinfo=tz))
        .order_by()
    )
    for station_id, year, status, category, count, rated, satisfied in (
        requests.values("station_id", "year", "status", "category")
        .annotate(
            count=Count("pk"),
            rated=Count("pk", filter=Q(score__isnull=False)),
            satisfied=Count("pk", filter=Q(score__gte=SATISFIED_FROM)),
        )
        .values_list("station_id", "year", "status", "category", "count", "rated", "satisfied")
    ):
        figures = rows[station_id, year]
        by_status, by_category = figures["requests_by_status"], figures["requests_by_category"]
        by_status[status] = by_status.get(status, 0) + count
        by_category[category] = by_category.get(category, 0) + count
        figures["rated"] += rated
        figures["satisfied"] += satisfied
    for code, name in ROLLED_METRICS.items():
        for (station_id, period), value in grouped(
            code, station_ids, interval="year", per_station=True
        ).items():
            rows[station_id, period.year][name] = value
    return rows


def recount(station_ids: Iterable[int], *, progress: Any = None) -> int:
    """Recount the stations' rollups from their rows, each station in its own transaction, so a
    long recount (every station of a county after an upgrade added a column) keeps what it has
    done when it is cut short, and the next reader goes on from there. Returns the number of
    rows written; `progress(done, total)` is called after each station."""
    ids = sorted(set(station_ids))
    written = 0
    for done, station_id in enumerate(ids, start=1):
        written += _recount_station(station_id)
        if progress is not None:
            progress(done, len(ids))
    return written


@transaction.atomic
def _recount_station(station_id: int) -> int:
    from linli.org.models import Station

    # One recount at a time per station: a second reader waits, then finds it fresh.
    if not list(Station.objects.select_for_update().filter(pk=station_id).values_list("pk")):
        return 0
    counted_at = timezone.now()
    rows = _count([station_id])
    StationYear.objects.filter(station_id=station_id).delete()
    StationYear.objects.bulk_create(
        [
            StationYear(station_id=station, year=year, **figures)
            for (station, year), figures in sorted(rows.items())
        ]
    )
    RollupState.objects.filter(station_id=station_id).delete()
    RollupState.objects.create(station_id=station_id, counted_at=counted_at)
    return len(rows)


def refresh_rollups(progress: Any = None) -> int:
    """Recount every station (`linli refresh_rollups`; also after bulk loads that bypass the
    signals)."""
    from linli.org.models import Station

    return recount(Station.objects.values_list("pk", flat=True), progress=progress)


def _ids(station_ids: Any) -> set[int]:
    if hasattr(station_ids, "values_list"):
        return set(station_ids.values_list("pk", flat=True))
    return set(station_ids)


def figures(station_ids: Any, year: int | None) -> dict[str, Any]:
    """The additive summary figures of the stations (ids or a queryset of ids), of `year` or of
    all years: stale stations are recounted first."""
    ids = _ids(station_ids)
    fresh = set(RollupState.objects.filter(station_id__in=ids).values_list("station_id", flat=True))
    if ids - fresh:
        recount(ids - fresh)
    rows = StationYear.objects.filter(station_id__in=ids)
    if year is not None:
        rows = rows.filter(year=year)
    totals: dict[str, Any] = {
        "activities": 0,
        "service_hours": Decimal(0),
        "person_times": 0,
        "requests_by_status": {},
        "requests_by_category": {},
        "rated": 0,
        "satisfied": 0,
        "points_issued": Decimal(0),
        "people_served": 0,
        "meals_served": 0,
        "daycare_person_times": 0,
        "study_room_days": 0,
    }
    added = (
        "activities", "service_hours", "person_times", "rated", "satisfied",
        *ROLLED_METRICS.values(),
    )  # fmt: skip
    for row in rows.values(*totals):
        for name in added:
            totals[name] += row[name]
        for name in ("requests_by_status", "requests_by_category"):
            for code, count in row[name].items():
                totals[name][code] = totals[name].get(code, 0) + count
    return totals


def medians(station_ids: Any, year: int | None) -> dict[str, float | None]:
    """The three medians of the summary (linli.assistance.stats.medians) over the stations, kept
    per reach and year while none of its stations has changed since they were taken."""
    from linli.assistance.stats import medians as take_medians

    ids = _ids(station_ids)
    fresh = set(RollupState.objects.filter(station_id__in=ids).values_list("station_id", flat=True))
    if ids - fresh:
        recount(ids - fresh)
    latest = RollupState.objects.filter(station_id__in=ids).aggregate(latest=Max("counted_at"))
    reach = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()
    kept = ReachMedians.objects.filter(reach=reach, year=year or 0).first()
    if kept is not None and latest["latest"] is not None and kept.counted_at >= latest["latest"]:
        return kept.figures
    counted_at = timezone.now()
    taken = take_medians(sorted(ids), year)
    ReachMedians.objects.bulk_create(
        [ReachMedians(reach=reach, year=year or 0, figures=taken, counted_at=counted_at)],
        update_conflicts=True,
        unique_fields=["reach", "year"],
        update_fields=["figures", "counted_at"],
    )
    return taken


# --- what makes a station stale ------------------------------------------------------------------


def _station_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    mark_stale([instance.station_id])


def _activity_row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from linli.activities.models import Activity

    if _paused.get():
        return
    mark_stale(
        Activity.objects.filter(pk=instance.activity_id).values_list("station_id", flat=True)
    )


def _centre_row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from linli.daycare.models import Centre

    mark_stale(Centre.objects.filter(pk=instance.centre_id).values_list("station_id", flat=True))


def _room_row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from linli.studyroom.models import StudyRoom

    mark_stale(StudyRoom.objects.filter(pk=instance.room_id).values_list("station_id", flat=True))


def _ledger_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    mark_volunteers_stale([instance.volunteer_id])


def _volunteer_moving(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A volunteer's hours count at their station: a move makes both stations stale."""
    if instance.pk is None or _paused.get():
        return
    before = sender.objects.filter(pk=instance.pk).values_list("station_id", flat=True).first()
    if before is not None and before != instance.station_id:
        mark_stale([before, instance.station_id])


def connect() -> None:
    from linli.activities.models import Activity, Attendance
    from linli.assistance.models import ServiceRequest
    from linli.canteen.models import MealOrder
    from linli.daycare.models import CentreAttendance
    from linli.ledger.models import LedgerEntry
    from linli.studyroom.models import Stay
    from linli.volunteers.models import Volunteer

    for model in (Activity, ServiceRequest, MealOrder):
        post_save.connect(_station_changed, sender=model, dispatch_uid=f"rollup-{model.__name__}")
        post_delete.connect(
            _station_changed, sender=model, dispatch_uid=f"rollup-d-{model.__name__}"
        )
    post_save.connect(_activity_row_changed, sender=Attendance, dispatch_uid="rollup-attendance")
    post_delete.connect(
        _activity_row_changed, sender=Attendance, dispatch_uid="rollup-d-attendance"
    )
    rows: tuple[tuple[Any, Any], ...] = (
        (CentreAttendance, _centre_row_changed),
        (Stay, _room_row_changed),
    )
    for sender, changed in rows:
        post_save.connect(changed, sender=sender, dispatch_uid=f"rollup-{sender.__name__}")
        post_delete.connect(changed, sender=sender, dispatch_uid=f"rollup-d-{sender.__name__}")
    post_save.connect(_ledger_changed, sender=LedgerEntry, dispatch_uid="rollup-ledger")
    pre_save.connect(_volunteer_moving, sender=Volunteer, dispatch_uid="rollup-volunteer")
