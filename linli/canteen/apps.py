from django.apps import AppConfig


class CanteenConfig(AppConfig):
    """银龄爱心食堂: menus, subsidy tiers, meal orders, the serving counter, delivery and the
    monthly settlement with the funders (SPEC §7.1)."""

    name = "linli.canteen"
    label = "canteen"
    verbose_name = "银龄爱心食堂"
