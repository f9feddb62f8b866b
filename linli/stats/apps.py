from django.apps import AppConfig


class StatsConfig(AppConfig):
    """Figures for dashboards and the summary API, counted from rows; the figures that add up
    across stations are summed from per-station rollups (linli.stats.rollups), recounted from
    the rows whenever a station's rows change."""

    name = "linli.stats"
    label = "stats"

    def ready(self) -> None:
        from linli.stats import rollups

        rollups.connect()
