"""The metrics of `stats/series`, the dashboards and the reports: one registered function each.

A metric is a function of the stations (ids, or a queryset of ids) that returns its `Part`s: the
rows it counts, the date or time that places a row in a period, and the aggregate that turns
rows into the figure. Everything else — narrowing to a range, grouping by month, quarter or
year, totals, the rows behind a figure — is done here once, in the database (one GROUP BY per
part, never a loop over rows), so a new metric is a few lines:

    @metric("meals", _("供餐"), unit=_("份"))
    def meals(station_ids):
        return [Part(MealOrder.objects.filter(station_id__in=station_ids, status="served"), "date")]

A metric of several parts (people served: activities' head counts, completed requests, day-care
person-times) is their sum, period by period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Aggregate, Count, DateField, F, Min, Q, QuerySet, Sum
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.activities.models import Activity, ActivityStatus, Attendance
from linli.assistance.models import RequestStatus, ServiceRequest
from linli.canteen.models import MealOrder, OrderStatus
from linli.daycare.models import CentreAttendance
from linli.ledger.models import Account, EntryKind, LedgerEntry
from linli.studyroom.models import Stay
from linli.volunteers.models import Volunteer

INTERVALS = ("month", "quarter", "year")
SERVED_REQUESTS = (RequestStatus.COMPLETED, RequestStatus.RATED)


@dataclass(frozen=True)
class Part:
    """Rows of one model that a metric counts.

    `on` is the date or datetime field (a lookup path is fine) that places a row in a period;
    `value` aggregates the rows (a count by default); `label` names the part where a metric has
    several (the rows page shows each under it); `station` is the lookup of the row's station.
    """

    rows: QuerySet[Any]
    on: str
    value: Aggregate = field(default_factory=lambda: Count("pk"))
    label: str | Promise = ""
    station: str = "station_id"  # the lookup of the row's station, for figures by station
    # When the rows themselves depend on the range (a subquery that should read the range only),
    # this gives them for [start, end) instead of filtering `rows` on `on`.
    ranged: Callable[[date | None, date | None], QuerySet[Any]] | None = None

    @property
    def on_datetime(self) -> bool:
        model = self.rows.model
        *path, last = self.on.split("__")
        for name in path:
            model = model._meta.get_field(name).related_model
        return model._meta.get_field(last).get_internal_type() == "DateTimeField"

    def within(self, start: date | None, end: date | None) -> QuerySet[Any]:
        """The rows placed in [start, end) — days in the station's time zone; no bound is
        every row."""
        if self.ranged is not None:
            return self.ranged(start, end)
        if start is None or end is None:
            return self.rows
        if self.on_datetime:
            low: date | datetime = timezone.make_aware(datetime.combine(start, time.min))
            high: date | datetime = timezone.make_aware(datetime.combine(end, time.min))
        else:
            low, high = start, end
        return self.rows.filter(**{f"{self.on}__gte": low, f"{self.on}__lt": high})


@dataclass(frozen=True)
class Metric:
    code: str
    label: str | Promise
    unit: str | Promise
    parts: Callable[[Any], list[Part]]
    decimals: int = 0


METRICS: dict[str, Metric] = {}


def metric(
    code: str, label: str | Promise, *, unit: str | Promise, decimals: int = 0
) -> Callable[[Callable[[Any], list[Part]]], Callable[[Any], list[Part]]]:
    """Register a metric function under `code` (the `metric=` of `stats/series`)."""

    def register(parts: Callable[[Any], list[Part]]) -> Callable[[Any], list[Part]]:
        METRICS[code] = Metric(code, label, unit, parts, decimals)
        return parts

    return register


def _number(value: Any, decimals: int) -> int | float:
    if value is None:
        return 0 if not decimals else 0.0
    if decimals:
        return float(round(Decimal(value), decimals))
    return int(value)


def period_start(day: date, interval: str) -> date:
    if interval == "year":
        return date(day.year, 1, 1)
    if interval == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, day.month, 1)


def next_period(start: date, interval: str) -> date:
    months = {"month": 1, "quarter": 3, "year": 12}[interval]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def period_label(start: date, interval: str) -> str:
    """`2025-03`, `2025-Q1` or `2025`."""
    if interval == "year":
        return f"{start.year}"
    if interval == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def periods(start: date, end: date, interval: str) -> list[date]:
    """The first days of every period that meets [start, end)."""
    found = []
    current = period_start(start, interval)
    while current < end:
        found.append(current)
        current = next_period(current, interval)
    return found


def grouped(
    code: str,
    station_ids: Any,
    *,
    start: date | None = None,
    end: date | None = None,
    interval: str | None = None,
    per_station: bool = False,
) -> dict[tuple[Any, ...], int | float]:
    """The metric over [start, end) grouped by (station id,)? (period start,)?: one GROUP BY per
    part, whatever the number of stations or periods. Groups without rows are absent."""
    chosen = METRICS[code]
    summed: dict[tuple[Any, ...], Any] = {}
    for part in chosen.parts(station_ids):
        rows = part.within(start, end).order_by()
        keys = []
        if per_station:
            rows = rows.annotate(group_station=F(part.station))
            keys.append("group_station")
        if interval is not None:
            rows = rows.annotate(period=Trunc(part.on, interval, output_field=DateField()))
            keys.append("period")
        for row in rows.values(*keys).annotate(value=part.value).values_list(*keys, "value"):
            key = tuple(item.date() if isinstance(item, datetime) else item for item in row[:-1])
            summed[key] = summed.get(key, 0) + (row[-1] or 0)
    return {key: _number(value, chosen.decimals) for key, value in summed.items()}


def series(
    code: str, station_ids: Any, *, start: date, end: date, interval: str = "month"
) -> list[tuple[date, int | float]]:
    """(first day of the period, value) for every period meeting [start, end), zeros included.
    A period cut by the range counts only its days inside it."""
    found = grouped(code, station_ids, start=start, end=end, interval=interval)
    zero = _number(None, METRICS[code].decimals)
    return [(first, found.get((first,), zero)) for first in periods(start, end, interval)]


def by_station(
    code: str, station_ids: Any, *, start: date | None = None, end: date | None = None
) -> dict[int, int | float]:
    """The metric over [start, end) for each station with any rows."""
    found = grouped(code, station_ids, start=start, end=end, per_station=True)
    return {key[0]: value for key, value in found.items()}


def total(
    code: str, station_ids: Any, *, start: date | None = None, end: date | None = None
) -> int | float:
    """The metric over [start, end) (all time without them): one aggregate per part."""
    chosen = METRICS[code]
    summed: Any = 0
    for part in chosen.parts(station_ids):
        summed += part.within(start, end).aggregate(value=part.value)["value"] or 0
    return _number(summed, chosen.decimals)


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def month_range(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    return start, next_period(start, "month")


# --- the metrics of what is built today -------------------------------------------------------


@metric("hours", _("服务时长"), unit=_("小时"), decimals=2)
def hours(station_ids: Any) -> list[Part]:
    """Hours in the ledger (reversals included), by the day served."""
    entries = LedgerEntry.objects.filter(
        volunteer__station_id__in=station_ids, account=Account.HOURS
    )
    return [Part(entries, "served_on", Sum("amount"), station="volunteer__station_id")]


@metric("activities", _("活动"), unit=_("场"))
def activities(station_ids: Any) -> list[Part]:
    """Activities held or planned (not cancelled), by their start."""
    held = Activity.objects.filter(station_id__in=station_ids).exclude(
        status=ActivityStatus.CANCELLED
    )
    return [Part(held, "starts_at")]


@metric("person_times", _("志愿服务人次"), unit=_("人次"))
def person_times(station_ids: Any) -> list[Part]:
    """Volunteers' attendances with hours, by the activity's start."""
    served = Attendance.objects.filter(activity__station_id__in=station_ids, hours__gt=0)
    return [Part(served, "activity__starts_at", station="activity__station_id")]


@metric("requests", _("群众点单"), unit=_("单"))
def requests(station_ids: Any) -> list[Part]:
    """Service requests of every status, by submission."""
    return [Part(ServiceRequest.objects.filter(station_id__in=station_ids), "submitted_at")]


@metric("requests_completed", _("完成点单"), unit=_("单"))
def requests_completed(station_ids: Any) -> list[Part]:
    """Requests served (completed, or completed and rated), by completion."""
    served = ServiceRequest.objects.filter(
        station_id__in=station_ids, status__in=SERVED_REQUESTS, completed_at__isnull=False
    )
    return [Part(served, "completed_at")]


@metric("meals", _("供餐"), unit=_("份"))
def meals(station_ids: Any) -> list[Part]:
    """Served meal orders (delivered ones included), by the meal's day."""
    served = MealOrder.objects.filter(station_id__in=station_ids, status=OrderStatus.SERVED)
    return [Part(served, "date")]


def daycare_days(
    station_ids: Any, start: date | None = None, end: date | None = None
) -> QuerySet[CentreAttendance]:
    """One stay per person, centre and day (the first) in [start, end): their count is the
    person-times. The range narrows the inner GROUP BY too, so it reads the range only."""
    stays = CentreAttendance.objects.filter(centre__station_id__in=station_ids)
    if start is not None and end is not None:
        stays = stays.filter(day__gte=start, day__lt=end)
    first_stays = (
        stays.order_by().values("centre_id", "resident_id", "day").annotate(first=Min("pk"))
    )
    return CentreAttendance.objects.filter(pk__in=first_stays.values("first"))


@metric("attendance", _("日间照料人次"), unit=_("人次"))
def attendance(station_ids: Any) -> list[Part]:
    """Day-care person-times: a person on a day at a centre."""
    return [
        Part(
            daycare_days(station_ids),
            "day",
            station="centre__station_id",
            ranged=lambda start, end: daycare_days(station_ids, start, end),
        )
    ]


@metric("volunteers_new", _("新注册志愿者"), unit=_("人"))
def volunteers_new(station_ids: Any) -> list[Part]:
    """Volunteers registered in the period who were approved (they hold a number)."""
    approved = Volunteer.objects.filter(station_id__in=station_ids).exclude(number="")
    return [Part(approved, "registered_at")]


@metric("study_room_days", _("午间微学堂人次"), unit=_("人次"))
def study_room_days(station_ids: Any) -> list[Part]:
    """Pupils' days at the 午间微学堂: one pupil checked in on one day (one stay a day)."""
    stays = Stay.objects.filter(room__station_id__in=station_ids)
    return [Part(stays, "day", station="room__station_id")]


# Points earned by hours and rewards, and what staff added, are "issued"; spending is not.
POINTS_ISSUED = Q(kind__in=(EntryKind.EARN, EntryKind.REWARD)) | Q(
    kind=EntryKind.STAFF_ADJUST, amount__gt=0
)


@metric("points_issued", _("发放积分"), unit=_("分"), decimals=2)
def points_issued(station_ids: Any) -> list[Part]:
    """Points issued to the stations' volunteers, by the day they were earned."""
    issued = LedgerEntry.objects.filter(
        POINTS_ISSUED, account=Account.POINTS, volunteer__station_id__in=station_ids
    )
    return [Part(issued, "served_on", Sum("amount"), station="volunteer__station_id")]


@metric("points_redeemed", _("兑换积分"), unit=_("分"), decimals=2)
def points_redeemed(station_ids: Any) -> list[Part]:
    """Points spent in the 爱心超市, less what cancelled and expired reservations gave back."""
    spent = LedgerEntry.objects.filter(
        account=Account.POINTS,
        kind__in=(EntryKind.REDEEM, EntryKind.REFUND),
        volunteer__station_id__in=station_ids,
    )
    return [Part(spent, "served_on", Sum(F("amount") * -1), station="volunteer__station_id")]


@metric("people_served", _("服务群众人次"), unit=_("人次"))
def people_served(station_ids: Any) -> list[Part]:
    """Residents served (服务群众人次): the head counts activities recorded when they closed,
    requests served, day-care person-times and pupils' days at the 午间微学堂. Meals are
    counted apart (`meals`)."""
    counted = Activity.objects.filter(
        station_id__in=station_ids,
        status__in=(ActivityStatus.CLOSED, ActivityStatus.VERIFIED),
        people_served__isnull=False,
    )
    return [
        Part(counted, "starts_at", Sum("people_served"), _("活动服务群众")),
        *[
            Part(part.rows, part.on, part.value, _("完成点单"), part.station)
            for part in requests_completed(station_ids)
        ],
        *[
            Part(part.rows, part.on, part.value, _("日间照料人次"), part.station, part.ranged)
            for part in attendance(station_ids)
        ],
        *[
            Part(part.rows, part.on, part.value, _("午间微学堂人次"), part.station)
            for part in study_room_days(station_ids)
        ],
    ]
