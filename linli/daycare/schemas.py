"""Schemas of the day-care API (SPEC §7.2). Times are ISO 8601 with the station's offset."""

from datetime import date
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from linli.core.schemas import DbId, LocalDateTime, Moment, NoNulStr


class CentreOut(Schema):
    id: int
    name: str
    kind: str = Field(description="elderly | disabled")
    opened_on: date
    station: str
    capacity: int
    opening_hours: str
    members: int = Field(description="active members, counted from rows")


class CentreMemberIn(Schema):
    resident: DbId
    fee_tier: Literal["free", "low", "paid"]
    care_level: Literal["self_care", "partial", "dependent"] = "self_care"
    needs: Annotated[NoNulStr, Field(max_length=300)] = ""


class MemberOut(Schema):
    id: int
    resident: int
    name: str
    status: str
    fee_tier: str
    care_level: str
    joined_on: date | None


class CentreAttendanceIn(Schema):
    resident: DbId
    kind: Literal["in", "out"]
    at: Moment | None = None


class CentreAttendanceOut(Schema):
    resident: int
    name: str
    in_at: LocalDateTime
    out_at: LocalDateTime | None


SaneDate = Annotated[
    date,
    Field(
        ge=date(1990, 1, 1),
        le=date(2100, 12, 31),
        json_schema_extra={"x-range": ["1990-01-01", "2100-12-31"]},
    ),
]


class AttendanceQuery(Schema):
    date: SaneDate | None = None


class PeriodCount(Schema):
    period: str
    person_times: int


class FiguresOut(Schema):
    centre: int
    year: int
    person_times: int
    by_month: list[PeriodCount]
    by_year: list[PeriodCount]
    members: int
