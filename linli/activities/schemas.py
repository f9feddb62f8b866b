"""Schemas of the Activities API (SPEC §5: `/api/v1/activities` and its actions).

Times are read as ISO 8601 (an offset is expected; a time without one is taken as Asia/Shanghai)
and written with the station's offset, +08:00.
"""

from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from linli.activities.models import (
    PEOPLE_SERVED_MAX,
    Activity,
    ActivityStatus,
    Attendance,
    HourClaim,
    Signup,
)
from linli.core.schemas import (
    Code,
    Count,
    Day,
    DbId,
    DecimalText,
    Line,
    LocalDateTime,
    Moment,
    Name,
    Phone,
    Text,
    Title,
)


class ActivityIn(Schema):
    title: Title = Field(examples=["金桥花园环境整治"])
    team: DbId | None = Field(
        None, description="The organising team's id (a team leader must give a team they lead)."
    )
    category: Code = Field(
        description="A service category code (SPEC §4a).", examples=["environment"]
    )
    place: Title
    starts_at: Moment = Field(examples=["2026-10-12T09:00:00+08:00"])
    ends_at: Moment = Field(examples=["2026-10-12T11:30:00+08:00"])
    capacity: Count = Field(description="招募人数: confirmed seats; later sign-ups are waitlisted.")
    description: Text = ""
    partners: Line = Field("", description="协办单位")
    organizer: Title = Field("", description="活动组织单位; the station's name when empty.")
    required_course: DbId | None = Field(
        None, description="A course of the station to have attended."
    )
    members_only: bool = Field(False, description="Only active members of `team` may sign up.")
    responsible_name: Name | None = Field(
        None, description="活动负责人; the caller's name when empty."
    )
    responsible_phone: Phone = ""
    station: Code | None = Field(
        None,
        description="Station code; required when the caller may create activities at several "
        "stations.",
    )


class ActivityQuery(Schema):
    status: ActivityStatus | None = None
    team: DbId | None = Field(None, description="A team id.")
    date_from: Day | None = Field(
        None, alias="from", description="Activities still running on or after this local date."
    )
    date_to: Day | None = Field(
        None, alias="to", description="Activities starting on or before this local date."
    )


class ActivityOut(Schema):
    """Read from an activity loaded by the API's `with_counts` (no further queries)."""

    id: int
    station: str = Field(description="Station code.")
    team: int | None
    team_name: str
    title: str
    category: str
    description: str
    place: Title
    starts_at: LocalDateTime
    ends_at: LocalDateTime
    capacity: int
    partners: str
    organizer: str
    required_course: int | None
    members_only: bool
    responsible_name: str
    responsible_phone: str
    status: str = Field(description="draft | published | ongoing | closed | verified | cancelled")
    cancel_reason: str
    confirmed: int = Field(description="Confirmed sign-ups.")
    waitlisted: int = Field(description="Sign-ups on the waitlist.")
    my_signup: str | None = Field(
        description="The caller's own sign-up: confirmed | waitlisted | cancelled, or null."
    )
    created_at: LocalDateTime
    closed_at: LocalDateTime | None
    people_served: int | None = Field(
        description="Residents the activity served (服务群众人次), the organiser's head count at "
        "closing; null when not counted."
    )
    verified_at: LocalDateTime | None

    @staticmethod
    def resolve_station(activity: Activity) -> str:
        return activity.station.code

    @staticmethod
    def resolve_team(activity: Activity) -> int | None:
        return activity.team_id

    @staticmethod
    def resolve_team_name(activity: Activity) -> str:
        return activity.team.name if activity.team is not None else ""

    @staticmethod
    def resolve_required_course(activity: Activity) -> int | None:
        return activity.required_course_id

    @staticmethod
    def resolve_confirmed(activity: Activity) -> int:
        return int(getattr(activity, "confirmed_count", 0))

    @staticmethod
    def resolve_waitlisted(activity: Activity) -> int:
        return int(getattr(activity, "waitlisted_count", 0))

    @staticmethod
    def resolve_my_signup(activity: Activity) -> str | None:
        return getattr(activity, "my_signup_status", None)


class CloseIn(Schema):
    people_served: int | None = Field(
        None,
        ge=0,
        le=PEOPLE_SERVED_MAX,
        description="The head count of residents the activity served (服务群众人次).",
    )


class CancelIn(Schema):
    reason: Line = Field("", description="Required: everyone signed up sees it.")


class SignupIn(Schema):
    volunteer: DbId | None = Field(
        None, description="Staff or the team's leader signing someone up; omit to sign up yourself."
    )


class SignupOut(Schema):
    id: int
    volunteer: int
    status: str = Field(description="confirmed | waitlisted")
    created_at: LocalDateTime

    @staticmethod
    def resolve_volunteer(signup: Signup) -> int:
        return signup.volunteer_id


class SignupCancelOut(Schema):
    volunteer: int
    status: str = Field(description="cancelled")
    promoted: int | None = Field(description="The volunteer promoted from the waitlist, if any.")


class AttendanceIn(Schema):
    volunteer: DbId
    at: Moment | None = Field(
        None, description="The time by hand (hand-kept lists, 补录); now when omitted."
    )


class AttendanceOut(Schema):
    volunteer: int
    name: str
    checked_in_at: LocalDateTime | None
    checkin_method: str
    checked_out_at: LocalDateTime | None
    checkout_method: str
    no_show: bool
    hours: float | None = Field(description="Served hours, set when the activity closes.")
    hours_note: str

    @staticmethod
    def resolve_volunteer(row: Attendance) -> int:
        return row.volunteer_id

    @staticmethod
    def resolve_name(row: Attendance) -> str:
        return row.volunteer.person.name

    @staticmethod
    def resolve_hours(row: Attendance) -> float | None:
        return None if row.hours is None else float(row.hours)


class HoursIn(Schema):
    hours: Annotated[Decimal, Field(ge=-1000, le=1000), DecimalText] = Field(
        description="Between 0 and the activity's length."
    )
    note: Line = ""


class ClaimIn(Schema):
    started_at: Moment
    ended_at: Moment
    note: Line = Field(description="Why there is no check-in, and what was done.")


class ClaimDecisionIn(Schema):
    reason: Line = Field("", description="Required when rejecting.")


class ClaimOut(Schema):
    id: int
    volunteer: int
    started_at: LocalDateTime
    ended_at: LocalDateTime
    note: str
    status: str = Field(description="pending | approved | rejected")
    reason: str

    @staticmethod
    def resolve_volunteer(claim: HourClaim) -> int:
        return claim.volunteer_id
