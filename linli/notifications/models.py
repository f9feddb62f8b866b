"""Notifications: an inbox row per user, and outgoing deliveries retried with back-off."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.messages import render


class Notification(models.Model):
    """One message in a user's in-app inbox."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    station = models.ForeignKey(
        "org.Station", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(_("标题"), max_length=100)
    body = models.CharField(_("内容"), max_length=500, blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # A system-written title and body as message codes and parameters (linli.core.messages),
    # rendered in the reader's language; `title` and `body` keep the Chinese words.
    title_code = models.CharField(max_length=60, blank=True)
    body_code = models.CharField(max_length=60, blank=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        return render(self.title_code, self.params, self.title)

    @property
    def shown_body(self) -> str:
        return render(self.body_code, self.params, self.body)


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    WECOM = "wecom", _("企业微信群机器人")
    SMS = "sms", _("短信")


class StationChannel(models.Model):
    """Where a station's alerts go besides the inbox: a WeCom group robot webhook, or a mailbox."""

    station = models.ForeignKey("org.Station", on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(
        _("渠道"),
        max_length=10,
        choices=[
            (ChannelKind.WECOM, ChannelKind.WECOM.label),
            (ChannelKind.EMAIL, ChannelKind.EMAIL.label),
        ],
    )
    label = models.CharField(_("名称"), max_length=50, blank=True)
    target = models.CharField(
        _("地址"), max_length=300, help_text=_("群机器人的 Webhook 地址，或电子邮箱")
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["station_id", "kind", "id"]
        verbose_name = _("通知渠道")
        verbose_name_plural = _("通知渠道")

    def __str__(self) -> str:
        return self.label or self.get_kind_display()


class Delivery(models.Model):
    """One message on its way out through one channel. Sent by a background task after commit;
    a failure is retried with growing waits until NOTIFY_MAX_ATTEMPTS, then marked failed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    station = models.ForeignKey(
        "org.Station", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=ChannelKind.choices)
    target = models.CharField(max_length=300)
    subject = models.CharField(max_length=100)
    body = models.CharField(max_length=1000, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.target}: {self.subject}"
