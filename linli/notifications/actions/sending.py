"""The one way to tell people something: `notify` writes inbox rows and queues the deliveries.

Deliveries are queued after the surrounding transaction commits, so a rolled-back change sends
nothing, and sending never blocks the request that caused it (notifications.tasks sends them).
A replay of past events (the demo's history) settles what `notify` wrote for it afterwards
(`replay_mark`, `notifications_settle_replay`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from linli.core.messages import Message, as_stored
from linli.notifications.models import ChannelKind, Delivery, Notification, StationChannel


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    title: Message | str,
    body: Message | str = "",
    url: str = "",
    station: Any = None,
    sms: bool = False,
    station_channels: bool = False,
) -> list[Notification]:
    """An inbox row for each distinct active user; with `sms`, a text to each user's phone (when
    an SMS gateway is configured); with `station_channels`, a message to each active channel of
    `station` (its WeCom group robot, its mailbox). Returns the inbox rows."""
    now = timezone.now()
    seen: set[int] = set()
    recipients = []
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        recipients.append(user)
    # A Message is stored as its code and parameters beside its Chinese words (read in the
    # reader's language); plain words are stored as they are.
    title, title_code, title_params = as_stored(title)
    body, body_code, body_params = as_stored(body)
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                station=station,
                kind=kind,
                title=str(title)[:100],
                body=str(body)[:500],
                title_code=title_code,
                body_code=body_code,
                params={**body_params, **title_params},
                url=url,
                created_at=now,
            )
            for user in recipients
        ]
    )
    deliveries: list[Delivery] = []
    if sms and settings.SMS_GATEWAY_URL:
        for notification, user in zip(notifications, recipients, strict=True):
            if user.phone:
                deliveries.append(
                    Delivery(
                        notification=notification,
                        station=station,
                        channel=ChannelKind.SMS,
                        target=user.phone,
                        subject=str(title)[:100],
                        body=str(body)[:1000],
                    )
                )
    if station_channels and station is not None:
        for channel in StationChannel.objects.filter(station=station, active=True):
            deliveries.append(
                Delivery(
                    station=station,
                    channel=channel.kind,
                    target=channel.target,
                    subject=str(title)[:100],
                    body=str(body)[:1000],
                )
            )
    if deliveries:
        created = Delivery.objects.bulk_create(deliveries)
        ids = [delivery.pk for delivery in created]
        transaction.on_commit(lambda: _enqueue(ids))
    return notifications


def _enqueue(delivery_ids: list[int]) -> None:
    from linli.notifications.tasks import send_delivery

    for delivery_id in delivery_ids:
        send_delivery.enqueue(delivery_id)


@dataclass(frozen=True)
class ReplayMark:
    """Where a replay of past events begins: what `notify` writes after it belongs to the replay."""

    last_notification_id: int
    started_at: datetime


def replay_mark() -> ReplayMark:
    last = Notification.objects.aggregate(last=Max("pk"))["last"]
    return ReplayMark(last_notification_id=last or 0, started_at=timezone.now())


@transaction.atomic
def notifications_settle_replay(*, since: ReplayMark) -> int:
    """Settle what `notify` wrote during a replay of the past, begun at `since`: every inbox row
    is marked read at the time it was written, and no delivery of the replay goes out (a text
    about a years-old step must not reach a phone). Call it in the replay's transaction, before
    the deliveries' tasks are queued on commit: a queued send then finds its row gone. Returns
    how many notifications were marked read."""
    replayed = Notification.objects.filter(pk__gt=since.last_notification_id)
    settled = replayed.filter(read_at__isnull=True).update(read_at=F("created_at"))
    Delivery.objects.filter(status=Delivery.Status.PENDING).filter(
        Q(notification__in=replayed)
        | Q(notification__isnull=True, created_at__gte=since.started_at)
    ).delete()
    return settled
