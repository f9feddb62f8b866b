"""A queryset shaped after slicing, for ninja's LimitOffsetPagination.

The paginator counts the rows and slices one page; `shape` turns the page's rows (a list) into
what the API returns, so work per row (decrypting, an audit row per read) is done for the page
only, not for every row of the list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from linli.core.schemas import MAX_OFFSET


class ShapedRows:
    """`counted`, when given, is the same rows without what the page reads through relations:
    the count then joins nothing it does not filter by."""

    def __init__(
        self,
        queryset: QuerySet[Any],
        shape: Callable[[list[Any]], list[Any]],
        counted: QuerySet[Any] | None = None,
    ) -> None:
        self.queryset = queryset
        self.shape = shape
        self.counted = counted

    def __len__(self) -> int:
        return (self.counted if self.counted is not None else self.queryset).count()

    def __getitem__(self, window: slice) -> list[Any]:
        return self.shape(list(self.queryset[window]))


def each(shape_one: Callable[[Any], Any]) -> Callable[[list[Any]], list[Any]]:
    """A page shaper from a row shaper."""
    return lambda rows: [shape_one(row) for row in rows]


class BoundedPagination(LimitOffsetPagination):
    """ninja's limit/offset paging with the offset bounded: an offset past 64 bits reached the
    database as an overflow."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
