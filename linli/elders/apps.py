from django.apps import AppConfig


class EldersConfig(AppConfig):
    """银龄关爱: a care profile for every resident aged 60 and over, and the visits they receive."""

    name = "linli.elders"
    label = "elders"
    verbose_name = "银龄关爱"
