"""The service-request figures of the summary (SPEC §4, §5), computed from rows.

Every function takes the stations (ids, or a queryset of ids) and an optional year; the year
narrows the figures to requests submitted in it (local time). On PostgreSQL the three medians are
taken in the database, in one pass (`percentile_cont(0.5)`, the mean of the two middle values as
`statistics.median` takes it); elsewhere in Python from the two timestamps of each request. A
median of nothing is None, as is the satisfaction rate of nothing rated.
"""

from __future__ import annotations

from statistics import median
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet

from linli.assistance.models import FollowUp, RequestStatus, ServiceRequest

SATISFIED_FROM = 4  # 满意 (4) and 非常满意 (5) count as satisfied (SPEC §3)


def _requests(station_ids: Any, year: int | None) -> QuerySet[ServiceRequest]:
    requests = ServiceRequest.objects.filter(station_id__in=station_ids)
    if year is not None:
        requests = requests.filter(submitted_at__year=year)
    return requests


def _median_minutes(pairs: Any) -> float | None:
    """The median of (start, end) spans in minutes, to one decimal."""
    spans = [(end - start).total_seconds() / 60 for start, end in pairs]
    return round(median(spans), 1) if spans else None


def requests_by_status(station_ids: Any, year: int | None = None) -> dict[str, int]:
    """Every status code with its count, zeros included, in the order of RequestStatus."""
    counts = dict(
        _requests(station_ids, year)
        .order_by()
        .values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    return {status: counts.get(status, 0) for status in RequestStatus.values}


def requests_by_category(station_ids: Any, year: int | None = None) -> dict[str, int]:
    """The service categories asked for, with their counts, most asked first."""
    rows = (
        _requests(station_ids, year)
        .order_by()
        .values("category")
        .annotate(count=Count("pk"))
        .values_list("category", "count")
    )
    return dict(sorted(rows, key=lambda row: (-row[1], row[0])))


def median_minutes_to_dispatch(station_ids: Any, year: int | None = None) -> float | None:
    """From submission to the first dispatch after it (first_dispatched_at)."""
    pairs = (
        _requests(station_ids, year)
        .filter(first_dispatched_at__isnull=False)
        .values_list("submitted_at", "first_dispatched_at")
    )
    return _median_minutes(pairs)


def median_minutes_to_accept(station_ids: Any, year: int | None = None) -> float | None:
    """From the dispatch a volunteer took (dispatched_at: a re-dispatch restarts the wait) to
    its acceptance."""
    pairs = (
        _requests(station_ids, year)
        .filter(dispatched_at__isnull=False, accepted_at__gte=F("dispatched_at"))
        .values_list("dispatched_at", "accepted_at")
    )
    return _median_minutes(pairs)


def median_minutes_to_complete(station_ids: Any, year: int | None = None) -> float | None:
    """From submission to completion, over requests completed (or completed and rated)."""
    pairs = (
        _requests(station_ids, year)
        .filter(
            status__in=[RequestStatus.COMPLETED, RequestStatus.RATED],
            completed_at__gte=F("submitted_at"),
        )
        .values_list("submitted_at", "completed_at")
    )
    return _median_minutes(pairs)


def ratings(station_ids: Any, year: int | None = None) -> tuple[int, int]:
    """(rated, satisfied) in one query: requests with a rating (a re-rated request counts once,
    with its latest score), and those scored 4 满意 or 5 非常满意."""
    counted = (
        _requests(station_ids, year)
        .filter(score__isnull=False)
        .aggregate(rated=Count("pk"), satisfied=Count("pk", filter=Q(score__gte=SATISFIED_FROM)))
    )
    return counted["rated"], counted["satisfied"]


def rated_count(station_ids: Any, year: int | None = None) -> int:
    return ratings(station_ids, year)[0]


def satisfaction_rate(station_ids: Any, year: int | None = None) -> float | None:
    """The share (0–1, four decimals) of rated requests scored 4 or 5; None when nothing is
    rated."""
    return _rate(*ratings(station_ids, year))


def _rate(rated: int, satisfied: int) -> float | None:
    return round(satisfied / rated, 4) if rated else None


def open_followups(station_ids: Any, year: int | None = None) -> int:
    """Follow-ups of poor ratings not closed yet."""
    return FollowUp.objects.filter(
        request__in=_requests(station_ids, year), closed_at__isnull=True
    ).count()


MEDIAN_SQL = """
SELECT
  percentile_cont(0.5) WITHIN GROUP (
    ORDER BY extract(epoch FROM first_dispatched_at - submitted_at)
  ) FILTER (WHERE first_dispatched_at IS NOT NULL),
  percentile_cont(0.5) WITHIN GROUP (
    ORDER BY extract(epoch FROM accepted_at - dispatched_at)
  ) FILTER (WHERE dispatched_at IS NOT NULL AND accepted_at >= dispatched_at),
  percentile_cont(0.5) WITHIN GROUP (
    ORDER BY extract(epoch FROM completed_at - submitted_at)
  ) FILTER (WHERE status IN (%s, %s) AND completed_at >= submitted_at)
FROM ({requests}) AS reach
"""


def medians(station_ids: Any, year: int | None = None) -> dict[str, float | None]:
    """The three medians (minutes, one decimal) of the summary: to dispatch, to accept, to
    complete; in one query on PostgreSQL."""
    if connection.vendor != "postgresql":
        return {
            "median_minutes_to_dispatch": median_minutes_to_dispatch(station_ids, year),
            "median_minutes_to_accept": median_minutes_to_accept(station_ids, year),
            "median_minutes_to_complete": median_minutes_to_complete(station_ids, year),
        }
    columns = _requests(station_ids, year).order_by().values(
        "status", "submitted_at", "first_dispatched_at", "dispatched_at", "accepted_at",
        "completed_at",
    )  # fmt: skip
    inner, parameters = columns.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            MEDIAN_SQL.format(requests=inner),
            [RequestStatus.COMPLETED, RequestStatus.RATED, *parameters],
        )
        row = cursor.fetchone()
    names = ("median_minutes_to_dispatch", "median_minutes_to_accept", "median_minutes_to_complete")
    return {
        name: None if seconds is None else round(float(seconds) / 60, 1)
        for name, seconds in zip(names, row, strict=True)
    }


def request_figures(station_ids: Any, year: int | None) -> dict[str, Any]:
    """The request figures of the summary, under the names SummaryOut documents."""
    by_status = requests_by_status(station_ids, year)
    rated, satisfied = ratings(station_ids, year)
    return {
        "requests": sum(by_status.values()),
        "requests_by_status": by_status,
        "requests_by_category": requests_by_category(station_ids, year),
        **medians(station_ids, year),
        "satisfaction_rate": _rate(rated, satisfied),
        "rated_count": rated,
        "open_followups": open_followups(station_ids, year),
    }
