"""The interest classes: `GET|POST /study-room/classes`, `GET /study-room/classes/{id}`,
`POST /study-room/classes/{id}/enrolments`, `DELETE /study-room/classes/{id}/enrolments/{pupil}`,
`POST /study-room/classes/{id}/attendance`.

As on the pages: the station's staff and the tutor on duty see the classes and keep a session's
register; only the staff create classes and enrol pupils (a full class is 409 `class_full`).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination
from linli.core.schemas import PathId
from linli.studyroom import access
from linli.studyroom.actions import classes
from linli.studyroom.models import ClassEnrolment, InterestClass, PupilStatus
from linli.studyroom.schemas import (
    ClassDetailOut,
    ClassEnrolIn,
    ClassIn,
    ClassOut,
    ClassPupilOut,
    ClassRegisterIn,
    ClassRegisterOut,
    RoomQuery,
)
from linli.volunteers.models import Volunteer

router = Router(tags=["study room"])


def _with_counts(rows: QuerySet[InterestClass]) -> QuerySet[InterestClass]:
    return rows.select_related("tutor__person").annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__left_on__isnull=True))
    )


def class_out(row: InterestClass) -> dict[str, Any]:
    return {
        "id": row.pk,
        "room": row.room_id,
        "kind": row.kind,
        "name": row.name,
        "weekday": row.weekday,
        "starts": row.starts.strftime("%H:%M"),
        "ends": row.ends.strftime("%H:%M"),
        "capacity": row.capacity,
        "enrolled": row.enrolled,  # type: ignore[attr-defined]
        "tutor": row.tutor_id,
        "tutor_name": row.tutor.person.name if row.tutor else "",
    }


def _day_room_ids(user: Any) -> list[int]:
    return [
        room.pk for room in access.rooms_for_user(user) if access.standing_of(user, room).keeps_day
    ]


@router.get(
    "/classes",
    response={200: list[ClassOut], 404: ErrorOut},
    summary="The interest classes of the rooms whose day the caller keeps",
)
@paginate(BoundedPagination)
def class_list(request: HttpRequest, filters: Query[RoomQuery]) -> list[dict[str, Any]]:
    rooms = _day_room_ids(request.auth)  # type: ignore[attr-defined]
    if filters.room is not None:
        if filters.room not in rooms:
            raise Http404("room")
        rooms = [filters.room]
    rows = InterestClass.objects.filter(room_id__in=rooms, active=True)
    return [class_out(row) for row in _with_counts(rows).order_by("room_id", "weekday", "starts")]


@router.post(
    "/classes",
    response={201: ClassOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="A new interest class (the station's staff)",
)
def class_create(request: HttpRequest, payload: ClassIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    room, _standing = access.get_room_for_user(user, payload.room, need="manage")
    tutor = None
    if payload.tutor is not None:
        tutor = Volunteer.objects.filter(pk=payload.tutor, station_id=room.station_id).first()
        if tutor is None:
            raise ValidationError(
                {"tutor": [_("老师须是本站在册、服务类别含“支教助学”的志愿者。")]}
            )
    created = classes.class_create(
        room=room,
        data=classes.ClassInput(
            payload.kind, payload.name, payload.weekday, payload.starts, payload.ends,
            payload.capacity, tutor,
        ),
        actor=user,
    )  # fmt: skip
    return Status(201, class_out(_with_counts(InterestClass.objects.filter(pk=created.pk)).get()))


def _class(user: Any, class_id: int, need: str = "day") -> InterestClass:
    """The class, if the user keeps its room's day (404 otherwise); `manage` for its staff."""
    found = (
        _with_counts(InterestClass.objects.filter(pk=class_id, room_id__in=_day_room_ids(user)))
        .select_related("room__station")
        .first()
    )
    if found is None:
        raise Http404("class")
    access.get_room_for_user(user, found.room_id, need=need)
    return found


def _pupils(row: InterestClass) -> list[dict[str, Any]]:
    enrolments = (
        ClassEnrolment.objects.filter(
            interest_class=row, left_on__isnull=True, pupil__status=PupilStatus.ACTIVE
        )
        .select_related("pupil__resident")
        .order_by("pupil__resident__name_pinyin", "pk")
    )
    return [
        {"pupil": e.pupil_id, "name": e.pupil.resident.name if e.pupil.resident else "",
         "enrolled_on": e.enrolled_on}
        for e in enrolments
    ]  # fmt: skip


@router.get(
    "/classes/{class_id}",
    response={200: ClassDetailOut, 404: ErrorOut},
    summary="One class with its enrolled pupils",
)
def class_detail(request: HttpRequest, class_id: PathId) -> dict[str, Any]:
    row = _class(request.auth, class_id)  # type: ignore[attr-defined]
    return {**class_out(row), "pupils": _pupils(row)}


@router.post(
    "/classes/{class_id}/enrolments",
    response={201: ClassPupilOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Enrol a pupil of the room in the class (staff; a full class is 409 `class_full`)",
)
def class_enrol(request: HttpRequest, class_id: PathId, payload: ClassEnrolIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    row = _class(user, class_id, need="manage")
    pupil = access.get_pupil(row.room, payload.pupil)
    enrolment = classes.class_enrol(interest_class=row, pupil=pupil, actor=user)
    name = pupil.resident.name if pupil.resident else ""
    return Status(201, {"pupil": pupil.pk, "name": name, "enrolled_on": enrolment.enrolled_on})


@router.delete(
    "/classes/{class_id}/enrolments/{pupil_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="The pupil leaves the class (staff)",
)
def class_leave(request: HttpRequest, class_id: PathId, pupil_id: PathId) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    row = _class(user, class_id, need="manage")
    enrolment = (
        ClassEnrolment.objects.select_related("interest_class__room__station")
        .filter(interest_class=row, pupil_id=pupil_id, left_on__isnull=True)
        .first()
    )
    if enrolment is None:
        raise Http404("enrolment")
    classes.class_leave(enrolment=enrolment, actor=user)
    return Status(204, None)


@router.post(
    "/classes/{class_id}/attendance",
    response={200: ClassRegisterOut, 404: ErrorOut, 422: ErrorOut},
    summary="The register of one session: the enrolled pupils who came (staff and the tutor on "
    "duty); a second register of the same day replaces the first",
)
def class_register(request: HttpRequest, class_id: PathId, payload: ClassRegisterIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    row = _class(user, class_id)
    came = classes.class_attendance_record(
        interest_class=row, day=payload.day, present=payload.present, actor=user
    )
    enrolled = row.attendance.filter(day=payload.day).count()
    return {"day": payload.day, "present": came, "enrolled": enrolled}
