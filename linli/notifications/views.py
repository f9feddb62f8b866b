"""The inbox page, and the page where station staff set up where their station's alerts go.

Every check goes through linli.notifications.access, every write through an action
(`actions.inbox`); the channel page's buttons post with htmx and fall back to plain forms.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import role_required
from linli.core.forms import BaseForm
from linli.notifications import access
from linli.notifications.actions import inbox as inbox_actions
from linli.notifications.channels import describe_target
from linli.notifications.models import Delivery, Notification, StationChannel
from linli.org.models import Station

PAGE_SIZE = 20


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- the inbox -------------------------------------------------------------------------------------


def _inbox_rows(user: Any, *, unread_only: bool) -> QuerySet[Notification]:
    """The user's notifications, unread first, then newest first."""
    notifications = access.notifications_for_user(user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.annotate(
        read_rank=Case(
            When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("read_rank", "-created_at", "-id")


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(_inbox_rows(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "unread_only": unread_only,
        "can_manage_channels": access.can_manage_channels(request.user),
    }
    return render(request, "notifications/inbox.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Goes to the page a notification is about. Only the inbox's POST marks it read: a GET
    (a link preview, a prefetcher, a link copied elsewhere) changes nothing."""
    notification = access.get_notification_for_user(request.user, pk)
    if request.method == "POST":
        inbox_actions.notification_mark_read(notification=notification, actor=request.user)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:inbox")


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = inbox_actions.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("已将 %(count)s 条通知标为已读。") % {"count": count})
    return redirect("notifications:inbox")


# --- a station's channels --------------------------------------------------------------------------


class ChannelForm(BaseForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("渠道"),
        choices=StationChannel._meta.get_field("kind").choices,  # type: ignore[arg-type]
    )
    label = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("例如：焦家社区工作群"),
    )
    target = forms.CharField(
        label=gettext_lazy("地址"),
        max_length=300,
        help_text=gettext_lazy(
            "企业微信群机器人的 Webhook 地址（https://qyapi.weixin.qq.com/…），或电子邮箱"
        ),
    )


def _managed_station(request: HttpRequest) -> Station | None:
    """The station whose channels the page shows: `?station=`, or the first the user runs."""
    stations = access.channel_stations(request.user)
    code = request.GET.get("station") or request.POST.get("station")
    if code:
        return access.get_channel_station_for_user(request.user, code)
    return stations.first()


def _channel_rows(station: Station) -> list[dict[str, Any]]:
    """Each channel with its latest delivery, in two queries whatever their number."""
    latest = Delivery.objects.filter(
        station=OuterRef("station"), channel=OuterRef("kind"), target=OuterRef("target")
    ).order_by("-created_at", "-id")
    channels = list(
        StationChannel.objects.filter(station=station).annotate(
            latest_delivery_id=Subquery(latest.values("pk")[:1])
        )
    )
    deliveries = Delivery.objects.in_bulk(
        [channel.latest_delivery_id for channel in channels if channel.latest_delivery_id]
    )
    return [
        {
            "channel": channel,
            "shown_target": describe_target(channel.kind, channel.target),
            "delivery": deliveries.get(channel.latest_delivery_id),
        }
        for channel in channels
    ]


def _channels_response(
    request: HttpRequest,
    station: Station | None,
    *,
    form: ChannelForm | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "station": station,
        "stations": list(access.channel_stations(request.user)),
        "rows": _channel_rows(station) if station is not None else [],
        "form": form or ChannelForm(),
        "notice": notice,
    }
    template = "notifications/channels.html"
    if _is_htmx(request):
        template += "#channels"
    return render(request, template, context, status=status)


def _after_change(request: HttpRequest, station: Station, notice: str) -> HttpResponse:
    if _is_htmx(request):
        return _channels_response(request, station, notice=notice)
    messages.success(request, notice)
    return redirect(f"{reverse('notifications:channels')}?station={station.code}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@role_required(*access.CHANNEL_ROLES)
def channel_list(request: HttpRequest) -> HttpResponse:
    """The station's channels; a POST adds one."""
    station = _managed_station(request)
    if request.method == "GET":
        return _channels_response(request, station)
    if station is None:
        raise PermissionDenied
    form = ChannelForm(request.POST)
    if form.is_valid():
        try:
            inbox_actions.station_channel_save(
                station=station,
                data=inbox_actions.ChannelInput(**form.cleaned_data),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _after_change(request, station, _("已添加通知渠道。"))
    # htmx swaps only 2xx answers; a plain form post gets the honest 422.
    return _channels_response(request, station, form=form, status=200 if _is_htmx(request) else 422)


@require_POST
@login_required
@role_required(*access.CHANNEL_ROLES)
def channel_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    channel = access.get_channel_for_user(request.user, pk)
    channel = inbox_actions.station_channel_set_active(
        channel=channel, active=not channel.active, actor=request.user
    )
    notice = _("已启用“%(name)s”。") if channel.active else _("已停用“%(name)s”。")
    return _after_change(request, channel.station, notice % {"name": channel})


@require_POST
@login_required
@role_required(*access.CHANNEL_ROLES)
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    channel = access.get_channel_for_user(request.user, pk)
    station, name = channel.station, str(channel)
    inbox_actions.station_channel_delete(channel=channel, actor=request.user)
    return _after_change(request, station, _("已删除“%(name)s”。") % {"name": name})


@require_POST
@login_required
@role_required(*access.CHANNEL_ROLES)
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    channel = access.get_channel_for_user(request.user, pk)
    inbox_actions.station_channel_test(channel=channel, actor=request.user)
    return _after_change(request, channel.station, _("测试消息已排队发送，稍后可在下方看到结果。"))


@require_safe
@login_required
@role_required(*access.CHANNEL_ROLES)
def delivery_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One delivery's status, as the fragment the channel page polls while it is pending."""
    delivery = access.get_delivery_for_user(request.user, pk)
    return render(request, "notifications/channels.html#delivery", {"delivery": delivery})
