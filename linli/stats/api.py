from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from linli.accounts.access import STATS_ROLES, can_read_stats, visible_stations
from linli.accounts.schemas import ErrorOut
from linli.core.schemas import Code, Year
from linli.stats.metrics import (
    INTERVALS,
    METRICS,
    next_period,
    period_label,
    period_start,
    series,
    total,
)
from linli.stats.queries import summary

router = Router(tags=["statistics"])


class SummaryOut(Schema):
    station: str | None = Field(description="the station asked for; null means all in reach")
    year: int | None
    estates: int
    buildings: int
    households: int
    residents: int
    volunteers: int = Field(description="active volunteers")
    teams: int = Field(description="volunteer teams; the troupes under a team are not counted")
    activities: int = Field(description="activities not cancelled, starting in `year` if given")
    service_hours: float = Field(
        description="hours in the ledger (reversals included), served in `year` if given"
    )
    person_times: int = Field(
        description="volunteers' person-times of service: attendance rows with hours"
    )
    requests: int = Field(
        description="service requests (群众点单) of every status; this and every request "
        "figure below count the requests submitted in `year`, if given"
    )
    requests_by_status: dict[str, int] = Field(
        description="service requests by status code (submitted, dispatched, accepted, "
        "in_service, completed, rated, rejected, cancelled); every code is present, zeros "
        "included"
    )
    requests_by_category: dict[str, int] = Field(
        description="service requests by service category code (SPEC §4a), most asked first; "
        "only categories with requests"
    )
    median_minutes_to_dispatch: float | None = Field(
        description="median minutes from submission to the first dispatch; null when none "
        "was dispatched"
    )
    median_minutes_to_accept: float | None = Field(
        description="median minutes from the dispatch a volunteer took (the latest, after a "
        "re-dispatch) to its acceptance; null when none was accepted"
    )
    median_minutes_to_complete: float | None = Field(
        description="median minutes from submission to completion, over completed and rated "
        "requests; null when none is completed"
    )
    satisfaction_rate: float | None = Field(
        description="share (0–1) of rated requests scored 4 满意 or 5 非常满意, by each "
        "request's latest rating; null when none is rated"
    )
    rated_count: int = Field(description="service requests with a rating")
    elders: int = Field(
        description="residents aged 60 and over living at the stations, each with a care "
        "profile (银龄关爱); not narrowed by `year`"
    )
    daycare_person_times: int = Field(
        description="day-care person-times (人次): distinct person and day at each centre, "
        "counted from check-ins, in `year` if given"
    )
    disabled_served: int = Field(
        description="disabled residents the disabled day-care centres served: members admitted "
        "(in `year` if given: whose membership overlapped it)"
    )
    open_followups: int = Field(
        description="follow-ups (回访) of ratings of 2 or less that are not closed yet"
    )
    meals_served: int = Field(
        description="meals served by the canteen (银龄爱心食堂), delivered ones included: "
        "served orders, of `year` if given"
    )
    pupils: int = Field(
        description="pupils enrolled now at the 午间微学堂 (not narrowed by `year`)"
    )
    study_room_days: int = Field(
        description="the 午间微学堂's attendance days: one pupil on one day, in `year` if given"
    )
    people_served: int = Field(
        description="residents served (服务群众人次), of `year` if given: the head counts "
        "activities recorded when they closed, plus requests completed, plus day-care "
        "person-times, plus pupils' days at the 午间微学堂; meals are counted apart"
    )
    points_issued: float = Field(
        description="points (积分) issued to the stations' volunteers for their hours and "
        "rewards, and added by staff; of `year` if given"
    )
    honours: int = Field(
        description="honours awarded (one per person, team or household named), of `year` if given"
    )


def _reach(user: Any, station: str | None) -> Any:
    """The stations a reader of statistics reaches, narrowed to `station` and its subtree."""
    if not can_read_stats(user):
        raise PermissionDenied
    reach = visible_stations(user, roles=STATS_ROLES)
    if station:
        root = reach.filter(code=station).first()
        if root is None:
            raise Http404("station")
        reach = reach.filter(path__startswith=root.path)
    return reach


@router.get(
    "/summary",
    response={200: SummaryOut, 403: ErrorOut, 404: ErrorOut},
    summary="Counts for a station and everything under it, computed from rows",
)
def stats_summary(
    request: HttpRequest, station: Code | None = None, year: Year | None = None
) -> dict[str, Any]:
    reach = _reach(request.auth, station)  # type: ignore[attr-defined]
    return {"station": station, "year": year, **summary(reach.values("pk"), year=year)}


class SeriesPoint(Schema):
    period: str = Field(description="`2025-03` by month, `2025-Q1` by quarter, `2025` by year")
    value: float | int


class SeriesOut(Schema):
    metric: str
    label: str = Field(description="the metric's name, in the request's language")
    unit: str
    interval: str
    station: str | None
    from_: date = Field(alias="from")
    to: date
    items: list[SeriesPoint] = Field(description="every period of the range, zeros included")
    count: int
    total: float | int = Field(description="the metric over the whole range")


MAX_SERIES_YEARS = 30


def _day(value: str | None, name: str, *, last: bool = False) -> date | None:
    """`2025-03-15`, or `2025-03` for the month's first (or, with `last`, its last) day."""
    if not value:
        return None
    try:
        if len(value) == 7:
            first = date.fromisoformat(f"{value}-01")
            return next_period(first, "month") - timedelta(days=1) if last else first
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValidationError({name: [_("日期请写成 2025-03-15 或 2025-03。")]}) from error


@router.get(
    "/series",
    response={200: SeriesOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One metric by month, quarter or year over a range, computed from rows",
    by_alias=True,
)
def stats_series(
    request: HttpRequest,
    metric: Code,
    interval: Code = "month",
    from_: str | None = Query(None, alias="from", max_length=10),  # noqa: B008 (ninja's way)
    to: str | None = Query(None, max_length=10),  # noqa: B008
    station: Code | None = None,
) -> dict[str, Any]:
    """`metric` is one of the registered metrics (hours, activities, person_times, requests,
    requests_completed, meals, attendance, volunteers_new, people_served, study_room_days,
    points_issued, points_redeemed); `from` and `to` are
    days, both included (default: the twelve months up to today); a period cut by the range
    counts only its days inside it."""
    if metric not in METRICS:
        raise ValidationError({"metric": [_("可选：%(codes)s") % {"codes": ", ".join(METRICS)}]})
    if interval not in INTERVALS:
        raise ValidationError({"interval": [_("可选：month、quarter、year")]})
    last = _day(to, "to", last=True) or timezone.localdate()
    first = _day(from_, "from") or period_start(last.replace(day=1) - timedelta(days=330), "month")
    if first > last:
        raise ValidationError({"from": [_("开始日期不能晚于结束日期。")]})
    if last.year - first.year > MAX_SERIES_YEARS:
        raise ValidationError({"from": [_("时间跨度不能超过 30 年。")]})
    reach = _reach(request.auth, station).values("pk")  # type: ignore[attr-defined]
    end = last + timedelta(days=1)
    points = series(metric, reach, start=first, end=end, interval=interval)
    chosen = METRICS[metric]
    return {
        "metric": metric,
        "label": str(chosen.label),
        "unit": str(chosen.unit),
        "interval": interval,
        "station": station,
        "from": first,
        "to": last,
        "items": [
            {"period": period_label(period, interval), "value": value} for period, value in points
        ],
        "count": len(points),
        "total": total(metric, reach, start=first, end=end),
    }
