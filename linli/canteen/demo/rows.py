"""Inserting many history rows without building a model instance for each: the demo writes
about 55,000 meal orders, and Django's bulk_create spends most of its time preparing every value
of every instance. Here each column's adapter is looked up once and the rows go to the database
with `executemany`, in batches, through Django's connection (SQLite and PostgreSQL alike)."""

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
    if kind == "DecimalField":
        digits, places = field.max_digits, field.decimal_places  # type: ignore[attr-defined]
        return lambda value: ops.adapt_decimalfield_value(value, digits, places)
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
