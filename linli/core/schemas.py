"""Schema pieces shared by every API router."""

from datetime import date, datetime
from typing import Annotated

from django.utils import timezone
from ninja import Path, Schema
from pydantic import AfterValidator, Field, PlainSerializer


def _local_iso(value: datetime) -> str:
    return timezone.localtime(value).isoformat()


# SPEC §5: times are ISO 8601 with the station's offset (+08:00), though stored in UTC.
LocalDateTime = Annotated[datetime, PlainSerializer(_local_iso, return_type=str)]


# Bounds every schema can share: a primary key fits a signed 64-bit integer (anything larger
# would reach the database as an overflow, a 500), and text never carries a NUL character
# (PostgreSQL refuses it, SQLite keeps it where no one sees it).
MAX_DB_ID = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]


def refuse_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


NoNulStr = Annotated[str, AfterValidator(refuse_nul)]


# What the database can hold is not what a station can mean. Every number, date and time read
# from a client is bounded here, so a value out of range is a 422 with the error shape, never an
# overflow deeper down (a 500). PostgreSQL's `integer` is 32 bits; a count or a capacity stays far
# below it.
MIN_DAY = date(1900, 1, 1)
MAX_DAY = date(2100, 12, 31)
MAX_OFFSET = 10**9


def _day_in_range(value: date) -> date:
    if not MIN_DAY <= value <= MAX_DAY:
        raise ValueError("date must be between 1900-01-01 and 2100-12-31")
    return value


def _moment_in_range(value: datetime) -> datetime:
    _day_in_range(value.date())
    return value


# The range is also published in the OpenAPI document, where a client (and the bounds test) reads it.
DAY_RANGE = {"x-range": [MIN_DAY.isoformat(), MAX_DAY.isoformat()]}

Day = Annotated[date, AfterValidator(_day_in_range), Field(json_schema_extra=DAY_RANGE)]
"""A calendar date between 1900 and 2100."""

Moment = Annotated[datetime, AfterValidator(_moment_in_range), Field(json_schema_extra=DAY_RANGE)]
"""A time whose date lies between 1900 and 2100."""

Year = Annotated[int, Field(ge=1900, le=2100)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
"""A number of people, seats, meals or hours an input may name."""

Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
PathId = Annotated[int, Path(ge=1, le=MAX_DB_ID)]
"""A primary key in the URL: 18 digits at most, as a 64-bit integer holds."""


class PageQuery(Schema):
    """limit/offset of a list that pages by hand (the rest use `core.paging`)."""

    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0
