"""The station's subsidy policy: who pays (funders) and how much per meal for whom (tiers).

A tier is never edited: its rule and amount stay as they were for the orders that carry it. A new
amount is a new tier from a date; `replaces` ends the tier it succeeds the day before, so the old
one keeps applying to meals before that date and the new one after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.canteen.actions.base import clean_date, clean_money, clean_text, stored_user
from linli.canteen.models import TIER_TAGS, Funder, SubsidyTier
from linli.core.errors import DomainError
from linli.org.models import Station

MAX_AGE = 150
MAX_SUBSIDY = Decimal("100.00")


@transaction.atomic
def funder_save(
    *, station: Station, name: str, note: str = "", actor: Any, funder: Funder | None = None
) -> Funder:
    """A funder of the station, new or renamed (its past settlements keep the name they had)."""
    name = clean_text(name, field="name", max_length=100, required=True)
    note = clean_text(note, field="note", max_length=200)
    if funder is not None and funder.station_id != station.pk:
        raise ValidationError({"funder": [_("出资方不属于本站。")]})
    clash = Funder.objects.filter(station=station, name=name)
    if funder is not None:
        clash = clash.exclude(pk=funder.pk)
    if clash.exists():
        raise ValidationError({"name": [_("本站已有同名的出资方。")]})
    if funder is None:
        try:
            with transaction.atomic():
                funder = Funder.objects.create(station=station, name=name, note=note)
        except IntegrityError:
            raise ValidationError({"name": [_("本站已有同名的出资方。")]}) from None
        audit_record(actor=actor, action="canteen.funder_created", target=funder, station=station)
        return funder
    before = {"name": funder.name, "note": funder.note}
    funder.name, funder.note = name, note
    funder.save(update_fields=["name", "note"])
    audit_record(
        actor=actor,
        action="canteen.funder_changed",
        target=funder,
        station=station,
        before=before,
        after={"name": name, "note": note},
    )
    return funder


@dataclass(frozen=True)
class TierInput:
    name: str
    funder_id: int
    amount: Decimal
    effective_from: date
    min_age: int | None = None
    max_age: int | None = None
    tag: str = ""
    effective_until: date | None = None


def _checked(station: Station, data: TierInput) -> tuple[str, Funder, Decimal]:
    name = clean_text(data.name, field="name", max_length=50, required=True)
    funder = Funder.objects.filter(pk=data.funder_id, station=station).first()
    if funder is None:
        raise ValidationError({"funder": [_("请选择本站的出资方。")]})
    amount = clean_money(data.amount, field="amount", minimum=Decimal("0.01"), maximum=MAX_SUBSIDY)
    errors: dict[str, list[str]] = {}
    for label, age in (("min_age", data.min_age), ("max_age", data.max_age)):
        if age is not None and not 0 <= age <= MAX_AGE:
            errors[label] = [_("年龄应在 0 到 150 岁之间。")]
    if data.min_age is None and data.max_age is not None:
        errors["min_age"] = [_("有最高年龄时请填写最低年龄。")]
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        errors["max_age"] = [_("最高年龄不能小于最低年龄。")]
    if data.tag and data.tag not in dict(TIER_TAGS):
        errors["tag"] = [_("登记标签无效。")]
    if data.min_age is None and not data.tag:
        errors["min_age"] = [_("请按年龄段或登记标签（或两者）确定补贴对象。")]
    clean_date(data.effective_from, field="effective_from")
    if data.effective_until is not None:
        clean_date(data.effective_until, field="effective_until")
        if data.effective_until < data.effective_from:
            errors["effective_until"] = [_("截止日期不能早于起始日期。")]
    if errors:
        raise ValidationError(errors)
    return name, funder, amount


@transaction.atomic
def tier_create(
    *,
    station: Station,
    data: TierInput,
    actor: Any,
    replaces: SubsidyTier | None = None,
) -> SubsidyTier:
    """A new tier from `data.effective_from`. With `replaces`, that tier (of the same station)
    ends the day before; orders already placed keep the tier they carry."""
    name, funder, amount = _checked(station, data)
    old = None
    if replaces is not None:
        old = (
            SubsidyTier.objects.select_for_update().filter(pk=replaces.pk, station=station).first()
        )
        if old is None:
            raise ValidationError({"replaces": [_("要替换的档次不属于本站。")]})
        last_day = data.effective_from - timedelta(days=1)
        if last_day < old.effective_from:
            raise ValidationError({"effective_from": [_("新档次须晚于被替换档次的起始日期开始。")]})
        if old.effective_until is not None and old.effective_until < last_day:
            raise DomainError("tier_ended", _("被替换的档次已经截止了。"), status=409)
    tier = SubsidyTier.objects.create(
        station=station,
        funder=funder,
        name=name,
        min_age=data.min_age,
        max_age=data.max_age,
        tag=data.tag,
        amount=amount,
        effective_from=data.effective_from,
        effective_until=data.effective_until,
        created_by=stored_user(actor),
    )
    audit_record(
        actor=actor,
        action="canteen.tier_created",
        target=tier,
        station=station,
        after={
            "funder": funder.name,
            "amount": str(amount),
            "min_age": data.min_age,
            "max_age": data.max_age,
            "tag": data.tag,
            "from": data.effective_from.isoformat(),
            "replaces": old.pk if old else None,
        },
    )
    if old is not None:
        _end(old, data.effective_from - timedelta(days=1), actor=actor)
    return tier


def _end(tier: SubsidyTier, last_day: date, *, actor: Any) -> None:
    before = tier.effective_until
    tier.effective_until = last_day
    tier.save(update_fields=["effective_until"])
    audit_record(
        actor=actor,
        action="canteen.tier_ended",
        target=tier,
        station=tier.station,
        before={"until": before.isoformat() if before else None},
        after={"until": last_day.isoformat()},
    )


@transaction.atomic
def tier_end(*, tier: SubsidyTier, last_day: date, actor: Any) -> SubsidyTier:
    """The tier applies to meals up to `last_day` and no later (an earlier end only; orders
    already placed for later meals keep it, as every order keeps its tier)."""
    locked = SubsidyTier.objects.select_for_update().select_related("station").get(pk=tier.pk)
    clean_date(last_day, field="last_day")
    if last_day < locked.effective_from:
        raise ValidationError({"last_day": [_("截止日期不能早于起始日期。")]})
    if locked.effective_until is not None and locked.effective_until <= last_day:
        raise DomainError("tier_ended", _("这个档次已在该日期或更早截止。"), status=409)
    _end(locked, last_day, actor=actor)
    return locked
