from django.apps import AppConfig


class DaycareConfig(AppConfig):
    """日间照料中心: the elderly and the disabled day-care centres, their members, attendance,
    care plans and sessions, and the equipment they lend."""

    name = "linli.daycare"
    label = "daycare"
    verbose_name = "日间照料"
