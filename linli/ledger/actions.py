"""The only writes to the ledger: credit once per source, reverse with a reason and an approver."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.ledger.models import CorrectionRequest, EntryKind, LedgerEntry
from linli.stats.rollups import mark_volunteers_stale
from linli.volunteers.models import Volunteer


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def ledger_credit(
    *,
    volunteer: Volunteer,
    account: str,
    amount: Decimal,
    kind: str,
    served_on: date,
    description: str,
    source_key: str,
    actor: Any,
    activity: Any = None,
) -> tuple[LedgerEntry, bool]:
    """Post one entry for `source_key`, or return the one already posted: (entry, created).

    Invariant: a source is credited at most once, however often this is called (verifying an
    activity twice credits once).
    """
    existing = LedgerEntry.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                volunteer=volunteer,
                account=account,
                kind=kind,
                amount=amount,
                served_on=served_on,
                activity=activity,
                description=description[:200],
                source_key=source_key,
                created_by=_user(actor),
            )
    except IntegrityError:
        # A concurrent call posted it first: that entry is the one.
        return LedgerEntry.objects.get(source_key=source_key), False
    return entry, True


@dataclass(frozen=True)
class Credit:
    """One credit of `ledger_credit_many`: the arguments `ledger_credit` takes for one entry."""

    volunteer_id: int
    account: str
    amount: Decimal
    kind: str
    served_on: date
    description: str
    source_key: str
    created_at: datetime | None = None


@transaction.atomic
def ledger_credit_many(*, credits: list[Credit], actor: Any) -> int:
    """Post many entries at once (a history recorded afterwards); returns how many were posted.

    The same invariant as `ledger_credit`: a source already credited is skipped, so running it
    twice credits once; the source keys are read in one query and the rest written in bulk.
    """
    keys = [credit.source_key for credit in credits]
    if len(set(keys)) != len(keys):
        raise ValidationError({"source_key": ["duplicate source keys in one batch"]})
    posted: set[str] = set()
    for start in range(0, len(keys), 500):
        posted.update(
            LedgerEntry.objects.filter(source_key__in=keys[start : start + 500]).values_list(
                "source_key", flat=True
            )
        )
    now = timezone.now()
    entries = [
        LedgerEntry(
            volunteer_id=credit.volunteer_id,
            account=credit.account,
            kind=credit.kind,
            amount=credit.amount,
            served_on=credit.served_on,
            description=credit.description[:200],
            source_key=credit.source_key,
            created_by=_user(actor),
            created_at=credit.created_at or now,
        )
        for credit in credits
        if credit.source_key not in posted
    ]
    LedgerEntry.objects.bulk_create(entries, batch_size=500)
    # A bulk insert sends no post_save: the stations' summary rollups are marked here.
    mark_volunteers_stale(entry.volunteer_id for entry in entries)
    return len(entries)


@transaction.atomic
def ledger_reverse(*, entry: LedgerEntry, reason: str, approver: Any, actor: Any) -> LedgerEntry:
    """A correction: a new entry of the opposite amount that points at `entry`.

    Invariant: an entry is reversed at most once, a reversal is never reversed, and the original
    stays as it was; the reason and the approving staff member are recorded.
    """
    if not reason.strip():
        raise ValidationError({"reason": [_("冲正必须填写原因。")]})
    if _user(approver) is None:
        raise ValidationError({"approver": [_("冲正须由工作人员审批。")]})
    locked = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.reverses_id is not None:
        raise DomainError("reversal_of_reversal", _("冲正记录不能再次冲正。"), status=409)
    if LedgerEntry.objects.filter(reverses=locked).exists():
        raise DomainError("already_reversed", _("该记录已经冲正过。"), status=409)
    reversal = LedgerEntry.objects.create(
        volunteer_id=locked.volunteer_id,
        account=locked.account,
        kind=EntryKind.REVERSAL,
        amount=-locked.amount,
        served_on=locked.served_on,
        activity_id=locked.activity_id,
        description=locked.description,
        source_key=f"reversal:{locked.pk}",
        reverses=locked,
        reason=reason.strip(),
        approved_by=approver,
        created_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="ledger.reverse",
        target=reversal,
        after={"reverses": locked.pk, "amount": str(reversal.amount), "reason": reason.strip()},
    )
    return reversal


@transaction.atomic
def correction_request_create(*, entry: LedgerEntry, message: str, actor: Any) -> CorrectionRequest:
    """The volunteer asks for a correction of one of their own entries."""
    if not message.strip():
        raise ValidationError({"message": [_("请说明哪里有误。")]})
    if entry.reverses_id is not None or LedgerEntry.objects.filter(reverses=entry).exists():
        raise DomainError("not_correctable", _("该记录已冲正，不能再申请更正。"), status=409)
    if CorrectionRequest.objects.filter(
        entry=entry, status=CorrectionRequest.Status.PENDING
    ).exists():
        raise DomainError(
            "already_requested", _("已经为这条记录申请过更正，请等待处理。"), status=409
        )
    request = CorrectionRequest.objects.create(
        volunteer_id=entry.volunteer_id, entry=entry, message=message.strip()
    )
    audit_record(
        actor=actor, action="ledger.correction_request", target=request, after={"entry": entry.pk}
    )
    return request


@transaction.atomic
def correction_request_decide(
    *,
    request: CorrectionRequest,
    accept: bool,
    answer: str,
    actor: Any,
    corrected_hours: Decimal | None = None,
) -> CorrectionRequest:
    """Staff answer a request: accepting reverses the entry (and, with `corrected_hours`, posts the
    right amount as a new entry); declining keeps it, with the answer."""
    locked = (
        CorrectionRequest.objects.select_for_update().select_related("entry").get(pk=request.pk)
    )
    if locked.status != CorrectionRequest.Status.PENDING:
        raise DomainError("already_decided", _("该更正申请已经处理。"), status=409)
    if not answer.strip():
        raise ValidationError({"answer": [_("请填写处理意见。")]})
    if accept:
        ledger_reverse(entry=locked.entry, reason=answer, approver=actor, actor=actor)
        if corrected_hours is not None and corrected_hours > 0:
            original = locked.entry
            ledger_credit(
                volunteer=original.volunteer,
                account=original.account,
                amount=corrected_hours,
                kind=EntryKind.ADJUSTMENT,
                served_on=original.served_on,
                description=original.description,
                source_key=f"correction:{locked.pk}",
                activity=original.activity,
                actor=actor,
            )
    locked.status = (
        CorrectionRequest.Status.ACCEPTED if accept else CorrectionRequest.Status.DECLINED
    )
    locked.answer = answer.strip()
    locked.decided_by = _user(actor)
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "answer", "decided_by", "decided_at"])
    audit_record(
        actor=actor, action="ledger.correction_decide", target=locked, after={"accepted": accept}
    )
    return locked
