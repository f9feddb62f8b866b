"""One append-only ledger (SPEC §3): hours now, points and time-bank credits later.

Balances are sums of entries, never stored apart from them. A correction is a new entry that
reverses another, with a reason and an approver; an entry is never updated or deleted: the ORM
refuses it here, the database's triggers refuse it for any client (migration
0008_ledger_audit_append_only), and each station's entries form a hash chain that
`linli verify_ledger` checks.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.rows import insert_rows, reserve_ids
from linli.ledger import chain


class Account(models.TextChoices):
    HOURS = "hours", _("服务时长")
    POINTS = "points", _("积分")
    TIMEBANK = "timebank", _("时间银行")
    # A station's own accounts (no volunteer): the time bank's 公益池 and the clearing account
    # that pairs what one station's volunteers spend at another (通存通兑).
    TIMEBANK_POOL = "tb_pool", _("时间银行公益池")
    CLEARING = "clearing", _("站点间清算")


class EntryKind(models.TextChoices):
    ACTIVITY = "activity", _("活动服务")
    REQUEST = "request", _("群众点单服务")
    CARE = "care", _("照料中心服务")
    REVERSAL = "reversal", _("冲正")
    ADJUSTMENT = "adjustment", _("补录")
    DELIVERY = "delivery", _("助餐送餐")
    TUTORING = "tutoring", _("午间微学堂值班")
    # Points (积分)
    EARN = "earn", _("服务积分")
    REWARD = "reward", _("奖励积分")
    PENALTY = "penalty", _("爽约扣分")
    STAFF_ADJUST = "staff_adjust", _("人工调整")
    REDEEM = "redeem", _("兑换")
    REFUND = "refund", _("兑换退回")
    # Time bank (时间银行)
    DEPOSIT = "deposit", _("存入")
    WITHDRAWAL = "withdrawal", _("取出")
    TRANSFER_OUT = "transfer_out", _("转赠")
    TRANSFER_IN = "transfer_in", _("受赠")
    DONATION = "donation", _("捐入公益池")
    INTERSTATION = "interstation", _("通存通兑")


@dataclass(slots=True)
class EntryRow:
    """A new entry as plain values, for `LedgerEntry.objects.insert_sealed` (a history of many
    thousand entries, where building a model instance for each costs more than the insert)."""

    volunteer_id: int | None
    station_id: int | None
    account: str
    kind: str
    amount: Decimal
    served_on: date
    activity_id: int | None
    description: str
    source_key: str
    created_by_id: int | None
    created_at: datetime
    reverses_id: int | None = None
    reason: str = ""
    approved_by_id: int | None = None
    # Set by the sealing and the insert.
    chain_station_id: int | None = None
    chain_hash: str = ""
    id: int | None = None


ENTRY_ROW_COLUMNS = tuple(field.name for field in fields(EntryRow))
_entry_row_values = attrgetter(*ENTRY_ROW_COLUMNS)


class AppendOnlyQuerySet(models.QuerySet["LedgerEntry"]):
    """Bulk changes are refused like single ones: the ledger only grows."""

    def update(self, **kwargs: object) -> int:
        raise PermissionError("ledger entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("ledger entries are never deleted")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[LedgerEntry]:
        """Sealed into their stations' hash chains (linli/ledger/chain.py) as they go in."""
        entries = list(objs)
        with transaction.atomic(using=self.db):
            chain.seal(entries)
            return super().bulk_create(entries, *args, **kwargs)

    def insert_sealed(self, rows: list[EntryRow]) -> None:
        """Like `bulk_create`, sealed into the stations' chains as they go in, but written as plain
        rows (`linli.core.rows.insert_rows`); each row is given its id. The ids are drawn after
        the sealing has locked the stations, so they follow the chain's order."""
        with transaction.atomic(using=self.db):
            chain.seal(rows)
            for row, pk in zip(rows, sorted(reserve_ids(LedgerEntry, len(rows))), strict=True):
                row.id = pk
            insert_rows(LedgerEntry, ENTRY_ROW_COLUMNS, [_entry_row_values(row) for row in rows])


class LedgerEntry(models.Model):
    # A volunteer's account, or (volunteer empty) one of a station's own accounts.
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    station = models.ForeignKey(
        "org.Station",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        help_text="The station whose own account this is (pool, clearing); empty for a volunteer's.",
    )
    account = models.CharField(max_length=10, choices=Account.choices, db_index=True)
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    served_on = models.DateField(_("服务日期"))
    activity = models.ForeignKey(
        "activities.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
    )
    description = models.CharField(_("服务内容"), max_length=200)
    # Idempotency: one credit per source (e.g. activity 12 for volunteer 34), ever.
    source_key = models.CharField(max_length=80, unique=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The station's hash chain (linli/ledger/chain.py): set once, when the entry is created.
    chain_station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    chain_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["volunteer", "account"], name="ledger_volunteer_account"),
            # A station's last entry, read each time one is sealed into its chain.
            models.Index(fields=["chain_station", "-id"], name="ledger_chain_last"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | ~Q(reason=""), name="reversal_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False) | Q(station__isnull=False),
                name="entry_has_holder",
            ),
        ]
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.account} {self.amount}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("ledger entries are append-only")
        # Always an INSERT: a new instance given an existing pk would otherwise UPDATE that row.
        kwargs["force_insert"] = True
        with transaction.atomic():
            chain.seal([self])
            super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("ledger entries are never deleted")


class Balance(models.Model):
    """The cached balance of one account that may never go below zero (points, time bank, a
    pool), written in the same transaction as each entry under this row's lock
    (`ledger.actions.ledger_post`); it always equals the sum of the account's entries
    (`ledger.queries.balances_reconcile`). The database refuses a negative amount outright.
    """

    key = models.CharField(max_length=40, unique=True)  # "<account>:v<volunteer>" or ":s<station>"
    account = models.CharField(max_length=10, choices=Account.choices)
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_balances",
    )
    station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="balance_never_negative"),
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False) | Q(station__isnull=False),
                name="balance_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.amount}"

    @staticmethod
    def key_for(
        account: str, *, volunteer_id: int | None = None, station_id: int | None = None
    ) -> str:
        return f"{account}:v{volunteer_id}" if volunteer_id else f"{account}:s{station_id}"


class CorrectionRequest(models.Model):
    """A volunteer asks for a correction of their record; staff answer with a reversal or a no."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        ACCEPTED = "accepted", _("已更正")
        DECLINED = "declined", _("未更正")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="correction_requests"
    )
    entry = models.ForeignKey(
        LedgerEntry, on_delete=models.PROTECT, related_name="correction_requests"
    )
    message = models.CharField(_("更正说明"), max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    answer = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.volunteer} {self.get_status_display()}"


class Certificate(models.Model):
    """志愿服务证明 (SPEC §3): a numbered, verifiable statement of hours over a period."""

    number = models.CharField(_("证明编号"), max_length=64, unique=True)
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="certificates"
    )
    station = models.ForeignKey(
        "org.Station", on_delete=models.PROTECT, related_name="certificates"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    total_hours = models.DecimalField(max_digits=8, decimal_places=2)
    entry_count = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number
