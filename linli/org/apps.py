from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "linli.org"
    label = "org"
    verbose_name = "组织"
