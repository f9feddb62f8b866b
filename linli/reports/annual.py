"""The station's report of a year (or a month, for the 所), in the shape of the community's own:
its figures, its teams and their activities, the services (点单, 食堂, 日间照料, 午间微学堂),
honours. Everything is read from rows by `report_data`; the two writers of
`linli.reports.exports` (a PDF drawn by ReportLab, an xlsx workbook) only lay it out, and load
those libraries in the process that first builds a report, not at start."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from linli.activities.models import Activity, ActivityStatus
from linli.assistance.stats import ratings
from linli.core.categories import ServiceCategory
from linli.daycare.models import Centre, CentreKind
from linli.org.models import Station
from linli.reports import monthly
from linli.reports.breakdowns import active_volunteers
from linli.reports.periods import Period
from linli.reports.study import StudyPart, study_part
from linli.stats.metrics import METRICS, period_label, periods
from linli.teams.models import Team
from linli.volunteers.models import VolunteerAward

REPORT_METRICS = (
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
CHARTED = ("hours", "person_times", "people_served", "meals", "attendance")
ACTIVITIES_LISTED = 40  # per team, in the PDF; the workbook lists them all


@dataclass
class TeamPart:
    name: str
    station: str
    activities: list[tuple[date, str, str, int | None]]  # day, title, category, people served
    hours: float = 0.0


@dataclass
class ReportData:
    station: Station
    period: Period
    figures: list[tuple[str, str, int | float, str]]  # code, label, value, unit
    monthly: dict[str, list[tuple[str, int | float]]]  # code → (period label, value)
    teams: list[TeamPart] = field(default_factory=list)
    services: list[tuple[str, str]] = field(default_factory=list)
    honours: list[tuple[date, str, str, str]] = field(default_factory=list)
    stations: list[tuple[str, dict[str, int | float]]] = field(default_factory=list)
    study: StudyPart | None = None

    @property
    def title(self) -> str:
        return f"{self.station.name} {self.period.label}工作报告"


def records_stamp(station: Station, period: Period) -> str:
    """A digest of the period's records, cheap beside a build (the kept monthly figures and a
    few counts):
    when an activity, an hour, a request, a meal, a day-care or study-room stay, a tutor's shift
    or an honour of the period is added or changed, the stamp changes and a cached report of the
    period is built again."""
    reach = list(Station.objects.filter(path__startswith=station.path).values_list("pk", flat=True))
    start, end = period.start, period.end
    shape: list[Any] = [monthly.totals(REPORT_METRICS, reach, start=start, end=end)]
    shape.append(active_volunteers(reach).count())
    shape.append(
        VolunteerAward.objects.filter(
            volunteer__station_id__in=reach, awarded_on__gte=start, awarded_on__lt=end
        ).count()
    )
    shape.append(
        Activity.objects.filter(
            station_id__in=reach, starts_at__date__gte=start, starts_at__date__lt=end
        ).aggregate(count=Count("pk"), last=Count("pk", filter=Q(status=ActivityStatus.VERIFIED)))
    )
    study = study_part(reach, start, end)
    shape.append(asdict(study) if study is not None else None)
    return hashlib.sha256(json.dumps(shape, default=str).encode()).hexdigest()[:32]


def report_data(station: Station, period: Period) -> ReportData:
    """The report's figures, all from rows (aggregates; the lists are the period's activities
    and honours). A 所 or 中心 adds one line per station under it."""
    reach = list(Station.objects.filter(path__startswith=station.path).values_list("pk", flat=True))
    start, end = period.start, period.end
    values = monthly.totals(REPORT_METRICS, reach, start=start, end=end)
    figures: list[tuple[str, str, int | float, str]] = [
        ("volunteers", "在册志愿者", active_volunteers(reach).count(), "人")
    ]
    for code in REPORT_METRICS:
        chosen = METRICS[code]
        figures.append((code, str(chosen.label), values[code], str(chosen.unit)))
    found = monthly.figures(CHARTED, reach, start=start, end=end, by_month=True)
    by_month = {
        code: [
            (
                period_label(first, "month"),
                found.get((first,), {}).get(code, monthly.number(code, None)),
            )
            for first in periods(start, end, "month")
        ]
        for code in CHARTED
    }
    data = ReportData(station, period, figures, by_month)
    data.teams = _teams(reach, period)
    data.services = _services(reach, period, values)
    data.study = study_part(reach, start, end)
    data.honours = [
        (award.awarded_on, award.name, award.volunteer.person.name, award.granted_by)
        for award in VolunteerAward.objects.filter(
            volunteer__station_id__in=reach, awarded_on__gte=start, awarded_on__lt=end
        )
        .select_related("volunteer__person")
        .order_by("awarded_on", "name", "id")
    ]
    if station.kind != Station.Kind.STATION:
        data.stations = _stations(station, period)
    return data


def _teams(reach: list[int], period: Period) -> list[TeamPart]:
    held = (
        Activity.objects.filter(
            station_id__in=reach, starts_at__date__gte=period.start, starts_at__date__lt=period.end
        )
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("team", "station")
        .order_by("starts_at", "id")
    )
    labels = dict(ServiceCategory.choices)
    # A station's activities without a team are the station's own: one part per station.
    teams: dict[tuple[int, int | None], TeamPart] = {}
    for activity in held:
        key = (activity.station_id, activity.team_id)
        if key not in teams:
            name = activity.team.name if activity.team else "实践站"
            teams[key] = TeamPart(name, activity.station.name, [])
        teams[key].activities.append(
            (
                timezone.localdate(activity.starts_at),
                activity.title,
                str(labels.get(activity.category, activity.category)),
                activity.people_served,
            )
        )
    hours = dict(
        Team.objects.filter(station_id__in=reach)
        .annotate(
            served=Sum(
                "activities__ledger_entries__amount",
                filter=Q(
                    activities__ledger_entries__served_on__gte=period.start,
                    activities__ledger_entries__served_on__lt=period.end,
                ),
            )
        )
        .values_list("pk", "served")
    )
    for (_station, team_id), part in teams.items():
        part.hours = float((hours.get(team_id) if team_id is not None else 0) or 0)
    return sorted(teams.values(), key=lambda part: (-len(part.activities), part.name))


def _services(
    reach: list[int], period: Period, values: dict[str, int | float]
) -> list[tuple[str, str]]:
    rated, satisfied = ratings(reach, period.year) if period.part == "year" else (0, 0)
    asked, served = values["requests"], values["requests_completed"]
    lines = [("群众点单", f"受理 {asked} 单，完成 {served} 单")]
    if rated:
        lines.append(("点单满意率", f"{round(100 * satisfied / rated, 1)}%（{satisfied}/{rated}）"))
    lines.append(("银龄爱心食堂", f"供餐 {values['meals']} 份"))
    centres = Centre.objects.filter(station_id__in=reach).order_by("kind", "name")
    days = values["attendance"]
    lines.append(("日间照料", f"服务 {days} 人次，照料中心 {centres.count()} 个"))
    disabled = centres.filter(kind=CentreKind.DISABLED).aggregate(
        members=Count("members", filter=Q(members__status="active"))
    )["members"]
    if disabled:
        lines.append(("残疾人日间照料", f"在托残疾人 {disabled} 人"))
    return lines


def _stations(root: Station, period: Period) -> list[tuple[str, dict[str, int | float]]]:
    from linli.reports.rollup import ROLLUP_METRICS, rollup

    rows, _totals, _volunteers = rollup(root, period, rank_by="people_served")
    return [
        (row.station.name, {code: row.cells[code].value for code in ROLLUP_METRICS})
        for row in sorted(rows, key=lambda row: row.rank)
    ]
