"""The one way to tell people something: `notify` writes inbox rows and queues the deliveries.

Deliveries are queued after the surrounding transaction commits, so a rolled-back change sends
nothing, and sending never blocks the request that caused it (notifications.tasks sends them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
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
