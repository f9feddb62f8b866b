"""iCalendar feeds a phone's calendar app subscribes to: a volunteer's activities (confirmed and
waitlisted sign-ups) and a station's open activities (published and ongoing).

Calendar apps cannot sign in, so the feed's address carries a token signed with the server's
secret key (`django.core.signing`, one salt per kind of feed) naming the volunteer or station.
The token does not expire: a subscription keeps working. To revoke every feed link at once,
rotate `LINLI_SECRET_KEY` (which also signs out every session); there is no per-link revocation.
A feed shows only what its owner sees anyway, never anyone's personal data.

`feed_volunteer` / `feed_station` are the only readers of tokens; a forged or altered one is 404.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from icalendar import Calendar, Event

from linli.activities.models import Activity, ActivityStatus, Signup, SignupStatus
from linli.org.models import Station
from linli.volunteers.models import Volunteer

VOLUNTEER_SALT = "linli.ledger.calendar.volunteer"
STATION_SALT = "linli.ledger.calendar.station"
# Past activities stay in the feed this long, so this week's calendar is complete.
PAST_DAYS = 60
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PRODID = "-//Linli 邻里//Volunteer activities//ZH"


def volunteer_token(volunteer: Volunteer) -> str:
    return signing.Signer(salt=VOLUNTEER_SALT).sign(str(volunteer.pk))


def station_token(station: Station) -> str:
    """The signature alone: the station's code is already in the address beside it."""
    return signing.Signer(salt=STATION_SALT).sign(str(station.pk)).split(":", 1)[1]


def volunteer_from_token(token: str) -> Volunteer:
    """The volunteer a feed token names, if it is ours and unaltered; else 404."""
    try:
        pk = signing.Signer(salt=VOLUNTEER_SALT).unsign(token)
    except signing.BadSignature as error:
        raise Http404("calendar") from error
    volunteer = Volunteer.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
    if volunteer is None:
        raise Http404("calendar")
    return volunteer


def station_from_token(code: str, token: str) -> Station:
    """The station with `code` if `token` is its feed signature; else 404."""
    station = Station.objects.filter(code=code).first()
    if station is None:
        raise Http404("calendar")
    try:
        signing.Signer(salt=STATION_SALT).unsign(f"{station.pk}:{token}")
    except signing.BadSignature as error:
        raise Http404("calendar") from error
    return station


def _since() -> datetime:
    return timezone.now() - timedelta(days=PAST_DAYS)


def volunteer_activities(volunteer: Volunteer) -> QuerySet[Activity]:
    """Activities the volunteer is confirmed or waitlisted for, cancelled ones included (so a
    subscribed calendar learns of the cancellation)."""
    live = Signup.objects.filter(
        activity=OuterRef("pk"),
        volunteer=volunteer,
        status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED],
    )
    waitlisted = live.filter(status=SignupStatus.WAITLISTED)
    return (
        Activity.objects.filter(Exists(live), starts_at__gte=_since())
        .annotate(waitlisted=Exists(waitlisted))
        .select_related("station", "team")
        .order_by("starts_at", "id")
    )


def station_activities(station: Station) -> QuerySet[Activity]:
    """The station's published and ongoing activities, and those cancelled after they were
    open (they had sign-ups), so subscribers see them struck out."""
    signed_up = Signup.objects.filter(activity=OuterRef("pk"))
    open_states = [ActivityStatus.PUBLISHED, ActivityStatus.ONGOING]
    return (
        Activity.objects.filter(station=station, starts_at__gte=_since())
        .annotate(had_signups=Exists(signed_up))
        .filter(Q(status__in=open_states) | Q(status=ActivityStatus.CANCELLED, had_signups=True))
        .select_related("station", "team")
        .order_by("starts_at", "id")
    )


def _event(activity: Activity, *, host: str, waitlisted: bool = False) -> Event:
    event = Event()
    event.add("uid", f"activity-{activity.pk}@{host}")
    event.add("dtstamp", timezone.now())
    # Local times with TZID=Asia/Shanghai (and its VTIMEZONE): what the station's notices say.
    event.add("dtstart", timezone.localtime(activity.starts_at, SHANGHAI))
    event.add("dtend", timezone.localtime(activity.ends_at, SHANGHAI))
    summary = activity.title
    if waitlisted:
        summary = f"（候补）{summary}"
    event.add("summary", summary)
    event.add("location", activity.place)
    lines = [activity.description] if activity.description else []
    lines.append(f"组织单位：{activity.organizer}")
    lines.append(f"负责人：{activity.responsible_name}")
    if activity.status == ActivityStatus.CANCELLED:
        lines.insert(0, f"已取消：{activity.cancel_reason}" if activity.cancel_reason else "已取消")
    event.add("description", "\n".join(lines))
    if activity.status == ActivityStatus.CANCELLED:
        event.add("status", "CANCELLED")
    elif waitlisted:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    return event


def _calendar(name: str, activities: Any, *, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    for activity in activities:
        calendar.add_component(
            _event(activity, host=host, waitlisted=bool(getattr(activity, "waitlisted", False)))
        )
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def feed_volunteer(volunteer: Volunteer, *, host: str) -> bytes:
    return _calendar(
        f"{volunteer.station.name} · 我的志愿活动", volunteer_activities(volunteer), host=host
    )


def feed_station(station: Station, *, host: str) -> bytes:
    return _calendar(f"{station.name} · 志愿活动", station_activities(station), host=host)
