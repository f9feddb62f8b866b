from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Linli: the demo, the production server, the task worker and housekeeping."""

    name = "linli.ops"
    label = "ops"
