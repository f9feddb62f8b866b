"""Schema pieces shared by every API router."""

from datetime import date, datetime
from typing import Annotated, Any

from django.utils import timezone
from ninja import Path, Schema
from pydantic import (
    AfterValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
)
from pydantic_core import core_schema


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


# Text is bounded as numbers are: a string longer than its column reached PostgreSQL as an error (a
# 500), and no field needs megabytes. Each alias is named by what it holds; a field whose column is
# narrower (a flat's unit and room, a relation code) names its own max_length.
Code = Annotated[str, Field(max_length=40)]
"""A code or key from a list: a station, a category, a status, a tag, a metric."""
Phone = Annotated[str, Field(max_length=20)]
Name = Annotated[str, Field(max_length=50)]
"""A person's name (a column of 50)."""
Title = Annotated[str, Field(max_length=100)]
"""A title, a place, a team's or an organiser's name (a column of 100)."""
Line = Annotated[str, Field(max_length=200)]
"""A note or reason of one line (a column of 200)."""
Note = Annotated[str, Field(max_length=500)]
"""What was done or found (a column of 500)."""
Text = Annotated[str, Field(max_length=5000)]
"""A description or a pasted message (a text column)."""
SearchText = Annotated[str, Field(max_length=100)]
Secret = Annotated[str, Field(max_length=128)]
"""A password or a second-factor code."""
FlatPart = Annotated[str, Field(max_length=10)]
"""A flat's unit (单元) or room (房号)."""
IdNumberText = Annotated[str, Field(max_length=32)]
"""An ID number as typed (spaces and all), checked as a number later."""

# A decimal may come as a JSON number or as a string ("1.50"); the string is bounded too.
DECIMAL_TEXT_MAX = 32


class _DecimalTextBound:
    """Put last in a decimal's Annotated: its text form is at most DECIMAL_TEXT_MAX characters,
    checked and published (the string branch of the schema gets maxLength)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_before_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: GetJsonSchemaHandler) -> Any:
        published = handler(schema)
        for branch in published.get("anyOf", []):
            if branch.get("type") == "string":
                branch["maxLength"] = DECIMAL_TEXT_MAX
        return published

    @staticmethod
    def _check(value: Any) -> Any:
        if isinstance(value, str) and len(value) > DECIMAL_TEXT_MAX:
            raise ValueError(f"a decimal is written in at most {DECIMAL_TEXT_MAX} characters")
        return value


DecimalText = _DecimalTextBound()


class PageQuery(Schema):
    """limit/offset of a list that pages by hand (the rest use `core.paging`)."""

    limit: int = Field(50, ge=1, le=500)
    offset: Offset = 0
