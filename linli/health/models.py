"""健康服务 (SPEC §7.1): the quarterly free check's slots and bookings, and health records.

A health record's values (blood pressure, glucose, heart rate, weight, height, note) are sensitive
personal information: they are stored only encrypted (`values_cipher`, the project's field crypto)
and read in clear only through `health.actions.health_records_read`, which audits every read. What
stays in clear is who, when and whether a value was out of range (`alert`), so staff can list the
alerts without decrypting anyone's values.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    SYSTOLIC = "systolic", _("收缩压（mmHg）")
    DIASTOLIC = "diastolic", _("舒张压（mmHg）")
    GLUCOSE = "glucose", _("血糖（mmol/L）")
    HEART_RATE = "heart_rate", _("心率（次/分）")
    BMI = "bmi", _("体重指数 BMI")


# The normal range of each checked metric, unless the station set its own (HealthThreshold).
DEFAULT_THRESHOLDS: dict[str, tuple[Decimal, Decimal]] = {
    Metric.SYSTOLIC: (Decimal("90"), Decimal("140")),
    Metric.DIASTOLIC: (Decimal("60"), Decimal("90")),
    Metric.GLUCOSE: (Decimal("3.9"), Decimal("7.0")),
    Metric.HEART_RATE: (Decimal("60"), Decimal("100")),
    Metric.BMI: (Decimal("18.5"), Decimal("28.0")),
}


class HealthThreshold(models.Model):
    """A station's normal range for one metric: a value outside it alerts the staff."""

    station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, related_name="health_thresholds"
    )
    metric = models.CharField(_("指标"), max_length=12, choices=Metric.choices)
    low = models.DecimalField(_("下限"), max_digits=6, decimal_places=1)
    high = models.DecimalField(_("上限"), max_digits=6, decimal_places=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["station_id", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["station", "metric"], name="threshold_once"),
            models.CheckConstraint(condition=Q(high__gt=F("low")), name="threshold_high_above_low"),
        ]
        verbose_name = _("健康指标范围")
        verbose_name_plural = _("健康指标范围")

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.low}–{self.high}"


class HealthRecord(models.Model):
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="health_records"
    )
    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="+")
    measured_at = models.DateTimeField(_("测量时间"))
    values_cipher = models.TextField(editable=False)
    alert = models.BooleanField(_("有超出范围的数值"), default=False)
    check_activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="health_records",
        verbose_name=_("体检活动"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-measured_at", "-id"]
        indexes = [
            models.Index(fields=["resident", "measured_at"], name="health_resident_at"),
            models.Index(fields=["station", "alert"], name="health_station_alert"),
        ]
        verbose_name = _("健康记录")
        verbose_name_plural = _("健康记录")

    def __str__(self) -> str:
        return f"{self.resident_id} {self.measured_at:%Y-%m-%d}"


class CheckSlot(models.Model):
    """A time slot of a free health check (an activity of the station): how many it takes."""

    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.PROTECT, related_name="check_slots"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("名额"))

    class Meta:
        ordering = ["activity_id", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "starts_at"], name="check_slot_once"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_later"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="slot_capacity_positive"),
        ]
        verbose_name = _("体检时段")
        verbose_name_plural = _("体检时段")

    def __str__(self) -> str:
        return f"{self.activity_id} {self.starts_at:%H:%M}"


class CheckBooking(models.Model):
    """A resident booked into a slot of a check: one place per resident per check."""

    slot = models.ForeignKey(CheckSlot, on_delete=models.PROTECT, related_name="bookings")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        "people.Resident", on_delete=models.PROTECT, related_name="check_bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "resident"], name="check_booking_once")
        ]
        verbose_name = _("体检预约")
        verbose_name_plural = _("体检预约")

    def __str__(self) -> str:
        return f"{self.resident_id} @ {self.slot}"
