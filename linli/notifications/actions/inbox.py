"""Writes behind the inbox and the channel page: marking read, and a station's channels.

The inbox is the user's own: marking read needs no audit row. A station's channels decide where
its alerts go, so every change to them is audited, with the webhook key masked (it is a secret:
anyone holding it can post into the group).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.notifications import access
from linli.notifications.channels import describe_target, host_allowed
from linli.notifications.models import ChannelKind, Delivery, Notification, StationChannel
from linli.notifications.tasks import send_delivery
from linli.org.models import Station


def notification_mark_read(
    *, notification: Notification, actor: Any, now: datetime | None = None
) -> Notification:
    """Mark one of the actor's own notifications read; reading it again keeps the first time."""
    if notification.user_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        read_at = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=read_at
        )
        notification.read_at = read_at
    return notification


def notifications_mark_all_read(*, actor: Any, now: datetime | None = None) -> int:
    """Mark every unread notification of the actor read; the number marked."""
    return (
        access.notifications_for_user(actor)
        .filter(read_at__isnull=True)
        .update(read_at=now or timezone.now())
    )


# --- a station's channels -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelInput:
    kind: str
    target: str
    label: str = ""
    active: bool = True


def _authorize(actor: Any, station: Station) -> None:
    if actor is not None and not access.may_manage_station_channels(actor, station):
        raise PermissionDenied


def _clean(data: ChannelInput) -> ChannelInput:
    kind = data.kind
    target = data.target.strip()
    errors: dict[str, list[str]] = {}
    if kind == ChannelKind.WECOM:
        try:
            URLValidator(schemes=["http", "https"])(target)
        except ValidationError:
            errors["target"] = [_("请填写以 http:// 或 https:// 开头的群机器人 Webhook 地址。")]
        else:
            if not host_allowed(target):
                errors["target"] = [
                    _("该地址不在允许的通知服务器名单中，请填写企业微信群机器人的地址。")
                ]
    elif kind == ChannelKind.EMAIL:
        try:
            validate_email(target)
        except ValidationError:
            errors["target"] = [_("请填写有效的电子邮箱地址。")]
    else:
        errors["kind"] = [_("请选择企业微信群机器人或电子邮件。")]
    if len(target) > 300:
        errors["target"] = [_("地址太长（最多 300 个字符）。")]
    label = data.label.strip()
    if len(label) > 50:
        errors["label"] = [_("名称最多 50 个字。")]
    if errors:
        raise ValidationError(errors)
    return ChannelInput(kind=kind, target=target, label=label, active=data.active)


def _snapshot(channel: StationChannel) -> dict[str, Any]:
    return {
        "kind": channel.kind,
        "label": channel.label,
        "target": describe_target(channel.kind, channel.target),
        "active": channel.active,
    }


@transaction.atomic
def station_channel_save(
    *,
    station: Station,
    data: ChannelInput,
    actor: Any,
    channel: StationChannel | None = None,
) -> StationChannel:
    """Add a channel to `station`, or change `channel` (one of its own). A WeCom target is an
    http(s) URL, an e-mail target a valid address; one station lists each target once."""
    _authorize(actor, station)
    if channel is not None and channel.station_id != station.pk:
        raise PermissionDenied
    data = _clean(data)
    duplicates = StationChannel.objects.filter(station=station, kind=data.kind, target=data.target)
    if channel is not None:
        duplicates = duplicates.exclude(pk=channel.pk)
    if duplicates.exists():
        raise ValidationError({"target": [_("本站已添加过这个地址。")]})
    if channel is None:
        channel = StationChannel.objects.create(
            station=station,
            kind=data.kind,
            target=data.target,
            label=data.label,
            active=data.active,
        )
        audit_record(
            actor=actor,
            action="notifications.channel_create",
            target=channel,
            station=station,
            after=_snapshot(channel),
        )
        return channel
    channel = StationChannel.objects.select_for_update().get(pk=channel.pk)
    before = _snapshot(channel)
    channel.kind = data.kind
    channel.target = data.target
    channel.label = data.label
    channel.active = data.active
    channel.save(update_fields=["kind", "target", "label", "active"])
    audit_record(
        actor=actor,
        action="notifications.channel_update",
        target=channel,
        station=station,
        before=before,
        after=_snapshot(channel),
    )
    return channel


def station_channel_set_active(
    *, channel: StationChannel, active: bool, actor: Any
) -> StationChannel:
    """Enable or disable a channel (a disabled one keeps its address but receives nothing)."""
    return station_channel_save(
        station=channel.station,
        channel=channel,
        data=ChannelInput(
            kind=channel.kind, target=channel.target, label=channel.label, active=active
        ),
        actor=actor,
    )


@transaction.atomic
def station_channel_delete(*, channel: StationChannel, actor: Any) -> None:
    """Remove a channel; deliveries already made to it stay as the record of what was sent."""
    station = channel.station
    _authorize(actor, station)
    audit_record(
        actor=actor,
        action="notifications.channel_delete",
        target=channel,
        station=station,
        before=_snapshot(channel),
    )
    channel.delete()


@transaction.atomic
def station_channel_test(*, channel: StationChannel, actor: Any) -> Delivery:
    """Queue a real test message to one channel (enabled or not), sent after commit like any
    other delivery; its status shows whether the channel works."""
    station = channel.station
    _authorize(actor, station)
    delivery = Delivery.objects.create(
        station=station,
        channel=channel.kind,
        target=channel.target,
        subject=(_("【测试】%(station)s的通知渠道") % {"station": station.name})[:100],
        body=_("这是一条测试消息。收到它，说明“%(label)s”能正常接收邻里平台的通知。")
        % {"label": str(channel)},
    )
    audit_record(
        actor=actor,
        action="notifications.channel_test",
        target=channel,
        station=station,
        after={"delivery": delivery.pk, **_snapshot(channel)},
    )
    transaction.on_commit(lambda: send_delivery.enqueue(delivery.pk))
    return delivery
