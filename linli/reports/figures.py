"""What the station dashboard shows, assembled from the metrics and breakdowns: each figure with
the link to the rows behind it. A fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.assistance.stats import (
    median_minutes_to_accept,
    median_minutes_to_complete,
    median_minutes_to_dispatch,
    ratings,
)
from linli.org.models import Station
from linli.reports import breakdowns
from linli.reports.periods import Period
from linli.stats.metrics import METRICS, series, total

# The dashboard's cards, in order: metrics of the period.
CARD_METRICS = (
    "people_served",
    "activities",
    "hours",
    "person_times",
    "volunteers_new",
    "requests",
    "requests_completed",
    "meals",
    "attendance",
)


@dataclass
class Figure:
    label: str
    value: Any
    unit: str
    href: str
    code: str


def rows_url(station: Station, kind: str, period: Period, **filters: Any) -> str:
    url = reverse("reports:rows", args=[station.code, kind]) + f"?{period.query}"
    return url + (f"&{urlencode(filters)}" if filters else "")


def cards(station: Station, reach: Any, period: Period) -> list[Figure]:
    active = breakdowns.active_volunteers(reach).count()
    figures = [
        Figure(
            _("在册志愿者"), active, _("人"), rows_url(station, "volunteers", period), "volunteers"
        )
    ]
    for code in CARD_METRICS:
        chosen = METRICS[code]
        figures.append(
            Figure(
                str(chosen.label),
                total(code, reach, start=period.start, end=period.end),
                str(chosen.unit),
                rows_url(station, code, period),
                code,
            )
        )
    return figures


def _month_period(period: Period, month: int) -> Period:
    return Period(period.year, f"m{month}")


def monthly(station: Station, reach: Any, period: Period, code: str) -> dict[str, Any]:
    """A metric by month over the period, each month linking to its rows."""
    points = series(code, reach, start=period.start, end=period.end, interval="month")
    chosen = METRICS[code]
    return {
        "kind": "bar",
        "title": str(chosen.label),
        "labels": [_("%(month)d月") % {"month": first.month} for first, _v in points],
        "values": [value for _f, value in points],
        "links": [
            rows_url(station, code, _month_period(period, first.month)) for first, _v in points
        ],
    }


def hours_and_person_times(station: Station, reach: Any, period: Period) -> dict[str, Any]:
    hours = series("hours", reach, start=period.start, end=period.end, interval="month")
    times = series("person_times", reach, start=period.start, end=period.end, interval="month")
    return {
        "kind": "line",
        "title": _("服务时长与志愿服务人次（按月）"),
        "labels": [_("%(month)d月") % {"month": first.month} for first, _v in hours],
        "series": [
            {"name": str(METRICS["hours"].label), "values": [value for _f, value in hours]},
            {"name": str(METRICS["person_times"].label), "values": [v for _f, v in times]},
        ],
        "values": [value for _f, value in times],
        "links": [
            rows_url(station, "person_times", _month_period(period, first.month))
            for first, _v in hours
        ],
    }


def breakdown_chart(title: str, rows: list[breakdowns.Row], href: Any) -> dict[str, Any]:
    return {
        "kind": "bar",
        "title": title,
        "labels": [label for _key, label, _count in rows],
        "values": [count for _key, _label, count in rows],
        "links": [href(key) for key, _label, _count in rows],
    }


def charts(station: Station, reach: Any, period: Period) -> list[dict[str, Any]]:
    def volunteers(name: str) -> Any:
        return lambda key: rows_url(station, "volunteers", period, **{name: key})

    found = [
        hours_and_person_times(station, reach, period),
        breakdown_chart(
            _("活动（按服务类别）"),
            breakdowns.activities_by_category(reach, period),
            lambda key: rows_url(station, "activities", period, category=key),
        ),
        breakdown_chart(
            _("群众点单（按状态）"),
            breakdowns.requests_by_status(reach, period),
            lambda key: rows_url(station, "requests", period, status=key),
        ),
        monthly(station, reach, period, "people_served"),
        monthly(station, reach, period, "meals"),
        monthly(station, reach, period, "attendance"),
        breakdown_chart(
            _("在册志愿者（按队伍）"), breakdowns.volunteers_by_team(reach), volunteers("team")
        ),
        breakdown_chart(
            _("在册志愿者（按星级）"), breakdowns.volunteers_by_star(reach), volunteers("star")
        ),
        breakdown_chart(
            _("在册志愿者（按年龄段）"),
            breakdowns.volunteers_by_age_band(reach),
            volunteers("age"),
        ),
    ]
    for index, chart in enumerate(found):
        chart["id"] = f"chart-{index}"
        chart["rows"] = list(zip(chart["labels"], chart["values"], chart["links"], strict=True))
    return found


def responses(station: Station, reach: Any, period: Period) -> dict[str, Any]:
    """Response times and satisfaction of the requests of the period's year (medians need the
    whole year's requests to mean something)."""
    year = period.year
    rated, satisfied = ratings(reach, year)
    return {
        "year": year,
        "to_dispatch": median_minutes_to_dispatch(reach, year),
        "to_accept": median_minutes_to_accept(reach, year),
        "to_complete": median_minutes_to_complete(reach, year),
        "rated": rated,
        "satisfied": satisfied,
        "rate": round(100 * satisfied / rated, 1) if rated else None,
        "rated_href": rows_url(station, "requests", Period(year, "year"), status="rated"),
    }
