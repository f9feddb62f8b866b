"""What the volunteer list and detail endpoints answer (SPEC §5): never a full ID number."""

from datetime import date

from ninja import Schema
from pydantic import Field

from linli.core.schemas import LocalDateTime


class VolunteerTeamOut(Schema):
    id: int
    name: str
    role: str = Field(description="member | leader")


class VolunteerOut(Schema):
    """Read from the dictionaries `queries.volunteer_items` builds from `values()`."""

    id: int
    number: str = Field(description="志愿者编号, given on approval; empty while pending")
    name: str
    gender: str = Field(description="M | F")
    birth_date: date
    age: int
    id_number_masked: str = Field(examples=["3405**********1234"])
    phone: str
    station: str = Field(description="station code")
    status: str = Field(description="pending | active | rejected | suspended | left")
    skills: str
    service_categories: list[str] = Field(description="SPEC §4a codes", examples=[["community"]])
    availability: int = Field(
        description="21-bit mask: bit (weekday * 3 + slot), weekday 0 = Monday, "
        "slot 0/1/2 = morning/afternoon/evening"
    )
    availability_slots: list[str] = Field(
        description="the same as codes", examples=[["mon-am", "mon-pm", "sat-ev"]]
    )
    residence_area: str
    occupation: str
    political_status: str = Field(description="party | league | masses | other, or empty")
    teams: list[VolunteerTeamOut] = Field(description="teams the volunteer is active in")
    registered_at: LocalDateTime
