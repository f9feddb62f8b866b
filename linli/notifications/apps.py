from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Every user's in-app inbox, and delivery by e-mail, WeCom group robot and SMS."""

    name = "linli.notifications"
    label = "notifications"
    verbose_name = "通知"
