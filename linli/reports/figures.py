"""What the station dashboard shows, assembled from the metrics and breakdowns: each figure with
the link to the rows behind it. The metrics come from the kept monthly figures
(linli.reports.monthly: one query for the cards, one for the monthly charts), the breakdowns
from one GROUP BY each: a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
from linli.reports import breakdowns, monthly
from linli.reports.periods import Period
from linli.stats.metrics import METRICS, periods

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


def cards(station: Station, reach: Any, period: Period, active: int) -> list[Figure]:
    """The period's figures: the active volunteers (`active`, counted by the caller) and each
    metric of CARD_METRICS."""
    values = monthly.totals(CARD_METRICS, reach, start=period.start, end=period.end)
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
                values[code],
                str(chosen.unit),
                rows_url(station, code, period),
                code,
            )
        )
    return figures


def _month_period(period: Period, month: int) -> Period:
    return Period(period.year, f"m{month}")


Points = dict[str, list[tuple[date, int | float]]]


def by_month(reach: Any, period: Period, codes: tuple[str, ...]) -> Points:
    """Each metric by month over the period, zeros included: one query for them all."""
    found = monthly.figures(codes, reach, start=period.start, end=period.end, by_month=True)
    months = periods(period.start, period.end, "month")
    return {
        code: [
            (first, found.get((first,), {}).get(code, monthly.number(code, None)))
            for first in months
        ]
        for code in codes
    }


def monthly_chart(station: Station, period: Period, code: str, points: Points) -> dict[str, Any]:
    """A metric by month over the period, each month linking to its rows."""
    chosen = METRICS[code]
    points_of = points[code]
    return {
        "kind": "bar",
        "title": str(chosen.label),
        "labels": [_("%(month)d月") % {"month": first.month} for first, _v in points_of],
        "values": [value for _f, value in points_of],
        "links": [
            rows_url(station, code, _month_period(period, first.month)) for first, _v in points_of
        ],
    }


def hours_and_person_times(station: Station, period: Period, points: Points) -> dict[str, Any]:
    hours, times = points["hours"], points["person_times"]
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


CHARTED = ("hours", "person_times", "people_served", "meals", "attendance")


def charts(station: Station, reach: Any, period: Period, active: int) -> list[dict[str, Any]]:
    def volunteers(name: str) -> Any:
        return lambda key: rows_url(station, "volunteers", period, **{name: key})

    points = by_month(reach, period, CHARTED)
    found = [
        hours_and_person_times(station, period, points),
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
        monthly_chart(station, period, "people_served", points),
        monthly_chart(station, period, "meals", points),
        monthly_chart(station, period, "attendance", points),
        breakdown_chart(
            _("在册志愿者（按队伍）"), breakdowns.volunteers_by_team(reach), volunteers("team")
        ),
        breakdown_chart(
            _("在册志愿者（按星级）"),
            breakdowns.volunteers_by_star(reach, active),
            volunteers("star"),
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
