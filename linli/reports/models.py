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


class MonthFigure(models.Model):
    """One metric of `linli.stats.metrics` for one station and month, counted from its rows by
    `linli.reports.monthly` (derived data, never the record). The dashboards, the roll-up and
    the reports sum these instead of the rows; a year is counted whole, and is counted again
    once a row of it is written (`FigureYear`, `StaleYear`)."""

    station = models.ForeignKey("org.Station", on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(max_length=30)
    month = models.DateField()  # the month's first day (local time)
    value = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "month", "metric"], name="month_figure_once")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.month:%Y-%m} {self.metric}"


class FigureYear(models.Model):
    """The station's `MonthFigure`s of `year` are counted (absent: not yet, or no longer)."""

    station = models.ForeignKey("org.Station", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    counted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "year"], name="figure_year_once")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.year}"


class StaleYear(models.Model):
    """A write to a row of the station's `year` (every year when null), inserted in the
    writer's transaction; the next reader forgets that year's count and removes this row.
    Insert-only for writers, so concurrent writers never wait on one another."""

    station = models.ForeignKey("org.Station", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(null=True)

    def __str__(self) -> str:
        return f"{self.station_id} {self.year or '*'}"
