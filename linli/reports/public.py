"""What the public station page shows: open activities ahead, the year's figures, and the links
a resident needs. Nothing personal — no names, phones or responsible persons, only what a notice
board at the station's door would carry. The figures are cached for a few minutes per station."""

from __future__ import annotations

import calendar as month_grid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from icalendar import Calendar, Event

from linli.activities.models import Activity, ActivityStatus
from linli.org.models import Station
from linli.reports import monthly
from linli.reports.breakdowns import active_volunteers
from linli.stats.metrics import METRICS, year_range
from linli.volunteers.models import VolunteerAward

UPCOMING_DAYS = 60
CACHE_SECONDS = 300
PUBLIC_METRICS = ("people_served", "activities", "hours", "person_times", "meals", "attendance")
PRODID = "-//Linli 邻里//Station activities//ZH"
HONOURS_LISTED = 20


def upcoming(station: Station) -> QuerySet[Activity]:
    """Published and ongoing activities of the station from today for UPCOMING_DAYS days."""
    now = timezone.now()
    today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return (
        Activity.objects.filter(
            station=station,
            status__in=(ActivityStatus.PUBLISHED, ActivityStatus.ONGOING),
            ends_at__gte=now,
            starts_at__gte=today,
            starts_at__lt=now + timedelta(days=UPCOMING_DAYS),
        )
        .only("pk", "title", "category", "place", "starts_at", "ends_at", "organizer", "capacity")
        .order_by("starts_at", "id")
    )


@dataclass
class PublicFigure:
    label: str
    value: int | float
    unit: str


def year_figures(station: Station, year: int) -> list[PublicFigure]:
    """The station's (and its subtree's) figures of `year`, cached for CACHE_SECONDS."""
    key = f"reports:public:{station.pk}:{year}"
    found = cache.get(key)
    if found is None:
        reach = Station.objects.filter(path__startswith=station.path).values("pk")
        start, end = year_range(year)
        found = [("volunteers", active_volunteers(reach).count())]
        values = monthly.totals(PUBLIC_METRICS, reach, start=start, end=end)
        found += [(code, values[code]) for code in PUBLIC_METRICS]
        cache.set(key, found, CACHE_SECONDS)
    return [_figure(code, value) for code, value in found]


def _figure(code: str, value: Any) -> PublicFigure:
    from django.utils.translation import gettext as _

    if code == "volunteers":
        return PublicFigure(_("注册志愿者"), value, _("人"))
    chosen = METRICS[code]
    return PublicFigure(str(chosen.label), value, str(chosen.unit))


def honour_roll(station: Station) -> list[tuple[int, str, str, int]]:
    """The honours the station's volunteers received, by year, title and granting body, with how
    many received each — the roll of a notice board, without anyone's name."""
    rows = (
        VolunteerAward.objects.filter(volunteer__station=station)
        .annotate(year=ExtractYear("awarded_on"))
        .order_by()
        .values("year", "name", "granted_by")
        .annotate(count=Count("pk"))
        .values_list("year", "name", "granted_by", "count")
    )
    return sorted(rows, key=lambda row: (-row[0], -row[3], row[1]))[:HONOURS_LISTED]


def month_calendar(
    activities: list[Activity], today: date
) -> list[list[tuple[int, list[Activity]]]]:
    """This month as weeks of (day, the day's activities); 0 is a day of another month."""
    by_day: dict[int, list[Activity]] = {}
    for activity in activities:
        day = timezone.localdate(activity.starts_at)
        if (day.year, day.month) == (today.year, today.month):
            by_day.setdefault(day.day, []).append(activity)
    weeks = month_grid.Calendar(firstweekday=0).monthdayscalendar(today.year, today.month)
    return [[(day, by_day.get(day, [])) for day in week] for week in weeks]


def feed(station: Station, *, host: str) -> bytes:
    """The open activities ahead as iCalendar: title, place, times and organiser only."""
    found = Calendar()
    found.add("prodid", PRODID)
    found.add("version", "2.0")
    found.add("x-wr-calname", f"{station.name} · 志愿活动")
    found.add("x-wr-timezone", "Asia/Shanghai")
    for activity in upcoming(station):
        event = Event()
        event.add("uid", f"activity-{activity.pk}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", timezone.localtime(activity.starts_at))
        event.add("dtend", timezone.localtime(activity.ends_at))
        event.add("summary", activity.title)
        event.add("location", activity.place)
        event.add("description", f"组织单位：{activity.organizer}")
        found.add_component(event)
    found.add_missing_timezones()
    return bytes(found.to_ical())
