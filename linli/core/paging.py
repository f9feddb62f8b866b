"""A queryset shaped after slicing, for ninja's LimitOffsetPagination.

The paginator counts the rows and slices one page; `shape` turns the page's rows (a list) into
what the API returns, so work per row (decrypting, an audit row per read) is done for the page
only, not for every row of the list. `order`, when given, orders the rows knowing how many there
are (a list may be planned differently for a station's few hundred rows than for a county's
tens of thousands); the count is then taken before the page.

`CountedPaginator` is Django's paginator for a list already counted.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
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
        order: Callable[[QuerySet[Any], int], QuerySet[Any]] | None = None,
    ) -> None:
        self.queryset = queryset
        self.shape = shape
        self.counted = counted
        self.order = order

    @cached_property
    def count(self) -> int:
        return (self.counted if self.counted is not None else self.queryset).count()

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, window: slice) -> list[Any]:
        rows = self.queryset if self.order is None else self.order(self.queryset, self.count)
        return self.shape(list(rows[window]))


class CountedPaginator(Paginator):
    """A paginator told the number of rows rather than counting them again."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached property


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
