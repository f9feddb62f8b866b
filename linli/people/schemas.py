from datetime import date
from typing import Literal

from ninja import Schema
from pydantic import Field

from linli.core.schemas import (
    Code,
    Day,
    FlatPart,
    IdNumberText,
    Line,
    LocalDateTime,
    Name,
    Note,
    Phone,
    Title,
)
from linli.people.models import Resident
from linli.people.queries import address_of, resident_tags


class AddressSchema(Schema):
    estate: Title = Field(examples=["金桥花园"])
    building: Code = Field(examples=["3"])
    unit: FlatPart = Field(examples=["2"])
    room: FlatPart = Field(examples=["502"])


class ConsentSchema(Schema):
    method: Code = Field(description="paper | verbal | online", examples=["paper"])
    given_by: Literal["self", "guardian"] = Field(
        "self", description="self | guardian (required for a child under 14)"
    )
    guardian_name: Name = ""
    sensitive: bool = Field(
        False,
        description="The separate consent that ID numbers, health, disability data and "
        "children's data need.",
    )


class ResidentIn(Schema):
    name: Name
    gender: Code | None = Field(None, description="M | F; derived from id_number when omitted")
    birth_date: Day | None = Field(None, description="derived from id_number when omitted")
    id_number: IdNumberText | None = Field(
        None, description="write only; reads give id_number_masked"
    )
    phone: Phone = ""
    address: AddressSchema | None = None
    relation: Code = Field("head", description="relation to the head of the household")
    tags: list[Code] = Field(default_factory=list, max_length=50)
    note: Line = ""
    disability_type: Name = ""
    disability_grade: Name = ""
    health_notes: Note = ""
    consent: ConsentSchema


class ResidentPatch(Schema):
    name: Name | None = None
    gender: Code | None = None
    birth_date: Day | None = None
    id_number: IdNumberText | None = None
    phone: Phone | None = None
    address: AddressSchema | None = None
    relation: Code | None = None
    tags: list[Code] | None = Field(None, max_length=50)
    note: Line | None = None
    disability_type: Name | None = None
    disability_grade: Name | None = None
    health_notes: Note | None = None


class ResidentOut(Schema):
    """Read from a Resident row (with `with_list_relations`); never carries a sensitive value."""

    id: int
    station: str
    name: str
    gender: str
    birth_date: date
    age: int
    id_number_masked: str
    phone: str
    address: AddressSchema | None
    household: int | None
    relation: str
    tags: list[str]
    status: str
    note: str
    updated_at: LocalDateTime

    @staticmethod
    def resolve_station(resident: Resident) -> str:
        return resident.station.code

    @staticmethod
    def resolve_age(resident: Resident) -> int:
        return resident.age()

    @staticmethod
    def resolve_address(resident: Resident) -> dict[str, str] | None:
        return address_of(resident)

    @staticmethod
    def resolve_household(resident: Resident) -> int | None:
        return resident.household_id

    @staticmethod
    def resolve_tags(resident: Resident) -> list[str]:
        return resident_tags(resident)
