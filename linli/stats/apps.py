from django.apps import AppConfig


class StatsConfig(AppConfig):
    """Figures for dashboards and the summary API, always counted from rows, never stored."""

    name = "linli.stats"
    label = "stats"
