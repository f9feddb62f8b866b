"""The ledger and the audit log are append-only in the database, and each station's ledger is a
hash chain that `linli verify_ledger` checks (issue: tamper-proof records)."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from linli.audit.actions import audit_prune, audit_record
from linli.audit.models import AuditLog
from linli.core.appendonly import install_triggers
from linli.ledger import chain
from linli.ledger.actions import Credit, ledger_credit, ledger_credit_many, ledger_reverse
from linli.ledger.models import LedgerEntry
from linli.volunteers.models import Volunteer


def credit(volunteer: Any, hours: str, key: str) -> LedgerEntry:
    entry, _created = ledger_credit(
        volunteer=volunteer,
        account="hours",
        amount=Decimal(hours),
        kind="adjustment",
        served_on=timezone.localdate(),
        description="补录",
        source_key=key,
        actor=None,
    )
    return entry


def refused(sql: str, *params: Any) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def entries(corps: Any, world: Any) -> list[LedgerEntry]:
    first = credit(corps.volunteer, "3", "t:1")
    second = credit(corps.leader, "1.5", "t:2")
    reversal = ledger_reverse(
        entry=second,
        reason="重复登记",
        approver=world.user("station_staff"),
        actor=world.user("station_staff"),
    )
    elsewhere = credit(corps.outsider, "4", "t:3")
    ledger_credit_many(
        credits=[
            Credit(
                corps.volunteer.pk,
                "hours",
                Decimal("2"),
                "adjustment",
                first.served_on,
                "历史",
                f"t:h{n}",
            )
            for n in range(3)
        ],
        actor=None,
    )
    return [first, second, reversal, elsewhere]


def test_the_database_refuses_to_change_or_delete_ledger_entries(entries: Any) -> None:
    entry = entries[0]
    refused("UPDATE ledger_ledgerentry SET amount = 99 WHERE id = %s", entry.pk)
    refused("DELETE FROM ledger_ledgerentry WHERE id = %s", entry.pk)
    entry.refresh_from_db()
    assert entry.amount == Decimal("3")


def test_the_database_refuses_to_change_or_delete_audit_rows(world: Any) -> None:
    audit_record(actor=None, action="test.row")
    row = AuditLog.objects.latest("pk")
    refused("UPDATE audit_auditlog SET action = 'forged' WHERE id = %s", row.pk)
    refused("DELETE FROM audit_auditlog WHERE id = %s", row.pk)
    assert AuditLog.objects.filter(pk=row.pk, action="test.row").exists()


def test_the_retention_prune_still_removes_old_audit_rows(world: Any) -> None:
    audit_record(actor=None, action="test.row")
    later = timezone.now() + timedelta(days=40)
    deleted = audit_prune(now=later, retention_days=30)
    assert deleted >= 1
    assert not AuditLog.objects.filter(action="test.row").exists()


def test_every_way_of_posting_is_chained_per_station(entries: Any, corps: Any) -> None:
    rows = list(LedgerEntry.objects.order_by("pk"))
    assert all(len(row.chain_hash) == 64 for row in rows)
    assert {row.chain_station_id for row in rows} == {
        corps.volunteer.station_id,
        corps.outsider.station_id,
    }
    assert list(chain.verify(chain.ledger_rows(LedgerEntry.objects.all()))) == []
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    assert f"{len(rows)} 条记录" in out.getvalue()


def tamper(sql: str, *params: Any) -> None:
    """What someone with the database's own powers can still do: bypass the triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # no triggers fire
        else:
            cursor.execute("DROP TRIGGER ledger_ledgerentry_no_update")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
    install_triggers()


def test_verify_ledger_names_the_first_broken_link(entries: Any, world: Any) -> None:
    first, second = entries[0], entries[1]
    tamper("UPDATE ledger_ledgerentry SET amount = 30 WHERE id = %s", second.pk)
    out = StringIO()
    with pytest.raises(CommandError, match="1 个站点"):
        call_command("verify_ledger", stdout=out)
    report = out.getvalue()
    assert f"编号 {second.pk}" in report
    # Its place in the station's chain (the points its hours earned are chained there too).
    position = LedgerEntry.objects.filter(
        chain_station_id=second.chain_station_id, pk__lte=second.pk
    ).count()
    assert "JIAOJIA" in report and f"第 {position} 条" in report
    assert f"编号 {first.pk}" not in report
    # The other station's chain is untouched.
    out = StringIO()
    call_command("verify_ledger", "--station", "HUANGCHI", stdout=out)
    assert "完好" in out.getvalue()


def test_a_new_entry_after_the_chain_continues_it(entries: Any, corps: Any) -> None:
    last = LedgerEntry.objects.filter(chain_station_id=corps.volunteer.station_id).latest("pk")
    entry = credit(corps.volunteer, "1", "t:later")
    fields = {name: getattr(entry, name) for name in chain.SEALED_FIELDS}
    entry.refresh_from_db()
    assert entry.chain_hash == chain.entry_hash(fields, last.chain_hash)


def test_a_batch_in_bulk_reads_back_as_the_same_credits_one_by_one(corps: Any, world: Any) -> None:
    """`ledger_credit_many` writes plain rows (no model instances): the entries read back as
    `ledger_credit` writes them, chained after the entries before them, ids in chain order."""
    served = timezone.localdate() - timedelta(days=3)
    at = timezone.now() - timedelta(days=2)
    credits = [
        Credit(corps.volunteer.pk, "hours", Decimal("2.5"), "adjustment", served, "历史甲", "b:1", at),
        Credit(corps.outsider.pk, "hours", Decimal("1"), "adjustment", served, "历史乙", "b:2", at),
        Credit(None, "tb_pool", Decimal("3"), "donation", served, "捐入", "b:3", at,
               station_id=world.jiaojia.pk),
        Credit(corps.leader.pk, "hours", Decimal("0.75"), "adjustment", served, "历史丙", "b:4"),
    ]  # fmt: skip
    credit(corps.volunteer, "1", "before")
    assert ledger_credit_many(credits=credits, actor=world.user("station_staff")) == 4
    for index, one in enumerate(credits):
        ledger_credit(
            volunteer=Volunteer.objects.filter(pk=one.volunteer_id or 0).first(),
            station=world.jiaojia if one.volunteer_id is None else None,
            account=one.account,
            amount=one.amount,
            kind=one.kind,
            served_on=one.served_on,
            description=one.description,
            source_key=f"o:{index + 1}",
            actor=world.user("station_staff"),
            created_at=one.created_at,
        )
    fields = [name for name in chain.SEALED_FIELDS if name not in {"source_key", "created_at"}]
    fields += ["chain_station_id"]
    bulk = LedgerEntry.objects.filter(source_key__startswith="b:").order_by("pk")
    single = LedgerEntry.objects.filter(source_key__startswith="o:").order_by("pk")
    assert list(bulk.values_list(*fields)) == list(single.values_list(*fields))
    assert list(bulk.values_list("created_at", flat=True))[:3] == [at] * 3
    assert bulk.values_list("source_key", flat=True)[0] == "b:1"
    before = LedgerEntry.objects.get(source_key="before")
    assert bulk.first().pk > before.pk  # type: ignore[union-attr]
    assert list(chain.verify(chain.ledger_rows(LedgerEntry.objects.all()))) == []
    # A second run of the same batch posts nothing.
    assert ledger_credit_many(credits=credits, actor=None) == 0
