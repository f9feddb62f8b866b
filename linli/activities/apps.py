from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    """Activities, sign-up, check-in and the hours served (志愿服务记录制度)."""

    name = "linli.activities"
    label = "activities"
    verbose_name = "活动"
