from datetime import date

from ninja import Schema
from pydantic import Field

from linli.core.schemas import Day, LocalDateTime
from linli.people.models import Resident
from linli.people.queries import address_of, resident_tags


class AddressSchema(Schema):
    estate: str = Field(examples=["金桥花园"])
    building: str = Field(examples=["3"])
    unit: str = Field(examples=["2"])
    room: str = Field(examples=["502"])


class ConsentSchema(Schema):
    method: str = Field(description="paper | verbal | online", examples=["paper"])
    given_by: str = Field("self", description="self | guardian (required for a child under 14)")
    guardian_name: str = ""
    sensitive: bool = Field(
        False,
        description="The separate consent that ID numbers, health, disability data and "
        "children's data need.",
    )


class ResidentIn(Schema):
    name: str
    gender: str | None = Field(None, description="M | F; derived from id_number when omitted")
    birth_date: Day | None = Field(None, description="derived from id_number when omitted")
    id_number: str | None = Field(None, description="write only; reads give id_number_masked")
    phone: str = ""
    address: AddressSchema | None = None
    relation: str = Field("head", description="relation to the head of the household")
    tags: list[str] = Field(default_factory=list, max_length=50)
    note: str = ""
    disability_type: str = ""
    disability_grade: str = ""
    health_notes: str = ""
    consent: ConsentSchema


class ResidentPatch(Schema):
    name: str | None = None
    gender: str | None = None
    birth_date: Day | None = None
    id_number: str | None = None
    phone: str | None = None
    address: AddressSchema | None = None
    relation: str | None = None
    tags: list[str] | None = Field(None, max_length=50)
    note: str | None = None
    disability_type: str | None = None
    disability_grade: str | None = None
    health_notes: str | None = None


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
