"""Inserting many history rows without building a model instance for each (the demo's seed).

Django's bulk_create spends most of its time preparing every value of every instance. Here each
column's adapter is looked up once and the rows go to the database with `executemany`, in
batches, through Django's connection (SQLite and PostgreSQL alike). No save(), no signals: the
caller writes whatever those would have written.

Rows that later rows point at need their keys before they are written: `reserve_ids` hands out
a block of primary keys the table will not give to anyone else, to put in the `id` column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.db import connection, models


def _adapter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "TimeField":
        return ops.adapt_timefield_value
    if kind == "DecimalField":
        digits, places = field.max_digits, field.decimal_places  # type: ignore[attr-defined]
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
    if kind == "JSONField":
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    batch: int = 2000,
) -> None:
    """INSERT `rows` (values in the order of `columns`, field attnames like `resident_id`) into
    `model`'s table. Fields left out take their database default or NULL, so every NOT NULL
    column must be named. No signals, no save(): history rows only."""
    meta = model._meta
    fields = [cast(models.Field[Any, Any], meta.get_field(name)) for name in columns]
    adapters = [_adapter(field) for field in fields]
    quoted = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({quoted}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(
                sql,
                [
                    tuple(
                        value if adapt is None or value is None else adapt(value)
                        for adapt, value in zip(adapters, row, strict=True)
                    )
                    for row in rows[start : start + batch]
                ],
            )


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys of `model`'s table for rows about to be written with `insert_rows`.

    On PostgreSQL they are drawn from the table's own sequence, so nobody else is given them.
    On SQLite the table has no sequence: the keys follow the largest one written, which is safe
    inside the writing transaction (SQLite lets one writer in at a time) and as long as the rows
    are written before it ends."""
    if count <= 0:
        return []
    meta = model._meta
    table, column = meta.db_table, str(meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name
        cursor.execute(f"SELECT MAX({quoted(column)}) FROM {quoted(table)}")  # noqa: S608
        (largest,) = cursor.fetchone() or (None,)
        # AUTOINCREMENT keeps the largest key ever given: never hand out a deleted row's key.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        (given,) = cursor.fetchone() or (None,)
    first = max(largest or 0, given or 0) + 1
    return list(range(first, first + count))
