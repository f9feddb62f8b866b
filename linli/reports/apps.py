from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The station dashboard, the rows behind each figure, the supervisors' roll-up, annual and
    monthly reports and the public station page: everything that shows the stats app's figures."""

    name = "linli.reports"
    label = "reports"

    def ready(self) -> None:
        from linli.reports import monthly

        monthly.connect()
