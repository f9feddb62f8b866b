"""Append-only tables in the database itself: the ledger and the audit log refuse UPDATE and
DELETE from any client, not only from the ORM.

PostgreSQL: a row trigger raises on UPDATE and DELETE. The audit log's retention prune deletes
old rows inside `purge_allowed()`, which sets `linli.purge` for its own transaction only; the
ledger never allows it. `TRUNCATE` (Django's `flush`, which empties the whole database) fires no
row trigger.

SQLite: the same triggers, written in SQLite's dialect. A DELETE is let through only when the
connection's `linli_purge_allowed()` says so, a function this process registers on each of its
connections and that answers yes only inside `purge_allowed()` (the audit prune) and during
`linli flush`; any other program opening the file has no such function, and its DELETE fails.
SQLite drops a table's triggers when a migration rebuilds the table, so they are put back after
every `migrate` (post_migrate) as well as by the migration that first made them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection as default_connection

APPEND_ONLY_TABLES = ("ledger_ledgerentry", "audit_auditlog")
PURGEABLE_TABLES = ("audit_auditlog",)  # past their retention period; the ledger never

_state = threading.local()


def purge_is_allowed() -> bool:
    return bool(getattr(_state, "purge", False))


@contextmanager
def purge_allowed(connection: Any = None) -> Iterator[None]:
    """Let this block delete rows of the purgeable tables (the audit log's retention prune, a
    flush of the whole database). Use inside a transaction on PostgreSQL."""
    connection = connection or default_connection
    previous = purge_is_allowed()
    _state.purge = True
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('linli.purge', 'on', true)")
        yield
    finally:
        _state.purge = previous
        if connection.vendor == "postgresql" and not previous:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('linli.purge', 'off', true)")


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created: `linli_purge_allowed()` on every SQLite connection of this process."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "linli_purge_allowed", 0, lambda: int(purge_is_allowed())
        )


PG_FUNCTION = """
CREATE OR REPLACE FUNCTION linli_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_ARGV[0] = 'purgeable'
       AND current_setting('linli.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""


def _pg_statements(table: str) -> list[str]:
    kind = "purgeable" if table in PURGEABLE_TABLES else "never"
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION linli_append_only('{kind}')",
    ]


def _sqlite_statements(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"WHEN NOT linli_purge_allowed() "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END",
    ]


def install_triggers(connection: Any = None) -> None:
    """Create (or put back) the append-only triggers on the tables that exist."""
    connection = connection or default_connection
    existing = set(connection.introspection.table_names())
    tables = [table for table in APPEND_ONLY_TABLES if table in existing]
    if not tables:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in tables:
                for statement in _pg_statements(table):
                    cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for table in tables:
                for statement in _sqlite_statements(table):
                    cursor.execute(statement)


def reinstall_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: SQLite loses a table's triggers when a migration rebuilds it."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        install_triggers(connection)
