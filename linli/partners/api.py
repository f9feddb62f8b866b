"""The partners API, mounted at /api/v1/partners: the station's partners with the activities
they joined and the hours their people gave (reach as linli.partners.access); the station's
staff list a partner on an activity and link or unlink the volunteers who came through it."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination
from linli.core.schemas import MAX_DB_ID, DbId, LocalDateTime, PathId
from linli.partners import access, actions, queries
from linli.partners.models import Partner, PartnerVolunteer

router = Router(tags=["partners"])


class PartnerContactOut(Schema):
    name: str
    role: str
    phone: str


class PartnerOut(Schema):
    id: int
    station: str
    name: str
    kind: str
    description: str
    activities: int = Field(description="activities the partner joined")
    people: int = Field(description="volunteers who came through the partner")
    hours: Decimal = Field(description="ledger hours of those volunteers, reversals included")


class PartnerActivityOut(Schema):
    id: int
    title: str
    starts_at: LocalDateTime
    status: str


class PartnerPersonOut(Schema):
    volunteer: int
    name: str
    since: date
    hours: Decimal = Field(description="the volunteer's ledger hours, reversals included")


class PartnerDetailOut(PartnerOut):
    contacts: list[PartnerContactOut]
    joined: list[PartnerActivityOut]
    volunteers: list[PartnerPersonOut]


class PartnerVolunteerIn(Schema):
    volunteer: DbId


class PartnerActivityIn(Schema):
    activity: DbId


def partner_out(partner: Any, hours: dict[int, Decimal]) -> dict[str, Any]:
    return {
        "id": partner.pk,
        "station": partner.station.code,
        "name": partner.name,
        "kind": partner.kind,
        "description": partner.description,
        "activities": partner.activity_count,
        "people": partner.people_count,
        "hours": hours.get(partner.pk, queries.ZERO),
    }


@router.get("", response=list[PartnerOut], summary="Partners of the stations in reach")
@paginate(BoundedPagination)
def partner_list(request: HttpRequest) -> list[dict[str, Any]]:
    partners = list(
        queries.with_counts(access.partners_for_user(request.auth)).select_related("station")  # type: ignore[attr-defined]
    )
    hours = queries.partner_hours([partner.pk for partner in partners])
    return [partner_out(partner, hours) for partner in partners]


@router.get("/{partner_id}", response={200: PartnerDetailOut, 404: ErrorOut}, summary="One partner")
def partner_detail(
    request: HttpRequest, partner_id: int = Path(..., ge=1, le=MAX_DB_ID)
) -> dict[str, Any]:
    found = access.get_partner_for_user(request.auth, partner_id)  # type: ignore[attr-defined]
    partner = (
        queries.with_counts(Partner.objects.filter(pk=found.pk)).select_related("station").get()
    )
    return {
        **partner_out(partner, queries.partner_hours([partner.pk])),
        "contacts": list(partner.contacts.values("name", "role", "phone")),
        "joined": [
            {"id": link.activity.pk, "title": link.activity.title,
             "starts_at": link.activity.starts_at, "status": link.activity.status}
            for link in queries.activities_of(partner)
        ],
        "volunteers": [person_out(row) for row in queries.people_with_hours(partner)],
    }  # fmt: skip


def person_out(row: queries.PersonHours) -> dict[str, Any]:
    return {
        "volunteer": row.link.volunteer_id,
        "name": row.link.volunteer.person.name,
        "since": row.link.since,
        "hours": row.hours,
    }


@router.post(
    "/{partner_id}/volunteers",
    response={201: PartnerPersonOut, 404: ErrorOut, 422: ErrorOut},
    summary="Link a volunteer of the station to the partner (staff; linking twice is harmless)",
)
def partner_volunteer_link(
    request: HttpRequest, partner_id: PathId, payload: PartnerVolunteerIn
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    partner = access.get_partner_for_user(user, partner_id, write=True)
    volunteer = queries.station_volunteer(partner, payload.volunteer)
    if volunteer is None:
        raise ValidationError({"volunteer": [_("只能关联本站的志愿者。")]})
    actions.partner_volunteer_add(partner=partner, volunteer=volunteer, actor=user)
    (row,) = queries.people_with_hours(partner, volunteer_id=volunteer.pk)
    return Status(201, person_out(row))


@router.delete(
    "/{partner_id}/volunteers/{volunteer_id}",
    response={204: None, 404: ErrorOut},
    summary="Unlink a volunteer from the partner (staff)",
)
def partner_volunteer_unlink(request: HttpRequest, partner_id: PathId, volunteer_id: PathId) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    partner = access.get_partner_for_user(user, partner_id, write=True)
    link = (
        PartnerVolunteer.objects.select_related("partner__station")
        .filter(partner=partner, volunteer_id=volunteer_id)
        .first()
    )
    if link is None:
        raise Http404("volunteer")
    actions.partner_volunteer_remove(link=link, actor=user)
    return Status(204, None)


@router.post(
    "/{partner_id}/activities",
    response={201: PartnerActivityOut, 404: ErrorOut, 422: ErrorOut},
    summary="List the partner on one of its station's activities (staff; an activity may list "
    "several partners)",
)
def partner_activity_link(
    request: HttpRequest, partner_id: PathId, payload: PartnerActivityIn
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    partner = access.get_partner_for_user(user, partner_id, write=True)
    activity = queries.station_activity(partner, payload.activity)
    if activity is None:
        raise ValidationError({"activity": [_("本站没有这个活动。")]})
    actions.partner_activity_add(partner=partner, activity=activity, actor=user)
    return Status(
        201,
        {"id": activity.pk, "title": activity.title, "starts_at": activity.starts_at,
         "status": activity.status},
    )  # fmt: skip
