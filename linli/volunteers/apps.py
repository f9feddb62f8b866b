from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    """Volunteers and their training (志愿者管理培训制度, 民政部令第67号). Their teams are the
    `linli.teams` app."""

    name = "linli.volunteers"
    label = "volunteers"
    verbose_name = "志愿者"
