"""What every request action shares: the row lock, the checked move with its timeline and audit
rows, and the acting user as stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from linli.assistance.models import REQUEST_TRANSITIONS, RequestEvent, ServiceRequest
from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.core.messages import Message, as_stored


def stored_user(actor: Any) -> Any:
    """The actor as a foreign key takes it: a signed-in user, else None (the system)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def lock_request(service_request: ServiceRequest) -> ServiceRequest:
    """The request re-read under a row lock (its own row only: PostgreSQL refuses to lock the
    nullable side of the joins), so two actions on one request run one after the other."""
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("station", "item", "dispatch_team")
        .get(pk=service_request.pk)
    )


def move(
    locked: ServiceRequest,
    to: str,
    *,
    actor: Any,
    at: datetime,
    note: Message | str = "",
    fields: list[str],
) -> None:
    """Check the move against the table, save `fields` and the status, write the timeline row."""
    if to not in REQUEST_TRANSITIONS[locked.status]:
        raise DomainError(
            "invalid_transition",
            _("当前状态“%(status)s”下不能进行此操作。") % {"status": locked.get_status_display()},
            status=409,
        )
    note, note_code, note_params = as_stored(note)
    before = locked.status
    locked.status = to
    locked.save(update_fields=["status", *fields])
    RequestEvent.objects.create(
        request=locked,
        actor=stored_user(actor),
        at=at,
        from_status=before,
        to_status=to,
        note=note[:500],
        note_code=note_code,
        note_params=note_params,
    )
    audit_record(
        actor=actor,
        action=f"service_request.{to}",
        target=locked,
        station=locked.station,
        before={"status": before},
        after={"status": to, **({"note": note[:200]} if note else {})},
    )


def note_fields(message: Message) -> dict[str, Any]:
    """A timeline row's note fields for a Message: the Chinese words, the code, the params."""
    note, code, params = as_stored(message)
    return {"note": note[:500], "note_code": code, "note_params": params}
