"""The append-only ledger: credits once per source, reversals with a reason and an approver,
correction requests, and a stateful property test that balances always reconcile.

The ledger has no write endpoint of its own: these tests call its actions, the one code path the
activity verification, the pages and the hours API all go through.
"""

from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
    run_state_machine_as_test,
)

from linli.accounts.models import Role
from linli.core.errors import DomainError
from linli.ledger.actions import (
    correction_request_create,
    correction_request_decide,
    ledger_credit,
    ledger_reverse,
)
from linli.ledger.models import Account, CorrectionRequest, EntryKind, LedgerEntry
from linli.ledger.queries import balance, star_level

D = Decimal
SOURCES = count()


def credit(volunteer: Any, amount: str | Decimal, *, key: str | None = None) -> LedgerEntry:
    entry, _created = ledger_credit(
        volunteer=volunteer,
        account=Account.HOURS,
        amount=D(amount),
        kind=EntryKind.ACTIVITY,
        served_on=date(2026, 10, 12),
        description="金桥花园环境整治（金桥花园）",
        source_key=key or f"test:{next(SOURCES)}",
        actor=None,
    )
    return entry


@pytest.fixture
def staff(world) -> Any:
    return world.user(Role.STATION_STAFF)


# --- append-only ------------------------------------------------------------------------------------


def test_an_entry_is_never_saved_again(corps):
    entry = credit(corps.volunteer, "3")
    entry.amount = D("30")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.save(update_fields=["amount"])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == D("3.00")


def test_a_new_instance_with_an_existing_pk_cannot_overwrite_an_entry(corps):
    entry = credit(corps.volunteer, "3")
    forged = LedgerEntry(
        pk=entry.pk,
        volunteer=corps.volunteer,
        account=Account.HOURS,
        kind=EntryKind.ACTIVITY,
        amount=D("30"),
        served_on=entry.served_on,
        description=entry.description,
        source_key="forged",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == D("3.00")


def test_an_entry_is_never_deleted(corps):
    entry = credit(corps.volunteer, "3")
    with pytest.raises(PermissionError):
        entry.delete()
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_bulk_updates_and_deletes_are_refused_too(corps):
    entry = credit(corps.volunteer, "3")
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=D("30"))
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()


def test_a_source_is_credited_once(corps):
    first = credit(corps.volunteer, "3", key="activity:1:volunteer:1")
    again, created = ledger_credit(
        volunteer=corps.volunteer,
        account=Account.HOURS,
        amount=D("5"),
        kind=EntryKind.ACTIVITY,
        served_on=date(2026, 10, 12),
        description="again",
        source_key="activity:1:volunteer:1",
        actor=None,
    )
    assert (again.pk, created) == (first.pk, False)
    assert balance(corps.volunteer) == D("3.00")


def test_balances_are_per_account_and_per_volunteer(corps):
    credit(corps.volunteer, "3")
    credit(corps.leader, "2")
    ledger_credit(
        volunteer=corps.volunteer,
        account=Account.POINTS,
        amount=D("30"),
        kind=EntryKind.ACTIVITY,
        served_on=date(2026, 10, 12),
        description="积分",
        source_key="points:1",
        actor=None,
    )
    assert balance(corps.volunteer) == D("3.00")
    # Beside the 30 posted here, the points the station's rules give for the 3 hours.
    earned = sum(
        LedgerEntry.objects.filter(volunteer=corps.volunteer, account=Account.POINTS)
        .exclude(source_key="points:1")
        .values_list("amount", flat=True),
        start=D("0"),
    )
    assert balance(corps.volunteer, Account.POINTS) == D("30.00") + earned
    assert balance(corps.leader) == D("2.00")
    assert balance(corps.applicant) == D("0.00")


# --- reversals --------------------------------------------------------------------------------------


def test_a_reversal_is_a_new_opposite_entry_with_reason_and_approver(corps, staff):
    entry = credit(corps.volunteer, "3")
    reversal = ledger_reverse(entry=entry, reason="重复登记", approver=staff, actor=staff)
    assert (reversal.amount, reversal.kind, reversal.reverses_id) == (
        D("-3.00"),
        "reversal",
        entry.pk,
    )
    assert (reversal.reason, reversal.approved_by, reversal.created_by) == (
        "重复登记",
        staff,
        staff,
    )
    assert (reversal.served_on, reversal.description) == (entry.served_on, entry.description)
    assert LedgerEntry.objects.get(pk=entry.pk).amount == D("3.00")  # the original stands
    assert balance(corps.volunteer) == D("0.00")


@pytest.mark.parametrize(
    ("reason", "approver", "field"),
    [("", "staff", "reason"), ("   ", "staff", "reason"), ("重复登记", None, "approver")],
)
def test_a_reversal_needs_a_reason_and_an_approver(corps, staff, reason, approver, field):
    entry = credit(corps.volunteer, "3")
    with pytest.raises(ValidationError) as refused:
        ledger_reverse(
            entry=entry, reason=reason, approver=staff if approver else None, actor=staff
        )
    assert field in refused.value.message_dict
    assert LedgerEntry.objects.filter(account="hours").count() == 1


def test_a_reversal_is_never_reversed(corps, staff):
    reversal = ledger_reverse(
        entry=credit(corps.volunteer, "3"), reason="重复登记", approver=staff, actor=staff
    )
    with pytest.raises(DomainError) as refused:
        ledger_reverse(entry=reversal, reason="撤销冲正", approver=staff, actor=staff)
    assert refused.value.code == "reversal_of_reversal"
    assert balance(corps.volunteer) == D("0.00")


def test_an_entry_is_reversed_once(corps, staff):
    entry = credit(corps.volunteer, "3")
    ledger_reverse(entry=entry, reason="重复登记", approver=staff, actor=staff)
    with pytest.raises(DomainError) as refused:
        ledger_reverse(entry=entry, reason="再次冲正", approver=staff, actor=staff)
    assert refused.value.code == "already_reversed"
    assert LedgerEntry.objects.filter(account="hours").count() == 2


# --- correction requests ----------------------------------------------------------------------------


def test_an_accepted_correction_reverses_and_posts_the_right_hours(corps, staff):
    entry = credit(corps.volunteer, "3")
    request = correction_request_create(
        entry=entry, message="我 11 点就离开了，应为 2.5 小时", actor=corps.volunteer.user
    )
    decided = correction_request_decide(
        request=request, accept=True, answer="核实无误", actor=staff, corrected_hours=D("2.5")
    )
    assert (decided.status, decided.answer, decided.decided_by) == ("accepted", "核实无误", staff)
    amounts = list(
        LedgerEntry.objects.filter(volunteer=corps.volunteer, account="hours").values_list(
            "kind", "amount"
        )
    )
    assert amounts == [
        ("activity", D("3.00")),
        ("reversal", D("-3.00")),
        ("adjustment", D("2.50")),
    ]
    assert balance(corps.volunteer) == D("2.50")


def test_an_accepted_correction_without_hours_only_reverses(corps, staff):
    entry = credit(corps.volunteer, "3")
    request = correction_request_create(entry=entry, message="我没有参加", actor=None)
    correction_request_decide(request=request, accept=True, answer="确为误记", actor=staff)
    assert balance(corps.volunteer) == D("0.00")


def test_a_declined_correction_keeps_the_entry(corps, staff):
    entry = credit(corps.volunteer, "3")
    request = correction_request_create(entry=entry, message="应为 4 小时", actor=None)
    decided = correction_request_decide(
        request=request, accept=False, answer="签到记录为 3 小时", actor=staff
    )
    assert (decided.status, decided.answer) == ("declined", "签到记录为 3 小时")
    assert LedgerEntry.objects.filter(account="hours").count() == 1
    assert balance(corps.volunteer) == D("3.00")


def test_a_correction_is_decided_once_and_asked_once_at_a_time(corps, staff):
    entry = credit(corps.volunteer, "3")
    request = correction_request_create(entry=entry, message="应为 2 小时", actor=None)
    with pytest.raises(DomainError) as pending:
        correction_request_create(entry=entry, message="再问一次", actor=None)
    assert pending.value.code == "already_requested"
    with pytest.raises(ValidationError):
        correction_request_decide(request=request, accept=False, answer=" ", actor=staff)
    correction_request_decide(request=request, accept=False, answer="维持原记录", actor=staff)
    with pytest.raises(DomainError) as decided:
        correction_request_decide(request=request, accept=True, answer="改判", actor=staff)
    assert decided.value.code == "already_decided"
    assert CorrectionRequest.objects.get().status == "declined"


def test_accepting_a_correction_of_a_reversed_entry_changes_nothing(corps, staff):
    entry = credit(corps.volunteer, "3")
    request = correction_request_create(entry=entry, message="应为 2 小时", actor=None)
    ledger_reverse(entry=entry, reason="重复登记", approver=staff, actor=staff)
    with pytest.raises(DomainError):
        correction_request_decide(
            request=request, accept=True, answer="更正", actor=staff, corrected_hours=D("2")
        )
    assert CorrectionRequest.objects.get().status == "pending"
    assert balance(corps.volunteer) == D("0.00")


# --- a stateful property: balances reconcile, whatever happens --------------------------------------

AMOUNTS = st.decimals(min_value=D("0.5"), max_value=D("600"), places=1).map(
    lambda value: (value * 2).to_integral_value() / 2  # whole and half hours
)


def expected_stars(hours: Decimal, thresholds: list[int]) -> int:
    return len([threshold for threshold in thresholds if hours >= threshold])


def test_balances_reconcile_after_any_credits_reversals_and_corrections(corps, staff, settings):
    volunteer = corps.volunteer
    thresholds = list(settings.STAR_THRESHOLDS)

    class Ledger(RuleBasedStateMachine):
        """The model: a list of amounts and which entries may still be reversed."""

        open_entries = Bundle("open_entries")
        reversals = Bundle("reversals")

        def __init__(self) -> None:
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.amounts: list[Decimal] = []
            self.reversed: set[int] = set()

        @rule(target=open_entries, amount=AMOUNTS)
        def credit(self, amount: Decimal) -> LedgerEntry:
            entry = credit(volunteer, amount)
            self.amounts.append(amount)
            return entry

        @rule(target=reversals, entry=consumes(open_entries))
        def reverse(self, entry: LedgerEntry) -> LedgerEntry:
            reversal = ledger_reverse(entry=entry, reason="冲正", approver=staff, actor=staff)
            self.amounts.append(-entry.amount)
            self.reversed.add(entry.pk)
            return reversal

        @rule(target=open_entries, entry=consumes(open_entries), hours=AMOUNTS)
        def correct(self, entry: LedgerEntry, hours: Decimal) -> LedgerEntry:
            request = correction_request_create(entry=entry, message="时长有误", actor=None)
            correction_request_decide(
                request=request, accept=True, answer="更正", actor=staff, corrected_hours=hours
            )
            self.amounts += [-entry.amount, hours]
            self.reversed.add(entry.pk)
            return LedgerEntry.objects.get(source_key=f"correction:{request.pk}")

        @rule(entry=open_entries)
        def decline(self, entry: LedgerEntry) -> None:
            if CorrectionRequest.objects.filter(entry=entry, status="pending").exists():
                return
            request = correction_request_create(entry=entry, message="时长有误", actor=None)
            correction_request_decide(request=request, accept=False, answer="维持", actor=staff)

        @rule(entry=reversals)
        def reverse_a_reversal(self, entry: LedgerEntry) -> None:
            with pytest.raises(DomainError):
                ledger_reverse(entry=entry, reason="再冲正", approver=staff, actor=staff)

        @rule(entry=reversals)
        def reverse_twice(self, entry: LedgerEntry) -> None:
            assert entry.reverses_id in self.reversed
            with pytest.raises(DomainError):
                ledger_reverse(
                    entry=LedgerEntry.objects.get(pk=entry.reverses_id),
                    reason="再冲正",
                    approver=staff,
                    actor=staff,
                )

        @invariant()
        def reconciles(self) -> None:
            total = sum(self.amounts, D("0"))
            assert balance(volunteer) == total
            assert star_level(balance(volunteer)) == expected_stars(total, thresholds)
            assert LedgerEntry.objects.filter(volunteer=volunteer, account="hours").count() == len(
                self.amounts
            )

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    run_state_machine_as_test(
        Ledger,
        settings=hypothesis_settings(max_examples=25, stateful_step_count=15, deadline=None),
    )
    assert not LedgerEntry.objects.exists()  # every example rolled back
