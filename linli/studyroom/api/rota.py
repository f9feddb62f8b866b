"""The tutors' rota: `GET|POST /study-room/shifts`, `POST /study-room/shifts/{id}/confirm`,
`DELETE /study-room/shifts/{id}`.

The station's staff keep the rota of their room; a volunteer reads their own shifts (when they
are on duty). Confirming a served shift puts its hours into the ledger once.
"""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination
from linli.core.schemas import PathId
from linli.studyroom import access
from linli.studyroom.actions import rota
from linli.studyroom.models import Shift
from linli.studyroom.schemas import ShiftIn, ShiftOut, ShiftQuery
from linli.volunteers.models import Volunteer

router = Router(tags=["study room"])
# The longest span one list answers, so a query stays bounded whatever the dates.
MAX_SPAN = timedelta(days=366)


def shift_out(shift: Shift) -> dict[str, Any]:
    return {
        "id": shift.pk,
        "room": shift.room_id,
        "volunteer": shift.volunteer_id,
        "name": shift.volunteer.person.name,
        "day": shift.day,
        "starts_at": shift.starts_at,
        "ends_at": shift.ends_at,
        "hours": rota.shift_hours(shift),
        "confirmed": shift.ledger_entry_id is not None,
    }


def _managed_room_ids(user: Any) -> list[int]:
    return [
        room.pk for room in access.rooms_for_user(user) if access.standing_of(user, room).manages
    ]


@router.get(
    "/shifts",
    response={200: list[ShiftOut], 404: ErrorOut, 422: ErrorOut},
    summary="The rota: staff their room's shifts, a volunteer their own (default: from today "
    "for four weeks)",
)
@paginate(BoundedPagination)
def shift_list(request: HttpRequest, filters: Query[ShiftQuery]) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    start = filters.date_from or timezone.localdate()
    end = filters.date_to or start + timedelta(days=27)
    if end < start or end - start > MAX_SPAN:
        raise ValidationError({"to": [_("日期范围须在一年之内，且结束不早于开始。")]})
    managed = _managed_room_ids(user)
    condition = Q(room_id__in=managed) | Q(volunteer__user=user)
    if filters.room is not None:
        if (
            filters.room not in managed
            and not Shift.objects.filter(room_id=filters.room, volunteer__user=user).exists()
        ):
            raise Http404("room")
        condition &= Q(room_id=filters.room)
    shifts = (
        Shift.objects.filter(condition, day__gte=start, day__lte=end)
        .select_related("volunteer__person")
        .order_by("day", "starts_at", "pk")
    )
    return [shift_out(shift) for shift in shifts]


@router.post(
    "/shifts",
    response={201: ShiftOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Put a tutor on the rota for a day (the station's staff)",
)
def shift_create(request: HttpRequest, payload: ShiftIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    room, _standing = access.get_room_for_user(user, payload.room, need="manage")
    volunteer = Volunteer.objects.filter(pk=payload.volunteer, station_id=room.station_id).first()
    if volunteer is None:
        raise ValidationError(
            {"volunteer": [_("值班老师须是本站在册、服务类别含“支教助学”的志愿者。")]}
        )
    shift = rota.shift_add(
        room=room, volunteer=volunteer, day=payload.day, actor=user,
        starts=payload.starts, ends=payload.ends,
    )  # fmt: skip
    return Status(201, shift_out(shift))


def _managed_shift(user: Any, shift_id: int) -> Shift:
    shift = (
        Shift.objects.select_related("room__station", "volunteer__person")
        .filter(pk=shift_id, room_id__in=_managed_room_ids(user))
        .first()
    )
    if shift is None:
        raise Http404("shift")
    return shift


@router.post(
    "/shifts/{shift_id}/confirm",
    response={200: ShiftOut, 404: ErrorOut, 409: ErrorOut},
    summary="The tutor served: the shift's hours go to the ledger once (409 before it ends)",
)
def shift_confirm(request: HttpRequest, shift_id: PathId) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    shift = rota.shift_confirm(shift=_managed_shift(user, shift_id), actor=user)
    return shift_out(shift)


@router.delete(
    "/shifts/{shift_id}",
    response={204: None, 404: ErrorOut, 409: ErrorOut},
    summary="Take a shift off the rota (a confirmed one stays: 409 `shift_confirmed`)",
)
def shift_delete(request: HttpRequest, shift_id: PathId) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    rota.shift_remove(shift=_managed_shift(user, shift_id), actor=user)
    return Status(204, None)
