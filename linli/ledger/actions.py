"""The only writes to the ledger: credit once per source, reverse with a reason and an approver.

Every entry is created here (`ledger_credit`, `ledger_credit_many`, `ledger_reverse`); accounts
that may never go below zero (points, time bank, pools) go through `ledger_post`, which keeps
their cached `Balance` in the same transaction under that row's lock. An hours credit earns its
points and tells a volunteer who crosses a star threshold, in the same transaction
(`linli.incentives.hooks`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.ledger.models import (
    Account,
    Balance,
    CorrectionRequest,
    EntryKind,
    EntryRow,
    LedgerEntry,
)
from linli.reports import monthly
from linli.stats.rollups import mark_volunteers_stale
from linli.volunteers.models import Volunteer

# While a history recorded afterwards is written (the demo), hours credited earn their points and
# star levels afterwards in bulk (`linli.incentives.demo`), not one entry at a time.
_history: ContextVar[bool] = ContextVar("ledger_history", default=False)


@contextmanager
def ledger_history() -> Iterator[None]:
    """Write a recorded history: hours credits skip the per-entry hooks (points, star notices),
    which the history's own step settles in bulk from the entries."""
    token = _history.set(True)
    try:
        yield
    finally:
        _history.reset(token)


# Accounts whose balance is kept in `Balance` and may never go below zero.
BALANCE_ACCOUNTS = frozenset({Account.POINTS, Account.TIMEBANK, Account.TIMEBANK_POOL})


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def ledger_credit(
    *,
    volunteer: Volunteer | None,
    account: str,
    amount: Decimal,
    kind: str,
    served_on: date,
    description: str,
    source_key: str,
    actor: Any,
    activity: Any = None,
    station: Any = None,
    created_at: datetime | None = None,
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
                station=station,
                account=account,
                kind=kind,
                amount=amount,
                served_on=served_on,
                activity=activity,
                description=description[:200],
                source_key=source_key,
                created_by=_user(actor),
                created_at=created_at or timezone.now(),
            )
    except IntegrityError:
        # A concurrent call posted it first: that entry is the one.
        return LedgerEntry.objects.get(source_key=source_key), False
    if account == Account.HOURS and volunteer is not None and not _history.get():
        from linli.incentives.hooks import after_hours_posted

        after_hours_posted(entry=entry, actor=actor)
    return entry, True


@dataclass(frozen=True)
class Credit:
    """One credit of `ledger_credit_many`: the arguments `ledger_credit` takes for one entry."""

    volunteer_id: int | None
    account: str
    amount: Decimal
    kind: str
    served_on: date
    description: str
    source_key: str
    created_at: datetime | None = None
    station_id: int | None = None
    activity_id: int | None = None


@transaction.atomic
def ledger_credit_many(*, credits: list[Credit], actor: Any) -> int:
    """Post many entries at once (a history recorded afterwards); returns how many were posted.

    The same invariant as `ledger_credit`: a source already credited is skipped, so running it
    twice credits once; the source keys are read in one query and the rest written in bulk.
    """
    return len(ledger_credit_bulk(credits=credits, actor=actor))


@transaction.atomic
def ledger_credit_bulk(*, credits: list[Credit], actor: Any) -> list[EntryRow]:
    """`ledger_credit_many`, returning the entries it posted (plain rows with their ids), in the
    order of `credits` (a source already credited is left out)."""
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
    user = _user(actor)
    created_by_id = user.pk if user is not None else None
    entries = [
        EntryRow(
            volunteer_id=credit.volunteer_id,
            station_id=credit.station_id,
            account=credit.account,
            kind=credit.kind,
            amount=credit.amount,
            served_on=credit.served_on,
            activity_id=credit.activity_id,
            description=credit.description[:200],
            source_key=credit.source_key,
            created_by_id=created_by_id,
            created_at=credit.created_at or now,
        )
        for credit in credits
        if credit.source_key not in posted
    ]
    LedgerEntry.objects.insert_sealed(entries)
    # A bulk insert sends no post_save: the stations' summary rollups and kept monthly figures
    # are marked here (sealed entries carry their station).
    mark_volunteers_stale(entry.volunteer_id for entry in entries if entry.volunteer_id is not None)
    monthly.mark_stale((entry.chain_station_id, entry.served_on) for entry in entries)
    return entries


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
    kept = locked.account in BALANCE_ACCOUNTS
    balance = (
        lock_balance(
            account=locked.account,
            volunteer_id=locked.volunteer_id,
            station_id=None if locked.volunteer_id else locked.station_id,
        )
        if kept
        else None
    )
    if balance is not None and balance.amount - locked.amount < 0:
        raise DomainError("insufficient_balance", _("余额不足，不能冲正。"), status=409)
    reversal = LedgerEntry.objects.create(
        volunteer_id=locked.volunteer_id,
        station_id=locked.station_id,
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
    if balance is not None:
        balance.amount -= locked.amount
        balance.updated_at = timezone.now()
        balance.save(update_fields=["amount", "updated_at"])
    if locked.account == Account.HOURS and locked.volunteer_id is not None and not _history.get():
        from linli.incentives.hooks import after_hours_reversed

        after_hours_reversed(reversal=reversal, actor=actor)
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
    if entry.volunteer_id is None or entry.account != Account.HOURS:
        # Points and time-bank entries follow from service records and the shop; staff adjust
        # points with a reason instead.
        raise DomainError("not_correctable", _("只有服务时长记录可以申请更正。"), status=409)
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


# --- accounts with a kept balance (points, time bank, pools) --------------------------------------


def lock_balance(
    *, account: str, volunteer_id: int | None = None, station_id: int | None = None
) -> Balance:
    """The account's balance row, created at zero if new, locked until the transaction ends: every
    post to the account waits here for the one before it."""
    key = Balance.key_for(account, volunteer_id=volunteer_id, station_id=station_id)
    Balance.objects.get_or_create(
        key=key,
        defaults={"account": account, "volunteer_id": volunteer_id, "station_id": station_id},
    )
    return Balance.objects.select_for_update().get(key=key)


@transaction.atomic
def ledger_post(
    *,
    account: str,
    amount: Decimal,
    kind: str,
    served_on: date,
    description: str,
    source_key: str,
    actor: Any,
    volunteer: Volunteer | None = None,
    station: Any = None,
    cap: Decimal | None = None,
    created_at: datetime | None = None,
) -> LedgerEntry:
    """Post a credit (amount > 0) or a debit (amount < 0) to a balance-kept account.

    Invariant: under the balance row's lock the balance never goes below zero (a debit larger
    than the balance is refused with 409 `insufficient_balance`, and the database's check refuses
    it again), never rises above `cap` through a credit (409 `over_cap`), and always equals the sum
    of the account's entries. A source already posted returns its entry and changes nothing.
    """
    volunteer_id = volunteer.pk if volunteer is not None else None
    station_id = None if volunteer is not None else getattr(station, "pk", station)
    balance = lock_balance(account=account, volunteer_id=volunteer_id, station_id=station_id)
    existing = LedgerEntry.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    after = balance.amount + amount
    if after < 0:
        raise DomainError("insufficient_balance", _("余额不足。"), status=409)
    if cap is not None and amount > 0 and after > cap:
        raise DomainError(
            "over_cap", _("超过账户上限 %(cap)s。") % {"cap": cap.normalize()}, status=409
        )
    entry, _created = ledger_credit(
        volunteer=volunteer,
        station=station if volunteer is None else None,
        account=account,
        amount=amount,
        kind=kind,
        served_on=served_on,
        description=description,
        source_key=source_key,
        actor=actor,
        created_at=created_at,
    )
    balance.amount = after
    balance.updated_at = timezone.now()
    balance.save(update_fields=["amount", "updated_at"])
    return entry


@transaction.atomic
def ledger_post_many(*, credits: list[Credit], actor: Any) -> int:
    """Post a batch to balance-kept accounts (a history recorded afterwards), then set each
    touched balance to the sum of its entries under its lock. Refuses (and rolls back) a batch that
    would leave any of them below zero."""
    posted = ledger_credit_many(credits=credits, actor=actor)
    holders = {
        Balance.key_for(
            credit.account, volunteer_id=credit.volunteer_id, station_id=credit.station_id
        ): (
            credit.account,
            credit.volunteer_id,
            None if credit.volunteer_id else credit.station_id,
        )
        for credit in credits
    }
    keys = sorted(holders)
    Balance.objects.bulk_create(
        [
            Balance(key=key, account=account, volunteer_id=volunteer_id, station_id=station_id)
            for key, (account, volunteer_id, station_id) in holders.items()
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    # Every touched balance locked, in key order, before it is set.
    balances: dict[str, Balance] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        balances.update(
            (balance.key, balance)
            for balance in Balance.objects.select_for_update().filter(key__in=chunk).order_by("key")
        )
    # Each account's sum of entries: the volunteers' in grouped queries, a station's own alone.
    totals: dict[str, Decimal] = {}
    by_account: dict[str, list[int]] = {}
    for account, volunteer_id, station_id in holders.values():
        if volunteer_id:
            by_account.setdefault(account, []).append(volunteer_id)
        else:
            entries = LedgerEntry.objects.filter(
                account=account, volunteer__isnull=True, station_id=station_id or 0
            )
            totals[Balance.key_for(account, station_id=station_id)] = entries.aggregate(
                total=Sum("amount")
            )["total"] or Decimal("0")
    for account, volunteer_ids in by_account.items():
        for start in range(0, len(volunteer_ids), 500):
            for volunteer_id, total in (
                LedgerEntry.objects.filter(
                    account=account, volunteer_id__in=volunteer_ids[start : start + 500]
                )
                .order_by()
                .values("volunteer_id")
                .annotate(total=Sum("amount"))
                .values_list("volunteer_id", "total")
            ):
                totals[Balance.key_for(account, volunteer_id=volunteer_id)] = total
    now = timezone.now()
    for key in keys:
        total = totals.get(key, Decimal("0"))
        if total < 0:
            raise DomainError("insufficient_balance", _("余额不足。"), status=409)
        balances[key].amount = total
        balances[key].updated_at = now
    Balance.objects.bulk_update(
        [balances[key] for key in keys], ["amount", "updated_at"], batch_size=500
    )
    return posted
