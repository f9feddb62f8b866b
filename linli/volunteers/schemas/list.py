"""What the volunteer list and detail endpoints answer (SPEC §5): never a full ID number."""

from datetime import date

from ninja import Schema
from pydantic import Field

from linli.core.schemas import LocalDateTime
from linli.volunteers.models import Volunteer, availability_codes
from linli.volunteers.queries import active_memberships, category_codes


class VolunteerTeamOut(Schema):
    id: int
    name: str
    role: str = Field(description="member | leader")


class VolunteerOut(Schema):
    """Read from a Volunteer row loaded with `queries.with_list_relations`."""

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

    @staticmethod
    def resolve_name(volunteer: Volunteer) -> str:
        return volunteer.person.name

    @staticmethod
    def resolve_gender(volunteer: Volunteer) -> str:
        return volunteer.person.gender

    @staticmethod
    def resolve_birth_date(volunteer: Volunteer) -> date:
        return volunteer.person.birth_date

    @staticmethod
    def resolve_age(volunteer: Volunteer) -> int:
        return volunteer.person.age()

    @staticmethod
    def resolve_id_number_masked(volunteer: Volunteer) -> str:
        return volunteer.person.id_number_masked

    @staticmethod
    def resolve_phone(volunteer: Volunteer) -> str:
        return volunteer.person.phone

    @staticmethod
    def resolve_station(volunteer: Volunteer) -> str:
        return volunteer.station.code

    @staticmethod
    def resolve_service_categories(volunteer: Volunteer) -> list[str]:
        return category_codes(volunteer)

    @staticmethod
    def resolve_availability_slots(volunteer: Volunteer) -> list[str]:
        return availability_codes(volunteer.availability)

    @staticmethod
    def resolve_teams(volunteer: Volunteer) -> list[dict[str, object]]:
        return [
            {"id": membership.team_id, "name": membership.team.name, "role": membership.role}
            for membership in active_memberships(volunteer)
        ]
