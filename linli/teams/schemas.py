"""Schemas of the Teams API (SPEC §5: `GET|POST /api/v1/teams`, `POST /api/v1/teams/{id}/members`)."""

from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from linli.core.schemas import Code, DbId, LocalDateTime, Moment, NoNulStr, Text, Title
from linli.teams.models import Team, TeamMembership
from linli.teams.queries import leader_of
from linli.volunteers.models import Course


class LeaderOut(Schema):
    id: int = Field(description="The leader's volunteer id.")
    name: str
    number: str


class CourseRef(Schema):
    id: int
    name: str
    hours: float = Field(description="学习时长 of the course, in hours.")

    @staticmethod
    def resolve_hours(course: Course) -> float:
        return float(course.hours)


class TeamOut(Schema):
    """Read from a team loaded with `with_team_relations` (no further queries)."""

    id: int
    station: str = Field(description="Station code.")
    name: str
    description: str
    parent: int | None = Field(description="The parent team's id, for a sub-group.")
    categories: list[str] = Field(description="Service category codes (SPEC §4a).")
    leader: LeaderOut | None
    member_count: int = Field(description="Active members, the leader included.")
    required_courses: list[CourseRef] = Field(
        description="The team's own training rule; a sub-group's members also need the parent's."
    )
    created_at: LocalDateTime

    @staticmethod
    def resolve_station(team: Team) -> str:
        return team.station.code

    @staticmethod
    def resolve_parent(team: Team) -> int | None:
        return team.parent_id

    @staticmethod
    def resolve_categories(team: Team) -> list[str]:
        return sorted(row.category for row in team.categories.all())

    @staticmethod
    def resolve_leader(team: Team) -> dict[str, object] | None:
        volunteer = leader_of(team)
        if volunteer is None:
            return None
        return {"id": volunteer.pk, "name": volunteer.person.name, "number": volunteer.number}

    @staticmethod
    def resolve_member_count(team: Team) -> int:
        return int(getattr(team, "member_count", 0))

    @staticmethod
    def resolve_required_courses(team: Team) -> list[Course]:
        return list(team.required_courses.all())


class TeamIn(Schema):
    name: Title = Field(examples=["法律援助志愿服务队"])
    parent: DbId | None = Field(None, description="A top-level team of the same station.")
    description: Text = ""
    categories: list[Code] = Field(default_factory=list, max_length=50, examples=[["legal"]])


class TeamMemberIn(Schema):
    volunteer: DbId = Field(description="An active volunteer of the team's station.")


class MembershipOut(Schema):
    id: int
    team: int
    volunteer: int
    name: str
    role: str = Field(description="member | leader")
    status: str = Field(description="requested | active | declined | removed")
    decided_at: LocalDateTime | None

    @staticmethod
    def resolve_team(membership: TeamMembership) -> int:
        return membership.team_id

    @staticmethod
    def resolve_volunteer(membership: TeamMembership) -> int:
        return membership.volunteer_id

    @staticmethod
    def resolve_name(membership: TeamMembership) -> str:
        return membership.volunteer.person.name


class TroupeEventIn(Schema):
    """A troupe's rehearsal (members only) or performance (open to the station's volunteers)."""

    kind: Literal["rehearsal", "performance"]
    title: Annotated[NoNulStr, Field(min_length=1, max_length=100)]
    place: Annotated[NoNulStr, Field(min_length=1, max_length=100)]
    starts_at: Moment
    ends_at: Moment
    capacity: Annotated[int, Field(ge=1, le=500)]
    description: Annotated[NoNulStr, Field(max_length=2000)] = ""


class TroupeEventOut(Schema):
    activity: int = Field(description="the activity's id: sign-ups and check-ins go through it")
    kind: str
    title: str
    place: str
    starts_at: LocalDateTime
    ends_at: LocalDateTime
    capacity: int
    status: str
    members_only: bool
