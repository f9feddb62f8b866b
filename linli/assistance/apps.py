from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    """群众点单: the service menu and residents' requests, from order to rating (SPEC §4)."""

    name = "linli.assistance"
    label = "assistance"
    verbose_name = "群众点单"

    def ready(self) -> None:
        from linli.assistance import menus

        menus.register()
