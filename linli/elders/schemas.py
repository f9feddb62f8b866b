"""Schemas of the elders API (SPEC §7.2). Times are ISO 8601 with the station's offset."""

from datetime import date
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from linli.core.schemas import DbId, LocalDateTime, Moment, NoNulStr


class ElderQuery(Schema):
    care_level: Literal["", "self_care", "partial", "dependent"] = ""
    tag: Literal[
        "",
        "living_alone",
        "empty_nest",
        "left_behind",
        "bereaved_parent",
        "disabled",
        "low_income",
        "aged",
    ] = Field("", description="a registry tag, or `aged` for 高龄 (80 and over)")
    estate: DbId | None = None
    overdue: bool = False
    q: Annotated[NoNulStr, Field(max_length=50)] = ""


class ContactIO(Schema):
    name: Annotated[NoNulStr, Field(min_length=1, max_length=50)]
    phone: Annotated[NoNulStr, Field(min_length=1, max_length=20)]
    relation: Annotated[NoNulStr, Field(max_length=20)] = ""


class ElderOut(Schema):
    resident: int
    name: str
    age: int
    aged: bool = Field(description="高龄: 80 and over")
    care_level: str = Field(description="self_care | partial | dependent")
    tags: list[str]
    estate: str | None
    visit_interval_days: int
    interval_set_by_staff: bool
    last_visit_at: LocalDateTime | None
    next_visit_due: date
    overdue: bool


class ElderDetailOut(ElderOut):
    emergency_contacts: list[ContactIO]
    visit_team: str | None
    note: str


class ElderPatch(Schema):
    care_level: Literal["self_care", "partial", "dependent"] | None = None
    visit_interval_days: int | None = Field(
        None, ge=1, le=365, description="null puts the profile back on the default rule"
    )
    emergency_contacts: list[ContactIO] | None = Field(None, max_length=5)
    note: Annotated[NoNulStr, Field(max_length=200)] | None = None


class OfferedOut(Schema):
    """What a volunteer sees of an elder whose visit is offered to them: what a visit needs."""

    resident: int
    name: str
    age: int
    address: str
    phone: str
    tags: list[str] = Field(description="the living situation only (独居, 空巢, 留守, 失独)")
    last_visit_at: LocalDateTime | None
    next_visit_due: date
    overdue: bool


class VisitIn(Schema):
    at: Moment | None = None
    note: Annotated[NoNulStr, Field(min_length=1, max_length=1000)]
    follow_up: bool = False
    method: Literal["home", "phone", "centre"] = "home"


class VisitOut(Schema):
    id: int
    resident: int
    visited_at: LocalDateTime
    method: str
    visitor: str
    note: str
    follow_up: bool
    service_request: int | None
