from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plain helpers shared by every app; an app only so its templates and tags are found."""

    name = "linli.core"
    label = "core"
