"""What every study-room action shares: the acting user as stored and the gate check."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from linli.accounts.models import Role, User
from linli.studyroom import access
from linli.studyroom.models import StudyRoom


def stored_user(actor: Any) -> Any:
    """The actor as a foreign key takes it: a signed-in user, else None (the system, the demo)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def authorize(actor: Any, room: StudyRoom, need: str) -> None:
    """Raise PermissionDenied unless the actor's standing to the room allows `need`
    (`access.NEEDS`); `actor` None is the system itself."""
    if actor is None:
        return
    if not access.NEEDS[need](access.standing_of(actor, room)):
        raise PermissionDenied(need)


def station_staff(station_id: int) -> list[User]:
    """Who hears the room's alerts: the station's staff."""
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.STATION_STAFF,
            role_assignments__station_id=station_id,
        ).distinct()
    )
