from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    """志愿服务激励嘉许和回馈: points and their rules, the 爱心超市, the time bank, star
    announcements and honours — all on the one ledger (SPEC §3, §7.1)."""

    name = "linli.incentives"
    label = "incentives"
    verbose_name = "激励嘉许和回馈"
