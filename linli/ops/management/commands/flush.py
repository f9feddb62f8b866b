"""`linli flush`, Django's, allowed to empty the append-only tables.

Emptying the whole database is not an edit of the ledger; the tests empty it between cases
(TransactionTestCase). On SQLite the append-only triggers let a DELETE through only inside
`purge_allowed()`; on PostgreSQL `flush` truncates, which fires no row trigger.
"""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from linli.core.appendonly import purge_allowed


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or "default"]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        with purge_allowed(connection):
            super().handle(**options)
