"""Closing a month's settlement, and correcting a closed one in a later month.

Closing takes the month's figures from its rows (`settlement.figures_from_rows`) and keeps them
with the month: from then on nothing of that month changes (every order action refuses a
closed month, see `base.refuse_closed_month`). The orders still waiting in the month are locked
while the figures are read, so a serve in flight either lands before the close or is refused.
A mistake found later is a `SettlementAdjustment` booked into an open, later month.
"""

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
from linli.canteen.actions.base import (
    clean_money,
    clean_text,
    local_now,
    month_closed,
    stored_user,
)
from linli.canteen.models import (
    Funder,
    MealOrder,
    OrderStatus,
    SettlementAdjustment,
    SettlementLine,
    SettlementMonth,
    SubsidyTier,
)
from linli.canteen.settlement import figures_from_rows, month_ended, next_month
from linli.core.errors import DomainError
from linli.org.models import Station

MAX_ADJUSTMENT = Decimal("99999.99")
MAX_ADJUSTMENT_MEALS = 10000


def _month_label(month: date) -> str:
    return f"{month:%Y-%m}"


@transaction.atomic
def settlement_close(
    *, station: Station, month: date, actor: Any, at: datetime | None = None
) -> SettlementMonth:
    """关账: the month's figures, from its rows, kept as its settlement. Only a month that is
    over, and only once (409 `already_closed`)."""
    now = local_now(at)
    month = month.replace(day=1)
    # Closing and correcting a station's months take turns (a correction into the month being
    # closed must land in its figures or wait for the next month).
    Station.objects.select_for_update().filter(pk=station.pk).first()
    if not month_ended(month, timezone.localdate(now)):
        raise DomainError("month_not_over", _("这个月还没有结束，不能关账。"), status=409)
    if month_closed(station.pk, month):
        raise DomainError(
            "already_closed", _("%(month)s 已经关账。") % {"month": _month_label(month)}, status=409
        )
    # Wait for any serve, cancel or delivery of the month still in flight.
    list(
        MealOrder.objects.select_for_update(of=("self",))
        .filter(
            station=station,
            status=OrderStatus.ORDERED,
            date__gte=month,
            date__lt=next_month(month),
        )
        .values_list("pk", flat=True)
    )
    lines = figures_from_rows(station, month)
    try:
        with transaction.atomic():
            settlement = SettlementMonth.objects.create(
                station=station,
                month=month,
                meals=sum(line.meals for line in lines),
                price_total=sum((line.price for line in lines), Decimal("0.00")),
                subsidy_total=sum((line.subsidy for line in lines), Decimal("0.00")),
                payable_total=sum((line.payable for line in lines), Decimal("0.00")),
                closed_at=now,
                closed_by=stored_user(actor),
            )
    except IntegrityError:
        raise DomainError(
            "already_closed", _("%(month)s 已经关账。") % {"month": _month_label(month)}, status=409
        ) from None
    SettlementLine.objects.bulk_create(
        SettlementLine(
            settlement=settlement,
            funder_id=line.funder_id,
            tier_id=line.tier_id,
            funder_name=line.funder,
            tier_name=line.tier,
            meals=line.meals,
            price_total=line.price,
            subsidy_total=line.subsidy,
            payable_total=line.payable,
        )
        for line in lines
    )
    audit_record(
        actor=actor,
        action="canteen.settlement_closed",
        target=settlement,
        station=station,
        after={
            "month": _month_label(month),
            "meals": settlement.meals,
            "price": str(settlement.price_total),
            "subsidy": str(settlement.subsidy_total),
            "payable": str(settlement.payable_total),
        },
    )
    return settlement


@dataclass(frozen=True)
class AdjustmentInput:
    month: date
    corrects_month: date
    funder_id: int | None
    meals: int
    price: Decimal
    subsidy: Decimal
    payable: Decimal
    reason: str
    tier_id: int | None = None


@transaction.atomic
def settlement_adjust(
    *, station: Station, data: AdjustmentInput, actor: Any, at: datetime | None = None
) -> SettlementAdjustment:
    """更正: meals and amounts added to (or, negative, taken from) an open month, correcting a
    closed earlier one, with a reason. The closed month stays as it was."""
    now = local_now(at)
    month, corrects = data.month.replace(day=1), data.corrects_month.replace(day=1)
    Station.objects.select_for_update().filter(pk=station.pk).first()
    reason = clean_text(data.reason, field="reason", max_length=200, required=True)
    errors: dict[str, list[str]] = {}
    if not -MAX_ADJUSTMENT_MEALS <= data.meals <= MAX_ADJUSTMENT_MEALS:
        errors["meals"] = [_("餐数应在 -10000 到 10000 之间。")]
    amounts = {}
    for name in ("price", "subsidy", "payable"):
        try:
            amounts[name] = clean_money(
                getattr(data, name), field=name, minimum=-MAX_ADJUSTMENT, maximum=MAX_ADJUSTMENT
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    funder = None
    if data.funder_id is not None:
        funder = Funder.objects.filter(pk=data.funder_id, station=station).first()
        if funder is None:
            errors["funder"] = [_("请选择本站的出资方。")]
    tier = None
    if data.tier_id is not None:
        tier = SubsidyTier.objects.filter(pk=data.tier_id, station=station).first()
        if tier is None or (funder is not None and tier.funder_id != funder.pk):
            errors["tier"] = [_("补贴档次须属于所选的出资方。")]
        elif funder is None:
            funder = tier.funder
    if errors:
        raise ValidationError(errors)
    if "price" in amounts and amounts["price"] != amounts["subsidy"] + amounts["payable"]:
        raise ValidationError({"payable": [_("餐费应等于补贴加个人应付。")]})
    if data.meals == 0 and not any(amounts.values()):
        raise ValidationError({"meals": [_("更正的餐数和金额不能都为零。")]})
    if not month_closed(station.pk, corrects):
        raise DomainError(
            "month_open",
            _("%(month)s 还没有关账，直接修改当月的订单即可。") % {"month": _month_label(corrects)},
            status=409,
        )
    if month <= corrects:
        raise ValidationError({"month": [_("更正须计入被更正月份之后的月份。")]})
    if month_closed(station.pk, month):
        raise DomainError(
            "month_closed",
            _("%(month)s 已关账，请计入尚未关账的月份。") % {"month": _month_label(month)},
            status=409,
        )
    if month > timezone.localdate(now).replace(day=1):
        raise ValidationError({"month": [_("更正不能计入将来的月份。")]})
    adjustment = SettlementAdjustment.objects.create(
        station=station,
        month=month,
        corrects_month=corrects,
        funder=funder,
        tier=tier,
        meals=data.meals,
        price=amounts["price"],
        subsidy=amounts["subsidy"],
        payable=amounts["payable"],
        reason=reason,
        created_by=stored_user(actor),
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="canteen.settlement_adjusted",
        target=adjustment,
        station=station,
        after={
            "month": _month_label(month),
            "corrects": _month_label(corrects),
            "funder": funder.name if funder else None,
            "meals": data.meals,
            "subsidy": str(amounts["subsidy"]),
        },
    )
    return adjustment
