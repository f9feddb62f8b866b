"""Rollups: per station and year, the summary's figures that add up across stations.

A supervisor's summary spans every station under a 中心; it sums these rows instead of counting
millions of source rows. They are derived data, never the record: `linli.stats.rollups` counts
them from the rows, and a write to a source row (an activity, attendance, a ledger entry, a
service request, a volunteer, a meal order, a day-care stay, a study-room stay) drops its station's `RollupState` in the same transaction, so the
next read recounts that station first. A station without a state row is stale.
"""

from django.db import models


class RollupState(models.Model):
    """The station's rollups are current: counted at `counted_at`, nothing written since."""

    station = models.OneToOneField(
        "org.Station", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    counted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.station_id} @ {self.counted_at:%Y-%m-%d %H:%M}"


class StationYear(models.Model):
    """The additive figures of one station's year (local time): activities (not cancelled,
    by start), hours-ledger total (by service day), person-times (attendance with hours, by the
    activity's start), service requests by status and by category, rated and satisfied (by
    submission), the `points_issued` and `people_served` metrics, and the care services' counts:
    meals served, day-care person-times and 午间微学堂 days (the `meals`, `attendance` and
    `study_room_days` metrics of linli.stats.metrics)."""

    station = models.ForeignKey("org.Station", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    activities = models.PositiveIntegerField(default=0)
    service_hours = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    person_times = models.PositiveIntegerField(default=0)
    requests_by_status = models.JSONField(default=dict)
    requests_by_category = models.JSONField(default=dict)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    points_issued = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    people_served = models.PositiveIntegerField(default=0)
    meals_served = models.PositiveIntegerField(default=0)
    daycare_person_times = models.PositiveIntegerField(default=0)
    study_room_days = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "year"], name="stats_station_year_once")
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.year}"


class ReachMedians(models.Model):
    """The summary's three medians over a set of stations (`reach`: a digest of their sorted ids)
    and a year (0: all years), as the database took them at `counted_at`. Medians do not add up
    across stations, so they are kept per reach; they hold while every station of the reach has
    been current since `counted_at` (its `RollupState` no newer), which a write breaks in its own
    transaction by dropping that state."""

    reach = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    figures = models.JSONField(default=dict)
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reach", "year"], name="stats_reach_medians_once")
        ]

    def __str__(self) -> str:
        return f"{self.reach[:8]} {self.year}"
