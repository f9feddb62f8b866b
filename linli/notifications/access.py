"""Who reads which notifications and runs which station channels: the app's one gate.

Everyone reads only their own inbox; another person's notification answers 404, the same as
one that does not exist. A station's outgoing channels (its WeCom group robot, its mailbox) and
their deliveries are run by that station's staff and by administrators; other roles get 403 on
the page, and a channel of a station outside reach answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from linli.accounts.access import (
    get_in_reach,
    get_station_for_user,
    has_role,
    in_reach,
    visible_stations,
)
from linli.accounts.models import Role
from linli.notifications.models import Delivery, Notification, StationChannel
from linli.org.models import Station

# Roles that configure a station's channels; the same as may change a station's own data.
CHANNEL_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})


def notifications_for_user(user: Any) -> QuerySet[Notification]:
    """The user's own inbox; nothing for an anonymous or inactive user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def get_notification_for_user(user: Any, pk: int) -> Notification:
    """One of the user's own notifications, or 404 (someone else's is not revealed)."""
    notification = notifications_for_user(user).filter(pk=pk).first()
    if notification is None:
        raise Http404("notification")
    return notification


def can_manage_channels(user: Any) -> bool:
    return has_role(user, *CHANNEL_ROLES)


def channel_stations(user: Any) -> QuerySet[Station]:
    """Stations whose channels the user runs: their own as station staff, every one as admin."""
    return visible_stations(user, roles=CHANNEL_ROLES).filter(kind=Station.Kind.STATION)


def get_channel_station_for_user(user: Any, code: str) -> Station:
    """The station with `code` if the user may change its channels; else 404."""
    return get_station_for_user(user, code, write=True)


def may_manage_station_channels(user: Any, station: Station) -> bool:
    return visible_stations(user, roles=CHANNEL_ROLES).filter(pk=station.pk).exists()


def channels_for_user(user: Any) -> QuerySet[StationChannel]:
    return in_reach(StationChannel.objects.all(), user, roles=CHANNEL_ROLES)


def get_channel_for_user(user: Any, pk: int) -> StationChannel:
    """A channel of a station the user runs, or 404."""
    return get_in_reach(
        StationChannel.objects.select_related("station"), user, pk, roles=CHANNEL_ROLES
    )


def get_delivery_for_user(user: Any, pk: int) -> Delivery:
    """A delivery of a station the user runs (to follow a test message), or 404."""
    return get_in_reach(Delivery.objects.all(), user, pk, roles=CHANNEL_ROLES)
