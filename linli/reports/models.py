"""A built report (PDF and xlsx) of a station and a period, kept until the period's records
change (its `stamp` no longer matches, linli.reports.annual.records_stamp)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


class ReportBuild(models.Model):
    station = models.ForeignKey("org.Station", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    part = models.CharField(max_length=4)  # linli.reports.periods.PARTS
    status = models.CharField(max_length=8, choices=BuildStatus.choices)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    stamp = models.CharField(max_length=32, blank=True)
    pdf = models.BinaryField(default=b"")
    xlsx = models.BinaryField(default=b"")
    error = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["station", "year", "part"], name="report_build_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station_id}:{self.year}:{self.part}"
