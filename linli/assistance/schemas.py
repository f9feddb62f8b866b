"""Schemas of the service-menu and service-request API (SPEC §5).

Times are read as ISO 8601 (a time without an offset is taken as Asia/Shanghai) and written with
the station's offset, +08:00. The contact fields of a request (who asked, their phone, the
address, the person served) are null unless the caller may see them (access.can_see_contact);
`estate` always says roughly where, so a volunteer can decide whether to take it.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from linli.assistance.access import visible_description
from linli.assistance.models import RequestStatus, ServiceRequest, Urgency
from linli.core.schemas import (
    Code,
    DbId,
    DecimalText,
    FlatPart,
    Line,
    LocalDateTime,
    Moment,
    Name,
    Note,
    Phone,
    Text,
    Title,
)

# --- the menu -------------------------------------------------------------------------------------


class TeamRef(Schema):
    id: int
    name: str


class RequiredCourseRef(Schema):
    id: int
    name: str


class MenuItemOut(Schema):
    id: int
    name: str
    description: str
    skills: list[str] = Field(description="The skills the item wants, as separate words.")
    required_course: RequiredCourseRef | None = Field(
        description="A course a volunteer must have attended to take requests for this item."
    )
    response_hours: int | None = Field(description="Overrides the category's, when set.")


class MenuCategoryOut(Schema):
    code: str = Field(description="A service category code (SPEC §4a).")
    name: str
    station: str = Field(description="Station code.")
    response_hours: int = Field(description="How soon a request must be reviewed (hours).")
    teams: list[TeamRef]
    items: list[MenuItemOut]


class ServiceMenuOut(Schema):
    items: list[MenuCategoryOut]
    count: int


class ServiceMenuQuery(Schema):
    station: Code | None = Field(None, description="Only this station's menu (a station code).")


# --- creating and listing requests ----------------------------------------------------------------


class AddressIn(Schema):
    estate: Title = Field("", description="小区 name, as registered at the station.")
    building: Code = Field("", description="楼栋 number; `3`, `3栋` and `3号楼` are the same.")
    unit: FlatPart = ""
    room: FlatPart = ""
    text: Line = Field("", description="Free text, for an address outside the registered estates.")


class RequestIn(Schema):
    category: Code = Field(description="A code on the station's menu.", examples=["community"])
    description: Annotated[str, Field(max_length=1000)] = Field(
        examples=["厨房水管漏水，需要上门维修"]
    )
    item: DbId | None = Field(None, description="A menu item id of that category.")
    resident: DbId | None = Field(
        None,
        description="The resident served (an id). Staff may name anyone of the station; a "
        "resident only themselves. A resident posting for themselves may leave it empty.",
    )
    address: AddressIn | None = None
    urgency: Urgency = Urgency.NORMAL
    preferred_at: Moment | None = Field(None, examples=["2026-10-12T09:00:00+08:00"])
    requester_name: Name = Field(
        "", description="联系人; required when staff enter a request for a caller."
    )
    requester_phone: Phone = ""
    proxy_relation: Annotated[str, Field(max_length=20)] = Field(
        "", description="Relation to the person served, e.g. 女儿."
    )
    timebank: bool = Field(
        False,
        description="Pay with the requester's time-bank hours (时间银行): refused with 409 "
        "`timebank_empty` when the balance is zero; the hours served are debited on completion.",
    )
    channel: Literal["web", "proxy", "phone", "visit", "wechat"] | None = Field(
        None,
        description="web or proxy: the caller follows the request. phone, visit, wechat: staff "
        "enter it for someone (default for staff: phone; for others: proxy if "
        "`proxy_relation` is given, else web).",
    )
    source_text: Text = Field("", description="The pasted 民情e站 message, for channel wechat.")
    station: Code | None = Field(
        None, description="Station code; required when the caller may post at several."
    )


class RequestQuery(Schema):
    status: RequestStatus | None = None
    category: Code | None = None
    station: Code | None = Field(None, description="A station code.")
    mine: bool = Field(False, description="Only requests the caller asked for.")
    takeable: bool = Field(False, description="Only requests the caller (a volunteer) may accept.")


class ItemRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    name: str


class RequestSummaryOut(Schema):
    """A row of the list: no contact details, only the estate (nor the door or phone written
    into the description)."""

    id: int
    station: str = Field(description="Station code.")
    category: str
    category_label: str
    item: ItemRef | None
    description: str
    urgency: str
    channel: str
    status: str
    status_label: str
    estate: str | None
    dispatch_mode: str = Field(description="team | volunteer | open, or empty.")
    volunteer: PersonRef | None = Field(description="The volunteer who accepted it.")
    submitted_at: LocalDateTime

    @staticmethod
    def resolve_station(service_request: ServiceRequest) -> str:
        return service_request.station.code

    @staticmethod
    def resolve_category_label(service_request: ServiceRequest) -> str:
        return str(service_request.get_category_display())

    @staticmethod
    def resolve_description(service_request: ServiceRequest) -> str:
        return visible_description(service_request, contact=False)

    @staticmethod
    def resolve_status_label(service_request: ServiceRequest) -> str:
        return str(service_request.get_status_display())

    @staticmethod
    def resolve_estate(service_request: ServiceRequest) -> str | None:
        building = service_request.building
        return building.estate.name if building is not None else None

    @staticmethod
    def resolve_volunteer(service_request: ServiceRequest) -> dict[str, Any] | None:
        volunteer = service_request.volunteer
        return None if volunteer is None else {"id": volunteer.pk, "name": volunteer.person.name}


# --- one request ----------------------------------------------------------------------------------


class AddressOut(Schema):
    estate: str
    building: str
    unit: str
    room: str
    text: str


class StepOut(Schema):
    at: LocalDateTime
    kind: str = Field(description="transition | alert | reminder | note | follow_up")
    from_status: str = Field(serialization_alias="from")
    to_status: str = Field(serialization_alias="to")
    who: str = Field(description="您, or 居民/工作人员/志愿者 with the name where it may be seen.")
    who_role: str = Field(description="self | resident | staff | volunteer | system")
    text: str = Field(description="What happened, in plain words.")
    note: str


class PhotoOut(Schema):
    id: int
    url: str
    content_type: str
    size: int
    uploaded_at: LocalDateTime


class RatingOut(Schema):
    score: int
    label: str
    comment: str
    rated_at: LocalDateTime | None


class FollowUpOut(Schema):
    id: int
    score: int
    due_on: date
    opened_at: LocalDateTime
    closed_at: LocalDateTime | None
    outcome: str


class RequestOut(Schema):
    id: int
    station: str = Field(description="Station code.")
    station_name: str
    channel: str
    category: str
    category_label: str
    item: ItemRef | None
    description: str
    urgency: str
    preferred_at: LocalDateTime | None
    status: str = Field(description=" | ".join(RequestStatus.values))
    status_label: str
    reason: str = Field(description="Why it was rejected, cancelled or reopened.")
    dispatch_mode: str
    dispatch_team: TeamRef | None
    dispatch_volunteer: PersonRef | None
    volunteer: PersonRef | None
    submitted_at: LocalDateTime
    dispatched_at: LocalDateTime | None
    accepted_at: LocalDateTime | None
    started_at: LocalDateTime | None
    completed_at: LocalDateTime | None
    closed_at: LocalDateTime | None
    hours: float | None
    completion_note: str
    hours_confirmed: bool
    rating: RatingOut | None
    follow_up: FollowUpOut | None = Field(description="The latest 回访, shown with the contact.")
    estate: str | None = Field(description="Always shown: roughly where.")
    contact_visible: bool
    requester_name: str | None
    requester_phone: str | None
    proxy_relation: str | None
    resident: PersonRef | None
    address: AddressOut | None
    photo_count: int
    photos: list[PhotoOut] = Field(description="Links for those who see the contact details.")
    timeline: list[StepOut]


# --- actions --------------------------------------------------------------------------------------


class DispatchIn(Schema):
    team: DbId | None = Field(None, description="A team of the station.")
    volunteer: DbId | None = Field(None, description="One volunteer of the station.")
    open: bool = Field(False, description="Open to every qualified volunteer (抢单).")
    note: Note = ""


class CompleteIn(Schema):
    hours: Annotated[Decimal, Field(ge=-1000, le=1000), DecimalText] = Field(
        description="Hours actually served, travel excluded (0 < h ≤ 24)."
    )
    note: Note = Field("", description="What was done; required.")


class RateIn(Schema):
    score: int = Field(
        ge=-1000, le=1000, description="5 非常满意 … 1 非常不满意; 2 or less opens a follow-up."
    )
    comment: Note = ""


class ReasonIn(Schema):
    reason: Line = Field("", description="Required.")


class FollowUpIn(Schema):
    outcome: Note = Field("", description="What staff found and did; required.")


class SuggestionOut(Schema):
    volunteer_id: int
    name: str
    number: str
    score: float = Field(description="Out of 100 (120 for an urgent request about safety).")
    reasons: list[str]
    distance: str = Field(description="building | estate | station")
    open_load: int = Field(description="Requests they hold now.")
    average_rating: float | None
    rating_count: int
    available: bool | None = Field(description="Free at the preferred time; null if none given.")


class SuggestionsOut(Schema):
    items: list[SuggestionOut]
    count: int


class ParseIn(Schema):
    text: Text = Field(description="A message pasted from the 民情e站 WeChat group.")
    station: Code | None = Field(None, description="Station code; default the one the caller runs.")


class ParseOut(Schema):
    """The fields of a new request as far as the message tells them (the body of a `POST
    /service-requests`, to check and send), and `notes` on what was guessed. Nothing is saved."""

    station: str = Field(description="Station code.")
    channel: str = Field(description="wechat")
    category: str = Field(description="A menu category code, or empty.")
    item: int | None
    urgency: str
    resident: int | None = Field(description="The resident served, when one was recognised.")
    candidates: list[PersonRef] = Field(description="Residents it may be, when unsure.")
    address: AddressOut | None
    building: int | None = Field(description="The recognised building's id.")
    unit: str
    room: str
    description: str
    requester_name: str
    requester_phone: str
    proxy_relation: str
    preferred_at: LocalDateTime | None
    source_text: str
    notes: list[str]
