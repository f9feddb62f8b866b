from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from linli.audit.context import current_origin
from linli.audit.models import AuditLog
from linli.core.appendonly import purge_allowed


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    station: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Append one audit row. `actor` is the acting user, or None for the system itself.

    Called inside the caller's transaction, so a rolled-back write leaves no audit row behind.
    """
    origin = current_origin.get()
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        actor=user,
        actor_label=str(getattr(user, "phone", "")) if user else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        station=station,
        before=before,
        after=after,
        ip=origin.ip if origin else None,
        user_agent=origin.user_agent if origin else "",
    )


@transaction.atomic
def audit_prune(*, now: Any = None, retention_days: int) -> int:
    """Delete audit rows older than the retention period; the prune itself is audited.

    Invariant: no row younger than `retention_days` is ever removed.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days)
    with transaction.atomic(), purge_allowed():
        deleted, _ = AuditLog.objects.filter(at__lt=cutoff).delete()
    audit_record(
        actor=None,
        action="audit.prune",
        after={"deleted": deleted, "cutoff": cutoff.isoformat(), "retention_days": retention_days},
    )
    return deleted
