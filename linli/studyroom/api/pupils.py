"""The study-room API of SPEC §7.2, mounted at /api/v1/study-room: pupils and the day.

Reach follows linli.studyroom.access: a pupil's name and guardians are for the station's staff,
the tutor on duty and the pupil's own guardians; allergies and health notes for staff and the
tutor on duty only; everyone else gets 404. Every write calls linli.studyroom.actions, as the
pages do.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination
from linli.core.schemas import MAX_DB_ID
from linli.people.models import Resident
from linli.studyroom import access
from linli.studyroom.actions import day, pupils
from linli.studyroom.models import Guardian, PickupMethod, Pupil, PupilStatus, Stay, StudyRoom
from linli.studyroom.schemas import (
    PupilDetailOut,
    PupilIn,
    PupilOut,
    StudyAttendanceIn,
    StudyAttendanceOut,
    StudyAttendanceQuery,
)

router = Router(tags=["study room"])
PupilId = Path(..., ge=1, le=MAX_DB_ID)


_STANDING_GUARDIANS = Prefetch(
    "guardians",
    queryset=Guardian.objects.filter(removed_at__isnull=True).select_related("resident"),
    to_attr="standing_guardians",
)


def _standing_guardians(pupil: Pupil) -> list[Guardian]:
    prefetched = getattr(pupil, "standing_guardians", None)
    if prefetched is not None:
        return list(prefetched)
    return list(pupil.guardians.filter(removed_at__isnull=True).select_related("resident"))


def pupil_out(pupil: Pupil) -> dict[str, Any]:
    assert pupil.resident is not None  # noqa: S101 (anonymised pupils are never shown)
    return {
        "id": pupil.pk,
        "room": pupil.room_id,
        "resident": pupil.resident_id,
        "name": pupil.resident.name,
        "school": pupil.school,
        "grade": pupil.grade,
        "guardians": [
            {"resident": g.resident_id, "name": g.resident.name, "relation": g.relation}
            for g in _standing_guardians(pupil)
        ],
        "photo_consent": pupil.photo_consent,
        "status": pupil.status,
        "channel": pupil.channel,
        "enrolled_on": pupil.enrolled_on,
    }


def stay_out(stay: Stay) -> dict[str, Any]:
    resident = stay.pupil.resident
    return {
        "pupil": stay.pupil_id,
        "name": resident.name if resident else "",
        "day": stay.day,
        "in_at": stay.in_at,
        "out_at": stay.out_at,
        "picked_up_by": stay.picked_up_by_id,
        "picked_up_by_name": stay.picked_up_by.name if stay.picked_up_by else "",
    }


def _room_for_child(user: Any, child_id: int) -> tuple[StudyRoom, Resident]:
    """The child's station's room, if the user may enrol there at all (its staff, or a person
    of that station); else 404 — the child's existence is not revealed."""
    child = Resident.objects.filter(pk=child_id).select_related("station").first()
    room = StudyRoom.objects.filter(station_id=child.station_id).first() if child else None
    if child is None or room is None:
        raise Http404("resident")
    person = access.guardian_of(user)
    if not access.standing_of(user, room).manages and (
        person is None or person.station_id != room.station_id
    ):
        raise Http404("resident")
    return room, child


@router.post(
    "/pupils",
    response={201: PupilOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Enrol a pupil: a guardian online, or staff from a paper form; consent required",
)
def pupil_enrol(request: HttpRequest, payload: PupilIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    room, child = _room_for_child(user, payload.resident)
    guardians = list(Resident.objects.filter(pk__in=payload.guardians, station_id=room.station_id))
    if len(guardians) != len(set(payload.guardians)):
        raise ValidationError({"guardians": [_("接送人须是本站的居民。")]})
    pupil = pupils.pupil_enrol(
        room=room,
        data=pupils.PupilInput(
            child=child,
            guardians=guardians,
            school=payload.school,
            grade=payload.grade,
            consent=payload.consent,
            allergies=payload.allergies,
            health_notes=payload.health_notes,
            photo_consent=payload.photo_consent,
            relation=payload.relation,
        ),
        actor=user,
    )
    return Status(201, pupil_out(pupil))


def _visible_pupils(user: Any) -> QuerySet[Pupil]:
    """Active pupils of the rooms whose pupils the user sees, and the user's own children."""
    rooms = [
        room.pk
        for room in access.rooms_for_user(user)
        if access.standing_of(user, room).sees_pupils
    ]
    mine = access.guardian_pupils(user).values("pk")
    return Pupil.objects.filter(Q(room_id__in=rooms) | Q(pk__in=mine)).filter(
        status=PupilStatus.ACTIVE
    )


@router.get(
    "/pupils",
    response=list[PupilOut],
    summary="Pupils the caller may see: staff and the tutor on duty their room's; a guardian theirs",
)
@paginate(BoundedPagination)
def pupil_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    rows = (
        _visible_pupils(user)
        .select_related("resident")
        .prefetch_related(_STANDING_GUARDIANS)
        .order_by("room_id", "resident__name_pinyin", "pk")
    )
    return [pupil_out(pupil) for pupil in rows]


@router.get(
    "/pupils/{pupil_id}",
    response={200: PupilDetailOut, 404: ErrorOut},
    summary="One pupil; allergies and health notes only for staff and the tutor on duty",
)
def pupil_detail(request: HttpRequest, pupil_id: int = PupilId) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    pupil = (
        Pupil.objects.select_related("resident", "room__station")
        .exclude(status=PupilStatus.ANONYMISED)
        .filter(pk=pupil_id)
        .first()
    )
    if pupil is None or not access.may_read_pupil(user, pupil):
        raise Http404("pupil")
    health = (
        pupils.pupil_health_read(pupil=pupil, actor=user)
        if access.may_read_health(user, pupil)
        else None
    )
    return {**pupil_out(pupil), "health": health}


def _pupil_for_day(user: Any, pupil_id: int) -> Pupil:
    pupil = (
        Pupil.objects.select_related("resident", "room__station")
        .exclude(status=PupilStatus.ANONYMISED)
        .filter(pk=pupil_id)
        .first()
    )
    if pupil is None or not access.standing_of(user, pupil.room).keeps_day:
        raise Http404("pupil")
    return pupil


@router.post(
    "/attendance",
    response={201: StudyAttendanceOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Check a pupil in at noon or hand them to a guardian; an `out` picked up by "
    "someone not listed is 409 `not_a_guardian` (and the staff are alerted)",
)
def attendance_record(request: HttpRequest, payload: StudyAttendanceIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    pupil = _pupil_for_day(user, payload.pupil)
    room = pupil.room
    if payload.kind == "in":
        stay = day.stay_check_in(room=room, pupil=pupil, actor=user, at=payload.at)
    else:
        person = (
            Resident.objects.filter(pk=payload.picked_up_by).first()
            if payload.picked_up_by
            else None
        )
        stay = day.stay_pick_up(
            room=room, pupil=pupil, person=person, actor=user, method=PickupMethod.API,
            at=payload.at,
        )  # fmt: skip
    return Status(201, stay_out(stay))


@router.get(
    "/attendance",
    response={200: list[StudyAttendanceOut], 404: ErrorOut},
    summary="Who came on a day (default today) at the rooms whose day the caller keeps",
)
@paginate(BoundedPagination)
def attendance_list(
    request: HttpRequest, filters: Query[StudyAttendanceQuery]
) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    rooms = [
        room.pk for room in access.rooms_for_user(user) if access.standing_of(user, room).keeps_day
    ]
    if filters.room is not None:
        if filters.room not in rooms:
            raise Http404("room")
        rooms = [filters.room]
    on = filters.date or timezone.localdate()
    stays = (
        Stay.objects.filter(room_id__in=rooms, day=on)
        .select_related("pupil__resident", "picked_up_by")
        .order_by("room_id", "in_at", "pk")
    )
    return [stay_out(stay) for stay in stays]
