from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The community's residents and households: the registry every service stands on."""

    name = "linli.people"
    label = "people"
    verbose_name = "居民"
