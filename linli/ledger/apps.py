from django.apps import AppConfig


class LedgerConfig(AppConfig):
    """The one append-only ledger of hours (and later points and time-bank credits), and the
    certificates drawn from it."""

    name = "linli.ledger"
    label = "ledger"
    verbose_name = "服务记录"
