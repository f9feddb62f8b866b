from django.apps import AppConfig


class HealthConfig(AppConfig):
    """健康服务: the quarterly free checks and residents' health records (sensitive data)."""

    name = "linli.health"
    label = "health"
    verbose_name = "健康服务"
