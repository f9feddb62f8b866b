"""Schemas of the study-room API (SPEC §7.2). Times are ISO 8601 with the station's offset."""

from datetime import date
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from linli.core.schemas import DbId, LocalDateTime, Moment, NoNulStr


class PupilIn(Schema):
    resident: DbId = Field(description="the child's person record")
    guardians: Annotated[list[DbId], Field(min_length=1, max_length=6)] = Field(
        description="person records of those who may pick the child up"
    )
    school: Annotated[NoNulStr, Field(min_length=1, max_length=100)]
    grade: Annotated[int, Field(ge=1, le=12)]
    consent: bool = Field(
        description="the guardian's separate consent to the child's data; false is refused"
    )
    allergies: Annotated[NoNulStr, Field(max_length=300)] = ""
    health_notes: Annotated[NoNulStr, Field(max_length=300)] = ""
    photo_consent: bool = False
    relation: Literal["parent", "grandparent", "other"] = "parent"


class PupilGuardianOut(Schema):
    resident: int
    name: str
    relation: str


class PupilOut(Schema):
    id: int
    room: int
    resident: int
    name: str
    school: str
    grade: int | None
    guardians: list[PupilGuardianOut]
    photo_consent: bool
    status: str
    channel: str = Field(description="online (by a guardian) | paper (by staff)")
    enrolled_on: date


class PupilHealthOut(Schema):
    allergies: str
    health_notes: str


class PupilDetailOut(PupilOut):
    health: PupilHealthOut | None = Field(
        description="allergies and health notes: only for staff and the tutor on duty "
        "(each read is audited); null for anyone else"
    )


class StudyAttendanceIn(Schema):
    pupil: DbId
    kind: Literal["in", "out"]
    picked_up_by: DbId | None = Field(
        None, description="for `out`: the person record of a listed guardian"
    )
    at: Moment | None = None


class StudyAttendanceOut(Schema):
    pupil: int
    name: str
    day: date
    in_at: LocalDateTime
    out_at: LocalDateTime | None
    picked_up_by: int | None
    picked_up_by_name: str


SaneDate = Annotated[
    date,
    Field(
        ge=date(1990, 1, 1),
        le=date(2100, 12, 31),
        json_schema_extra={"x-range": ["1990-01-01", "2100-12-31"]},
    ),
]


class StudyAttendanceQuery(Schema):
    room: DbId | None = None
    date: SaneDate | None = None
