"""The rooms and their settings: `GET /study-room/rooms`, `GET|PATCH /study-room/rooms/{id}`.

Staff and supervisors of the station (and the tutor on duty) read a room; only its station's
staff change its times and retention period (anyone else who may read it gets 403).
"""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination
from linli.core.schemas import PathId
from linli.studyroom import access
from linli.studyroom.actions.rooms import RoomInput, room_update
from linli.studyroom.models import PupilStatus, StudyRoom
from linli.studyroom.schemas import RoomOut, RoomPatch

router = Router(tags=["study room"])


def _with_counts(rooms: QuerySet[StudyRoom]) -> QuerySet[StudyRoom]:
    return rooms.select_related("station").annotate(
        pupil_count=Count("pupils", filter=Q(pupils__status=PupilStatus.ACTIVE))
    )


def room_out(room: StudyRoom) -> dict[str, Any]:
    return {
        "id": room.pk,
        "station": room.station.code,
        "name": room.name,
        "place": room.place,
        "opens_at": room.opens_at.strftime("%H:%M"),
        "closes_at": room.closes_at.strftime("%H:%M"),
        "still_in_alert_at": room.still_in_alert_at.strftime("%H:%M"),
        "retention_days": room.retention_days,
        "pupils": room.pupil_count,  # type: ignore[attr-defined]
    }


@router.get("/rooms", response=list[RoomOut], summary="The study rooms the caller may open")
@paginate(BoundedPagination)
def room_list(request: HttpRequest) -> list[dict[str, Any]]:
    rooms = access.rooms_for_user(request.auth)  # type: ignore[attr-defined]
    return [room_out(room) for room in _with_counts(rooms).order_by("station__path", "pk")]


@router.get("/rooms/{room_id}", response={200: RoomOut, 404: ErrorOut}, summary="One room")
def room_detail(request: HttpRequest, room_id: PathId) -> dict[str, Any]:
    room, _standing = access.get_room_for_user(request.auth, room_id)  # type: ignore[attr-defined]
    return room_out(_with_counts(StudyRoom.objects.filter(pk=room.pk)).get())


@router.patch(
    "/rooms/{room_id}",
    response={200: RoomOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change the room's name, place, times or retention period (its station's staff)",
)
def room_patch(request: HttpRequest, room_id: PathId, payload: RoomPatch) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    room, _standing = access.get_room_for_user(user, room_id, need="manage")
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    current = {
        name: getattr(room, name)
        for name in ("name", "place", "opens_at", "closes_at", "still_in_alert_at",
                     "retention_days")
    }  # fmt: skip
    room_update(room=room, data=RoomInput(**(current | changes)), actor=user)
    return room_out(_with_counts(StudyRoom.objects.filter(pk=room.pk)).get())
