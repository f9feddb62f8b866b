"""The day-care API (SPEC §7.2), mounted at /api/v1/daycare.

Reach follows linli.daycare.access: a centre outside the caller's stations (or, for a caregiver,
not theirs) answers 404; a supervisor reads the centres and their figures but not who came
(403 on the roster and on check-ins). Every write calls linli.daycare.actions, as the pages do.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from linli.accounts.schemas import ErrorOut
from linli.core.errors import DomainError
from linli.core.paging import BoundedPagination
from linli.core.schemas import MAX_DB_ID, Year
from linli.daycare import access, queries
from linli.daycare.actions import attendance, members
from linli.daycare.models import AttendanceMethod, Centre, CentreAttendance, Membership
from linli.daycare.schemas import (
    AttendanceQuery,
    CentreAttendanceIn,
    CentreAttendanceOut,
    CentreMemberIn,
    CentreOut,
    FiguresOut,
    MemberOut,
)
from linli.people.models import Resident

router = Router(tags=["day care"])
CentreId = Path(..., ge=1, le=MAX_DB_ID)


def centre_out(centre: Centre, counts: dict[int, int]) -> dict[str, Any]:
    return {
        "id": centre.pk,
        "name": centre.name,
        "kind": centre.kind,
        "opened_on": centre.opened_on,
        "station": centre.station.code,
        "capacity": centre.capacity,
        "opening_hours": centre.opening_hours,
        "members": counts.get(centre.pk, 0),
    }


def member_out(membership: Membership) -> dict[str, Any]:
    return {
        "id": membership.pk,
        "resident": membership.resident_id,
        "name": membership.resident.name,
        "status": membership.status,
        "fee_tier": membership.fee_tier,
        "care_level": membership.care_level,
        "joined_on": membership.joined_on,
    }


def stay_out(stay: CentreAttendance) -> dict[str, Any]:
    return {
        "resident": stay.resident_id,
        "name": stay.resident.name,
        "in_at": stay.in_at,
        "out_at": stay.out_at,
    }


def _resident_of(centre: Centre, resident_id: int) -> Resident:
    """A resident of the centre's station; anyone else is refused like a non-member (409)."""
    resident = Resident.objects.filter(pk=resident_id, station_id=centre.station_id).first()
    if resident is None:
        raise DomainError("not_a_member", _("本中心没有这位在托人员。"), status=409)
    return resident


@router.get("/centres", response=list[CentreOut], summary="Day-care centres in the caller's reach")
@paginate(BoundedPagination)
def centre_list(request: HttpRequest) -> list[dict[str, Any]]:
    centres = access.centres_for_user(request.auth).select_related("station")  # type: ignore[attr-defined]
    counts = queries.member_counts(centres)
    return [centre_out(centre, counts) for centre in centres.order_by("station_id", "opened_on")]


@router.get(
    "/centres/{centre_id}",
    response={200: CentreOut, 404: ErrorOut},
    summary="One centre",
)
def centre_detail(request: HttpRequest, centre_id: int = CentreId) -> dict[str, Any]:
    centre, _standing = access.get_centre_for_user(request.auth, centre_id)  # type: ignore[attr-defined]
    return centre_out(centre, queries.member_counts(Centre.objects.filter(pk=centre.pk)))


@router.get(
    "/centres/{centre_id}/members",
    response={200: list[MemberOut], 404: ErrorOut},
    summary="The centre's active members (staff and the centre's caregivers)",
)
@paginate(BoundedPagination)
def member_list(request: HttpRequest, centre_id: int = CentreId) -> list[dict[str, Any]]:
    centre, _standing = access.get_centre_for_user(request.auth, centre_id, need="care")  # type: ignore[attr-defined]
    rows = centre.members.filter(status="active").select_related("resident")
    return [member_out(row) for row in rows.order_by("resident__name_pinyin", "pk")]


@router.post(
    "/centres/{centre_id}/members",
    response={201: MemberOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Admit a member at once (staff); applications and assessments go through the pages",
)
def member_admit(request: HttpRequest, payload: CentreMemberIn, centre_id: int = CentreId) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    centre, _standing = access.get_centre_for_user(user, centre_id, need="manage")
    resident = Resident.objects.filter(pk=payload.resident, station_id=centre.station_id).first()
    if resident is None:
        raise ValidationError({"resident": [_("本站没有这位居民。")]})
    membership = members.member_admit(
        centre=centre,
        resident=resident,
        fee_tier=payload.fee_tier,
        care_level=payload.care_level,
        needs=payload.needs,
        actor=user,
    )
    return Status(201, member_out(membership))


@router.post(
    "/centres/{centre_id}/attendance",
    response={201: CentreAttendanceOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Check a member in or out; a non-member or a second `in` without an `out` is 409",
)
def attendance_record(
    request: HttpRequest, payload: CentreAttendanceIn, centre_id: int = CentreId
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    centre, _standing = access.get_centre_for_user(user, centre_id, need="attend")
    resident = _resident_of(centre, payload.resident)
    record = (
        attendance.attendance_check_in if payload.kind == "in" else attendance.attendance_check_out
    )
    stay = record(
        centre=centre, resident=resident, actor=user, method=AttendanceMethod.API, at=payload.at
    )
    return Status(201, stay_out(stay))


@router.get(
    "/centres/{centre_id}/attendance",
    response={200: list[CentreAttendanceOut], 403: ErrorOut, 404: ErrorOut},
    summary="Who came on a day (default today), in order of arrival",
)
@paginate(BoundedPagination)
def attendance_list(
    request: HttpRequest, filters: Query[AttendanceQuery], centre_id: int = CentreId
) -> list[dict[str, Any]]:
    centre, _standing = access.get_centre_for_user(request.auth, centre_id, need="attend")  # type: ignore[attr-defined]
    day = filters.date or timezone.localdate()
    return [stay_out(stay) for stay in queries.attendance_on(centre, day)]


@router.get(
    "/centres/{centre_id}/figures",
    response={200: FiguresOut, 404: ErrorOut},
    summary="Person-times of a year by month, and of every year since opening (counts only)",
)
def centre_figures(
    request: HttpRequest, centre_id: int = CentreId, year: Year | None = None
) -> dict[str, Any]:
    centre, _standing = access.get_centre_for_user(request.auth, centre_id)  # type: ignore[attr-defined]
    year = year if year is not None and 1990 <= year <= 2100 else timezone.localdate().year
    by_month = queries.monthly_person_times(centre, year)
    return {
        "centre": centre.pk,
        "year": year,
        "person_times": sum(count for _month, count in by_month),
        "by_month": [{"period": f"{year}-{month:02d}", "person_times": n} for month, n in by_month],
        "by_year": [
            {"period": str(y), "person_times": n} for y, n in queries.yearly_person_times(centre)
        ],
        "members": queries.member_counts(Centre.objects.filter(pk=centre.pk)).get(centre.pk, 0),
    }
