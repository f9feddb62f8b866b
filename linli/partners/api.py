"""The partners API, mounted at /api/v1/partners: the station's partners with the activities
they joined and the hours their people gave (reach as linli.partners.access)."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Path, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination
from linli.core.schemas import MAX_DB_ID, LocalDateTime
from linli.partners import access, queries
from linli.partners.models import Partner

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


class PartnerDetailOut(PartnerOut):
    contacts: list[PartnerContactOut]
    joined: list[PartnerActivityOut]


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
    }  # fmt: skip
