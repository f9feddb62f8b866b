from django.apps import AppConfig


class StudyroomConfig(AppConfig):
    """午间微学堂: pupils and their guardians, the noon check-in and pick-up, the tutors' rota and
    the interest classes."""

    name = "linli.studyroom"
    label = "studyroom"
    verbose_name = "午间微学堂"
