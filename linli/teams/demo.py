"""The troupes' programme in the demo: each of the 文体 team's troupes (舞龙队, 腰鼓队, 民歌合唱队,
their rosters and leaders seeded with the corps) gets its coming rehearsals and a performance
through the troupe action; the troupe's past activities are marked as its performances.
Idempotent: a troupe with a programme is skipped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from linli.teams.actions.troupes import TroupeEventInput, troupe_event_create
from linli.teams.models import Team, TroupeActivity
from linli.volunteers.demo.tables import STATION_CODE

Progress = Callable[[str], None]
SQUARE = "焦家社区文化广场"
# troupe → (rehearsal weekday, its hour, the coming performance)
PROGRAMME = {
    "舞龙队": (2, 18, "舞龙闹元宵彩排展演"),
    "腰鼓队": (1, 18, "腰鼓队小区巡演"),
    "民歌合唱队": (3, 15, "民歌合唱队迎新年演唱会"),
}


def _next(weekday: int, hour: int, after: int = 0) -> datetime:
    today = timezone.localdate() + timedelta(days=1 + after)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def seed_troupes(progress: Progress | None = None) -> int:
    added = 0
    for troupe in Team.objects.filter(station__code=STATION_CODE, name__in=PROGRAMME):
        if troupe.troupe_events.exists():
            continue
        past = troupe.activities.filter(starts_at__lt=timezone.now()).exclude(
            troupe_event__isnull=False
        )
        marks = [TroupeActivity(activity=a, troupe=troupe, kind="performance") for a in past]
        TroupeActivity.objects.bulk_create(marks)
        added += len(marks)
        weekday, hour, show = PROGRAMME[troupe.name]
        for week in (0, 7):
            starts = _next(weekday, hour, week)
            troupe_event_create(
                troupe=troupe,
                data=TroupeEventInput("rehearsal", f"{troupe.name}排练", SQUARE, starts,
                                      starts + timedelta(hours=2), 40),
                actor=None,
            )  # fmt: skip
            added += 1
        starts = _next(5, 9, 14)
        troupe_event_create(
            troupe=troupe,
            data=TroupeEventInput("performance", show, SQUARE, starts,
                                  starts + timedelta(hours=2), 40),
            actor=None,
        )  # fmt: skip
        added += 1
    return added
