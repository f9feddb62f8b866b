"""Who may see and do what at a study room. Built on accounts.access, the one gate.

A pupil's data is a child's data. Station staff (and admin) of the room's station run the room:
enrolment, guardians, the rota, the classes, the day. The tutor on duty — a volunteer with a shift
on the rota today at this room — keeps the day: they see the pupils' names and guardians, their
allergies and health notes (a tutor must know a peanut allergy at noon), and record check-ins
and pick-ups. Supervisors read the room's counts, never a pupil. A guardian sees their own
children and enrols them. Everyone else, and anyone outside the station, gets 404.

Who a user is to a room is read once into a `Standing`; pages and the API ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from linli.accounts.access import has_role, is_admin, station_filter, visible_stations
from linli.accounts.models import Role
from linli.people.models import Resident
from linli.studyroom.models import Guardian, Pupil, PupilStatus, Shift, StudyRoom

RUN_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})
READ_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF})


def duty_room_ids(user: Any) -> set[int]:
    """Rooms where the user is the tutor on duty today: an active volunteer with a shift today.
    The duty ends with the day; a shift on another day gives nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return set(
        Shift.objects.filter(
            volunteer__user=user,
            volunteer__status="active",
            day=timezone.localdate(),
        ).values_list("room_id", flat=True)
    )


def guardian_of(user: Any) -> Resident | None:
    """The person record linked to the user's account, if any (a guardian acts as that person)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return Resident.objects.filter(user=user).select_related("station").first()


def rooms_for_user(user: Any) -> QuerySet[StudyRoom]:
    """Rooms the user may open: those of stations they run or read, and where they are on duty."""
    if not getattr(user, "is_authenticated", False):
        return StudyRoom.objects.none()
    if is_admin(user):
        return StudyRoom.objects.all()
    condition = station_filter(user, roles=READ_ROLES, prefix="station__")
    condition |= Q(pk__in=duty_room_ids(user))
    return StudyRoom.objects.filter(condition)


@dataclass(frozen=True)
class Standing:
    """Who a user is to one room."""

    runs: bool  # station staff or admin of the room's station
    reads: bool  # those, or a supervisor above the station: counts only
    on_duty: bool  # the tutor on duty today

    @property
    def keeps_day(self) -> bool:
        """Check-in, pick-up, class attendance: staff and the tutor on duty."""
        return self.runs or self.on_duty

    @property
    def sees_pupils(self) -> bool:
        """Pupils' names and guardians: staff and the tutor on duty."""
        return self.runs or self.on_duty

    @property
    def sees_health(self) -> bool:
        """Allergies and health notes: staff and the tutor on duty, nobody else."""
        return self.runs or self.on_duty

    @property
    def manages(self) -> bool:
        """Enrolment on paper, guardians, leaving, the rota, the classes."""
        return self.runs


def standing_of(user: Any, room: StudyRoom) -> Standing:
    runs = visible_stations(user, roles=RUN_ROLES).filter(pk=room.station_id).exists()
    reads = runs or visible_stations(user, roles=READ_ROLES).filter(pk=room.station_id).exists()
    return Standing(runs=runs, reads=reads, on_duty=room.pk in duty_room_ids(user))


NEEDS = {
    "read": lambda standing: standing.reads or standing.on_duty,
    "day": lambda standing: standing.keeps_day,
    "pupils": lambda standing: standing.sees_pupils,
    "health": lambda standing: standing.sees_health,
    "manage": lambda standing: standing.manages,
}


def get_room_for_user(user: Any, pk: Any, *, need: str = "read") -> tuple[StudyRoom, Standing]:
    """The room and the user's standing to it; 404 when the user may not open it, or may not
    learn who its pupils are (a supervisor asking for names); 403 for other needs."""
    room = rooms_for_user(user).select_related("station").filter(pk=pk).first()
    if room is None:
        raise Http404("room")
    standing = standing_of(user, room)
    if not NEEDS[need](standing):
        if need in ("pupils", "health", "day"):
            raise Http404("room")
        raise PermissionDenied(need)
    return room, standing


def get_pupil(room: StudyRoom, pk: Any) -> Pupil:
    """A named pupil of `room` (opened with the gate); anonymised rows and others are 404."""
    found = (
        Pupil.objects.select_related("resident", "room__station")
        .filter(room=room, pk=pk)
        .exclude(status=PupilStatus.ANONYMISED)
        .first()
    )
    if found is None:
        raise Http404("pupil")
    return found


def guardian_pupils(user: Any) -> QuerySet[Pupil]:
    """The pupils the user is a listed guardian of now (through their linked person record)."""
    person = guardian_of(user)
    if person is None:
        return Pupil.objects.none()
    return Pupil.objects.filter(
        guardians__resident=person, guardians__removed_at__isnull=True
    ).exclude(status=PupilStatus.ANONYMISED)


def may_read_pupil(user: Any, pupil: Pupil) -> bool:
    """Name and guardians of one pupil: staff of the station, the tutor on duty, a guardian."""
    standing = standing_of(user, pupil.room)
    return standing.sees_pupils or guardian_pupils(user).filter(pk=pupil.pk).exists()


def may_read_health(user: Any, pupil: Pupil) -> bool:
    """Allergies and health notes: staff of the station and the tutor on duty only."""
    return standing_of(user, pupil.room).sees_health


def may_enrol(user: Any, room: StudyRoom, guardians: list[Resident]) -> str:
    """How the user may enrol a pupil at `room`: `paper` for its staff, `online` for a guardian
    enrolling their own child (their person record is one of `guardians`); else PermissionDenied."""
    if standing_of(user, room).manages:
        return "paper"
    person = guardian_of(user)
    if (
        person is not None
        and person.station_id == room.station_id
        and any(guardian.pk == person.pk for guardian in guardians)
    ):
        return "online"
    raise PermissionDenied("enrol")


def can_open_study_room(user: Any) -> bool:
    """Whether the study room is worth a link for the user (the pages check again)."""
    return has_role(user, *READ_ROLES) or bool(duty_room_ids(user))


def active_guardian(pupil: Pupil, person: Resident) -> Guardian | None:
    """`person`'s listing as the pupil's guardian, if it stands now (not removed)."""
    return pupil.guardians.filter(resident=person, removed_at__isnull=True).first()
