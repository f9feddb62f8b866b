"""The rows behind each figure of the dashboard: the same querysets the figures aggregate, listed.

A metric's rows are its parts (linli.stats.metrics) inside the period; `volunteers` are the active
volunteers of the stations as they stand today. Filters narrow them the way the dashboard's
breakdowns split them (an activity's category, a request's status, a volunteer's team, star level
or age band); a filter a list does not know is a 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.activities.models import Activity, Attendance
from linli.assistance.models import ServiceRequest
from linli.canteen.models import MealOrder
from linli.core.categories import ServiceCategory
from linli.daycare.models import CentreAttendance
from linli.ledger.models import LedgerEntry
from linli.reports.breakdowns import active_volunteers, age_band_filter, with_star
from linli.reports.periods import Period
from linli.stats.metrics import METRICS
from linli.studyroom.models import Stay
from linli.volunteers.models import Volunteer

# How each model's rows are read and shown: related rows loaded with them, the order, the
# template of one row, and the filters (query parameter → lookup) it accepts.
SHAPES: dict[type[Model], tuple[tuple[str, ...], tuple[str, ...], str, dict[str, str]]] = {
    Activity: (("team",), ("-starts_at", "id"), "activity", {"category": "category"}),
    Attendance: (
        ("activity", "volunteer__person"),
        ("-activity__starts_at", "id"),
        "attendance",
        {"category": "activity__category"},
    ),
    LedgerEntry: (("volunteer__person",), ("-served_on", "id"), "ledgerentry", {}),
    ServiceRequest: (
        ("resident",),
        ("-submitted_at", "id"),
        "servicerequest",
        {"status": "status", "category": "category"},
    ),
    MealOrder: (("resident",), ("-date", "id"), "mealorder", {"meal": "meal", "mode": "mode"}),
    CentreAttendance: (("centre", "resident"), ("-day", "id"), "centreattendance", {}),
    Volunteer: (("person",), ("number", "id"), "volunteer", {}),
    # A pupil's day names the room only: a child's name is not a figure's business.
    Stay: (("room",), ("-day", "id"), "stay", {}),
}
KEEP = {"year", "period", "page", "station"}
MAX_FILTER_LENGTH = 40


@dataclass
class Section:
    label: str | Promise
    rows: QuerySet[Any]
    template: str


def _shaped(rows: QuerySet[Any], filters: dict[str, str]) -> tuple[QuerySet[Any], str]:
    related, order, template, known = SHAPES[rows.model]
    wanted = {name: value for name, value in filters.items() if name not in KEEP}
    unknown = set(wanted) - set(known)
    if unknown or any(len(value) > MAX_FILTER_LENGTH for value in wanted.values()):
        raise BadRequest("filter")
    rows = rows.filter(**{known[name]: value for name, value in wanted.items()})
    return rows.select_related(*related).order_by(*order), f"reports/rows/{template}.html"


def metric_sections(
    code: str, station_ids: Any, period: Period, filters: dict[str, str]
) -> list[Section]:
    """The rows of each part of metric `code` inside the period."""
    chosen = METRICS[code]
    sections = []
    for part in chosen.parts(station_ids):
        rows, template = _shaped(part.within(period.start, period.end), filters)
        sections.append(Section(part.label or chosen.label, rows, template))
    return sections


def volunteer_section(station_ids: Any, filters: dict[str, str]) -> Section:
    """Active volunteers, by team (`team` id), star level (`star` 0–5) or age band (`age`)."""
    volunteers = with_star(active_volunteers(station_ids))
    team = filters.pop("team", "")
    star = filters.pop("star", "")
    age = filters.pop("age", "")
    if team:
        if not team.isdigit() or len(team) > 12:
            raise BadRequest("team")
        volunteers = volunteers.filter(
            memberships__team_id=int(team), memberships__status="active"
        ).distinct()
    if star:
        if not star.isdigit() or len(star) > 1:
            raise BadRequest("star")
        volunteers = volunteers.filter(star=int(star))  # type: ignore[misc]  # annotated
    if age:
        band = age_band_filter(age)
        if band is None:
            raise BadRequest("age")
        volunteers = volunteers.filter(band)
    rows, template = _shaped(volunteers, filters)
    return Section(_("在册志愿者"), rows, template)


def category_label(code: str) -> str:
    return str(dict(ServiceCategory.choices).get(code, code))
