"""One append-only ledger (SPEC §3): hours now, points and time-bank credits later.

Balances are sums of entries, never stored apart from them. A correction is a new entry that
reverses another, with a reason and an approver; an entry is never updated or deleted: the ORM
refuses it here, the database's triggers refuse it for any client (migration
0006_ledger_audit_append_only), and each station's entries form a hash chain that
`linli verify_ledger` checks.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.ledger import chain


class Account(models.TextChoices):
    HOURS = "hours", _("服务时长")
    POINTS = "points", _("积分")
    TIMEBANK = "timebank", _("时间银行")


class EntryKind(models.TextChoices):
    ACTIVITY = "activity", _("活动服务")
    REQUEST = "request", _("群众点单服务")
    CARE = "care", _("照料中心服务")
    REVERSAL = "reversal", _("冲正")
    ADJUSTMENT = "adjustment", _("补录")
    DELIVERY = "delivery", _("助餐送餐")


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


class LedgerEntry(models.Model):
    volunteer = models.ForeignKey(
        "volunteers.Volunteer", on_delete=models.PROTECT, related_name="ledger_entries"
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
            )
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
