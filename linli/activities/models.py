"""Activities and who served in them: sign-up, attendance, and hours claimed afterwards."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.categories import ServiceCategory


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    ONGOING = "ongoing", _("进行中")
    CLOSED = "closed", _("已结束")
    VERIFIED = "verified", _("已核定")
    CANCELLED = "cancelled", _("已取消")


# The most residents one activity may say it served (a square's festival draws a few thousand).
PEOPLE_SERVED_MAX = 10_000


# The life of an activity: from → the states it may go to. Nothing else moves it.
ACTIVITY_TRANSITIONS: dict[str, set[str]] = {
    ActivityStatus.DRAFT: {ActivityStatus.PUBLISHED, ActivityStatus.CANCELLED},
    ActivityStatus.PUBLISHED: {
        ActivityStatus.ONGOING,
        ActivityStatus.CLOSED,
        ActivityStatus.CANCELLED,
    },
    ActivityStatus.ONGOING: {ActivityStatus.CLOSED, ActivityStatus.CANCELLED},
    ActivityStatus.CLOSED: {ActivityStatus.VERIFIED},
    ActivityStatus.VERIFIED: set(),
    ActivityStatus.CANCELLED: set(),
}


class Activity(models.Model):
    """A volunteer activity (67号令: 活动名称, 日期, 地点, 服务内容, 活动组织单位, 活动负责人)."""

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="activities")
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("组织队伍"),
    )
    partners = models.CharField(_("协办单位"), max_length=200, blank=True)
    organizer = models.CharField(_("活动组织单位"), max_length=100)
    title = models.CharField(_("活动名称"), max_length=100)
    category = models.CharField(_("服务类别"), max_length=20, choices=ServiceCategory.choices)
    description = models.TextField(_("服务内容"), blank=True)
    place = models.CharField(_("地点"), max_length=100)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("招募人数"))
    required_course = models.ForeignKey(
        "volunteers.Course",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("须完成的培训"),
    )
    members_only = models.BooleanField(_("仅限本队队员"), default=False)
    responsible_name = models.CharField(_("活动负责人"), max_length=50)
    responsible_phone = models.CharField(_("负责人电话"), max_length=20, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ActivityStatus.choices,
        default=ActivityStatus.DRAFT,
        db_index=True,
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    series_key = models.CharField(max_length=40, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The head count of residents the activity served (服务群众人次), entered by its organiser
    # when it closes; null until then (or when nobody counted).
    people_served = models.PositiveIntegerField(_("服务群众人次"), null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
        ]
        verbose_name = _("活动")
        verbose_name_plural = _("活动")

    def __str__(self) -> str:
        return self.title

    @property
    def span_hours(self) -> Decimal:
        return Decimal((self.ends_at - self.starts_at).total_seconds()) / Decimal(3600)


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


class Signup(models.Model):
    """A volunteer's place in an activity: confirmed within capacity, else waitlisted in order."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="signups")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="signups"
    )
    status = models.CharField(_("状态"), max_length=12, choices=SignupStatus.choices, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="signup_once")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.activity}"


class AttendanceMethod(models.TextChoices):
    ACTIVITY_QR = "activity_qr", _("扫活动二维码")
    CARD_SCAN = "card_scan", _("工作人员扫志愿者证")
    MANUAL = "manual", _("工作人员手工登记")
    CLAIM = "claim", _("本人补报，经审核")


class Attendance(models.Model):
    """Who was there and for how long: check-in and check-out, each with who and how.

    `hours` is computed when the activity closes (served time, capped at the activity's span,
    rounded by LINLI_HOURS_ROUNDING) and may be edited until the activity is verified.
    """

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="attendance")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="attendance"
    )
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checkin_method = models.CharField(max_length=12, choices=AttendanceMethod.choices, blank=True)
    checkin_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    checkout_method = models.CharField(max_length=12, choices=AttendanceMethod.choices, blank=True)
    checkout_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    no_show = models.BooleanField(_("缺席"), default=False)
    hours = models.DecimalField(
        _("服务时长（小时）"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    hours_note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"], name="attendance_once_per_activity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.activity}"


class HourClaim(models.Model):
    """补报: a volunteer who served but could not check in reports their hours; staff decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="claims")
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="hour_claims"
    )
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    note = models.CharField(_("说明"), max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=Q(status="pending"),
                name="one_open_claim",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} 补报 {self.activity}"
