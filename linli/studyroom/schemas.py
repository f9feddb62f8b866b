"""Schemas of the study-room API (SPEC §7.2). Times are ISO 8601 with the station's offset."""

from datetime import date, time
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field

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


def _clock(value: time) -> time:
    """A time of day as the room keeps it: hours and minutes, no offset (the station's clock)."""
    if value.tzinfo is not None or value.second or value.microsecond:
        raise ValueError("a time of day as HH:MM, without seconds or offset")
    return value


CLOCK_TEXT_MAX = 8  # "HH:MM:SS": anything longer is not a time of day


def _short_clock(value: object) -> object:
    if isinstance(value, str) and len(value) > CLOCK_TEXT_MAX:
        raise ValueError("a time of day as HH:MM")
    return value


Clock = Annotated[
    time,
    BeforeValidator(_short_clock),
    AfterValidator(_clock),
    Field(examples=["11:30"], json_schema_extra={"maxLength": CLOCK_TEXT_MAX}),
]


class RoomOut(Schema):
    id: int
    station: str = Field(description="station code")
    name: str
    place: str
    opens_at: str = Field(description="HH:MM, the station's clock")
    closes_at: str
    still_in_alert_at: str = Field(description="a pupil still in at this time raises an alert")
    retention_days: int = Field(description="days a pupil's data is kept after leaving")
    pupils: int = Field(description="pupils enrolled now")


class RoomPatch(Schema):
    """Any of the room's settings; checked together with the rest (times 06:00–22:00, closing
    after opening, the alert at closing or up to 3 hours after)."""

    name: Annotated[NoNulStr, Field(min_length=1, max_length=100)] | None = None
    place: Annotated[NoNulStr, Field(max_length=200)] | None = None
    opens_at: Clock | None = None
    closes_at: Clock | None = None
    still_in_alert_at: Clock | None = None
    retention_days: Annotated[int, Field(ge=1, le=3650)] | None = None


class RoomQuery(Schema):
    room: DbId | None = None


class ShiftIn(Schema):
    room: DbId
    volunteer: DbId = Field(description="an active 支教助学 (education) volunteer of the station")
    day: SaneDate
    starts: Clock | None = Field(None, description="default: the room's opening time")
    ends: Clock | None = Field(None, description="default: the room's closing time")


class ShiftOut(Schema):
    id: int
    room: int
    volunteer: int
    name: str
    day: date
    starts_at: LocalDateTime
    ends_at: LocalDateTime
    hours: Decimal
    confirmed: bool = Field(description="served and its hours in the ledger")


class ShiftQuery(Schema):
    room: DbId | None = None
    date_from: SaneDate | None = Field(None, alias="from")
    date_to: SaneDate | None = Field(None, alias="to")


class ClassIn(Schema):
    room: DbId
    kind: Literal["calligraphy", "painting", "chess", "music"]
    name: Annotated[NoNulStr, Field(min_length=1, max_length=60)]
    weekday: Annotated[int, Field(ge=0, le=6, description="0 Monday … 6 Sunday")]
    starts: Clock
    ends: Clock
    capacity: Annotated[int, Field(ge=1, le=200)]
    tutor: DbId | None = Field(None, description="an active 支教助学 volunteer of the station")


class ClassOut(Schema):
    id: int
    room: int
    kind: str
    name: str
    weekday: int
    starts: str
    ends: str
    capacity: int
    enrolled: int
    tutor: int | None
    tutor_name: str


class ClassPupilOut(Schema):
    pupil: int
    name: str
    enrolled_on: date


class ClassDetailOut(ClassOut):
    pupils: list[ClassPupilOut]


class ClassEnrolIn(Schema):
    pupil: DbId


class ClassRegisterIn(Schema):
    day: SaneDate = Field(description="a past or today's session day (the class's weekday)")
    present: Annotated[list[DbId], Field(max_length=200)] = Field(
        description="the enrolled pupils who came; every other enrolled pupil is absent"
    )


class ClassRegisterOut(Schema):
    day: date
    present: int
    enrolled: int
