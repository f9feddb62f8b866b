"""What every day-care action shares: the acting user as stored, the gate check, the move."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.daycare import access
from linli.daycare.models import MEMBER_TRANSITIONS, Centre, Membership


def stored_user(actor: Any) -> Any:
    """The actor as a foreign key takes it: a signed-in user, else None (the system, the demo)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def authorize(actor: Any, centre: Centre, need: str) -> None:
    """Raise PermissionDenied unless the actor's standing to the centre allows `need`
    (`access.NEEDS`); `actor` None is the system itself."""
    if actor is None:
        return
    if not access.NEEDS[need](access.standing_of(actor, centre)):
        raise PermissionDenied(need)


def check_move(membership: Membership, to: str) -> None:
    """The one check of a membership's moves against MEMBER_TRANSITIONS (409 otherwise)."""
    if to not in MEMBER_TRANSITIONS[membership.status]:
        raise DomainError(
            "invalid_transition",
            _("当前状态“%(status)s”下不能进行此操作。")
            % {"status": membership.get_status_display()},
            status=409,
        )


def lock_membership(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("centre__station", "resident")
        .get(pk=membership.pk)
    )
