from django.apps import AppConfig


class TeamsConfig(AppConfig):
    """Volunteer teams (志愿服务队), their troupes, leaders and training rule."""

    name = "linli.teams"
    label = "teams"
    verbose_name = "志愿服务队"

    def ready(self) -> None:
        from linli.teams.queries import register_cached

        register_cached()
