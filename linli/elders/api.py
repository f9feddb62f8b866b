"""The elders API (SPEC §7.2), mounted at /api/v1/elders.

Reach follows linli.elders.access: station staff and supervisors list their elders; a volunteer
lists the visits offered to them (`/offered`) and logs visits; anyone else, and anything outside,
answers 404 (the list: 403). Every write calls linli.elders.actions, as the pages do.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination, ShapedRows, each
from linli.core.schemas import MAX_DB_ID
from linli.elders import access, actions
from linli.elders.models import ElderProfile, Visit, oldest_born_by
from linli.elders.queries import (
    ElderFilter,
    address_of,
    filter_profiles,
    tags_of,
    visit_rows,
    with_row_relations,
)
from linli.elders.schemas import (
    ElderDetailOut,
    ElderOut,
    ElderPatch,
    ElderQuery,
    OfferedOut,
    VisitIn,
    VisitOut,
)
from linli.volunteers.access import active_volunteer_of

router = Router(tags=["elders"])
ResidentId = Path(..., ge=1, le=MAX_DB_ID)


def elder_out(profile: ElderProfile) -> dict[str, Any]:
    today = timezone.localdate()
    resident = profile.resident
    household = resident.household
    return {
        "resident": resident.pk,
        "name": resident.name,
        "age": resident.age(today),
        "aged": resident.birth_date <= oldest_born_by(today),
        "care_level": profile.care_level,
        "tags": tags_of(profile),
        "estate": household.building.estate.name if household is not None else None,
        "visit_interval_days": profile.visit_interval_days,
        "interval_set_by_staff": profile.interval_set_by_staff,
        "last_visit_at": profile.last_visit_at,
        "next_visit_due": profile.next_visit_due,
        "overdue": profile.is_overdue(today),
    }


def detail_out(profile: ElderProfile) -> dict[str, Any]:
    return {
        **elder_out(profile),
        "emergency_contacts": [
            {"name": c.name, "phone": c.phone, "relation": c.relation}
            for c in profile.emergency_contacts.all()
        ],
        "visit_team": profile.visit_team.name if profile.visit_team else None,
        "note": profile.note,
    }


def visit_out(visit: Visit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "resident": visit.profile.resident_id,
        "visited_at": visit.visited_at,
        "method": visit.method,
        "visitor": visit.visitor_name,
        "note": visit.note,
        "follow_up": visit.follow_up,
        "service_request": visit.service_request_id,
    }


def _reload(resident_id: int) -> ElderProfile:
    return with_row_relations(ElderProfile.objects.filter(resident_id=resident_id)).get()


@router.get(
    "",
    response={200: list[ElderOut], 403: ErrorOut},
    summary="Elders (60+) of the caller's stations, with their visit due dates",
)
@paginate(BoundedPagination)
def elder_list(request: HttpRequest, filters: Query[ElderQuery]) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    if not access.can_read_list(user):
        raise PermissionDenied
    criteria = ElderFilter.from_params(filters.dict())
    profiles = with_row_relations(filter_profiles(access.profiles_for_user(user), criteria))
    return ShapedRows(profiles, each(elder_out))  # type: ignore[return-value]


@router.get(
    "/offered",
    response={200: list[OfferedOut], 403: ErrorOut},
    summary="The visits offered to the calling volunteer: near their estate or for their team",
)
@paginate(BoundedPagination)
def offered(request: HttpRequest) -> list[dict[str, Any]]:
    volunteer = active_volunteer_of(request.auth)  # type: ignore[attr-defined]
    if volunteer is None:
        raise PermissionDenied
    profiles = with_row_relations(access.offered_visits(volunteer)).order_by("next_visit_due", "pk")
    today = timezone.localdate()

    def shape(profile: ElderProfile) -> dict[str, Any]:
        resident = profile.resident
        return {
            "resident": resident.pk,
            "name": resident.name,
            "age": resident.age(today),
            "address": address_of(resident),
            "phone": resident.phone,
            "tags": tags_of(profile, visit_only=True),
            "last_visit_at": profile.last_visit_at,
            "next_visit_due": profile.next_visit_due,
            "overdue": profile.is_overdue(today),
        }

    return ShapedRows(profiles, each(shape))  # type: ignore[return-value]


@router.get(
    "/{resident_id}",
    response={200: ElderDetailOut, 404: ErrorOut},
    summary="One elder's care profile (staff and supervisors)",
)
def elder_detail(request: HttpRequest, resident_id: int = ResidentId) -> dict[str, Any]:
    profile, standing = access.get_profile_for_user(request.auth, resident_id)  # type: ignore[attr-defined]
    if not standing.sees_profile:
        raise PermissionDenied
    return detail_out(_reload(profile.resident_id))


@router.patch(
    "/{resident_id}",
    response={200: ElderDetailOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change an elder's care level, visit interval or emergency contacts",
)
def elder_update(
    request: HttpRequest, payload: ElderPatch, resident_id: int = ResidentId
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    profile, _standing = access.get_profile_for_user(user, resident_id, need="edit")
    given = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "care_level" in given and given["care_level"] is not None:
        changes["care_level"] = given["care_level"]
    if "visit_interval_days" in given:
        changes["visit_interval_days"] = given["visit_interval_days"]
    if "emergency_contacts" in given and given["emergency_contacts"] is not None:
        changes["emergency_contacts"] = [
            actions.ContactInput(**contact) for contact in given["emergency_contacts"]
        ]
    if "note" in given and given["note"] is not None:
        changes["note"] = given["note"]
    actions.elder_profile_update(profile=profile, actor=user, **changes)
    return detail_out(_reload(resident_id))


@router.get(
    "/{resident_id}/visits",
    response={200: list[VisitOut], 404: ErrorOut},
    summary="An elder's visits, the latest first (staff and supervisors)",
)
def visit_list(request: HttpRequest, resident_id: int = ResidentId) -> list[dict[str, Any]]:
    profile, standing = access.get_profile_for_user(request.auth, resident_id)  # type: ignore[attr-defined]
    if not standing.sees_profile:
        raise PermissionDenied
    return [visit_out(visit) for visit in visit_rows(profile)]


@router.post(
    "/{resident_id}/visits",
    response={201: VisitOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Log a visit; `follow_up: true` makes a service request pre-filled from it",
)
def visit_create(request: HttpRequest, payload: VisitIn, resident_id: int = ResidentId) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    profile, _standing = access.get_profile_for_user(user, resident_id, need="visit")
    visit = actions.visit_log(
        profile=profile,
        actor=user,
        note=payload.note,
        at=payload.at,
        method=payload.method,
        follow_up=payload.follow_up,
    )
    return Status(201, visit_out(visit))
