from django.apps import AppConfig


class PartnersConfig(AppConfig):
    """共建单位: partner organisations of a station, their contacts, the activities they joined
    and the volunteers who came from them."""

    name = "linli.partners"
    label = "partners"
    verbose_name = "共建单位"
