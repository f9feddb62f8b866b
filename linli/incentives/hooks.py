"""What an hours entry earns, called by `linli.ledger.actions` in the transaction that posts it:
its points (the station's rate), and the star level it reaches, told to the volunteer once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from linli.core.messages import Message
from linli.ledger.models import LedgerEntry
from linli.ledger.queries import balance, star_level


def after_hours_posted(*, entry: LedgerEntry, actor: Any) -> None:
    from linli.incentives.actions.points import points_for_hours

    if entry.amount > 0:
        points_for_hours(entry=entry, actor=actor)
        announce_star(volunteer=entry.volunteer, actor=actor)


def after_hours_reversed(*, reversal: LedgerEntry, actor: Any) -> None:
    from linli.incentives.actions.points import points_for_hours

    points_for_hours(entry=reversal, actor=actor)


@transaction.atomic
def announce_star(*, volunteer: Any, actor: Any) -> int | None:
    """When the volunteer's verified hours have crossed a star threshold not yet announced, record
    it and tell them (inbox and text message); returns the new level or None.
    Invariant: each level is announced once, whatever posts the hours."""
    from linli.incentives.models import StarAnnouncement
    from linli.notifications.actions import notify

    hours = balance(volunteer)
    level = star_level(hours)
    if level == 0:
        return None
    announced = set(
        StarAnnouncement.objects.filter(volunteer=volunteer).values_list("level", flat=True)
    )
    new = [n for n in range(1, level + 1) if n not in announced]
    if not new:
        return None
    StarAnnouncement.objects.bulk_create(
        [StarAnnouncement(volunteer=volunteer, level=n, hours=hours) for n in new],
        ignore_conflicts=True,
    )
    threshold = settings.STAR_THRESHOLDS[level - 1]
    params = {
        "name": volunteer.person.name,
        "hours": str(hours.normalize() if hours == hours.to_integral() else hours),
        "threshold": threshold,
        "level": level,
    }
    notify(
        users=[volunteer.user],
        kind="star",
        title=Message("star.reached", {"level": level}),
        body=Message("star.reached_body", params),
        url="/incentives/points/",
        station=volunteer.station,
        sms=True,
    )
    return level


def points_value(hours: Decimal, rate: Decimal) -> Decimal:
    return (hours * rate).quantize(Decimal("0.01"))
