from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "linli.audit"
    label = "audit"
    verbose_name = "审计"
