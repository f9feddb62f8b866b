"""API shapes for registering volunteers and deciding on them (SPEC §5)."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from linli.core.schemas import Code, Day, DbId, LocalDateTime, Secret
from linli.volunteers.models import AVAILABILITY_BITS

AVAILABILITY_DESCRIPTION = (
    "When the volunteer can serve, as a list of codes `<day>-<slot>`: day `mon tue wed thu fri "
    'sat sun`, slot `am` (上午) `pm` (下午) `ev` (晚上); e.g. `["sat-am", "sat-pm"]`. '
    "All 21 codes: " + ", ".join(AVAILABILITY_BITS) + "."
)


class VolunteerRegisterIn(Schema):
    """What a person gives to register as a volunteer (民政部令第67号 basic information)."""

    name: str = Field(max_length=30, examples=["黄文静"])
    phone: str = Field(max_length=20, description="Mainland mobile number; the login name.")
    password: Secret = Field(description="At least 8 characters, not all digits.")
    id_number: str = Field(
        max_length=18,
        description="居民身份证号码 (GB 11643). Write only; reads give `id_number_masked`.",
    )
    gender: Literal["M", "F"] | None = Field(
        None, description="Checked against the ID number; derived from it when omitted."
    )
    birth_date: Day | None = Field(
        None, description="Checked against the ID number; derived from it when omitted."
    )
    skills: str = Field("", max_length=200, description="Free text, e.g. 驾驶、医护")
    service_categories: list[Code] = Field(
        max_length=50,
        default_factory=list,
        description="SPEC §4a codes: community, elderly_disabled, education, health, legal, "
        "culture, science, environment, safety, civility, family.",
    )
    availability: list[Code] = Field(
        default_factory=list, max_length=21, description=AVAILABILITY_DESCRIPTION
    )
    residence_area: str = Field("", max_length=100, description="居住区域, e.g. an estate name")
    occupation: str = Field("", max_length=50)
    political_status: Literal["", "party", "league", "masses", "other"] = ""
    guardian_name: str = Field(
        "",
        max_length=50,
        description="Required under 18 (a guardian's consent). Under 14 one cannot register "
        "alone: a guardian brings the child to the station.",
    )
    consent: bool = Field(
        description="Explicit consent to the current 志愿者注册承诺书及个人信息处理告知 "
        "(shown in full on /volunteers/register/); false is refused."
    )
    station: Code | None = Field(
        None,
        description="Station code. May be left out only when there is exactly one station.",
        examples=["JIAOJIA"],
    )
    partner: DbId | None = Field(
        None,
        description="所属单位: the id of the station's partner organisation the person came "
        "through (`GET /api/v1/partners` for staff; the registration page lists their names).",
    )


class VolunteerRegisteredOut(Schema):
    status: str = Field(
        examples=["received"], description="Always `received`: staff review every application."
    )


class RegistrationReasonIn(Schema):
    reason: str = Field(max_length=200, description="Told to the volunteer.")


class OptionalReasonIn(Schema):
    reason: str = Field("", max_length=200)


class VolunteerStatusOut(Schema):
    """A volunteer's status after a decision."""

    id: int
    status: str = Field(description="pending | active | rejected | suspended | left")
    number: str = Field(description="志愿者编号, given on approval; empty before.")
    status_reason: str
    decided_at: LocalDateTime | None
