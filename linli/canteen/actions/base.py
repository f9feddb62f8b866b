"""What the canteen's actions share: the acting user as stored, text and money checks, the month
rule, and the checked moves of an order and of a delivery task."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.canteen.models import (
    DELIVERY_TRANSITIONS,
    MAX_PRICE,
    ORDER_TRANSITIONS,
    DeliveryTask,
    MealOrder,
    SettlementMonth,
    yuan,
)
from linli.core.errors import DomainError

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def stored_user(actor: Any) -> Any:
    """The actor as a foreign key takes it: a signed-in user, else None (the system)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def clean_text(value: str, *, field: str, max_length: int, required: bool = False) -> str:
    """Stripped text within `max_length`; NUL bytes refused (PostgreSQL cannot store them)."""
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError({field: [_("文字中含有不允许的字符。")]})
    if required and not text:
        raise ValidationError({field: [_("此项不能为空。")]})
    if len(text) > max_length:
        raise ValidationError({field: [_("不能超过 %(count)d 个字。") % {"count": max_length}]})
    return text


def clean_money(
    value: Any, *, field: str, minimum: Decimal = Decimal("0.00"), maximum: Decimal = MAX_PRICE
) -> Decimal:
    """Yuan with at most two decimal places, within bounds; never a float."""
    if isinstance(value, float):
        raise ValidationError({field: [_("金额须写成“12.00”这样的数。")]})
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("金额须写成“12.00”这样的数。")]}) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError({field: [_("金额最多两位小数（到分）。")]})
    if amount < minimum or amount > maximum:
        raise ValidationError(
            {
                field: [
                    _("金额应在 %(low)s 到 %(high)s 元之间。") % {"low": minimum, "high": maximum}
                ]
            }
        )
    return yuan(amount)


def clean_date(value: date, *, field: str) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValidationError({field: [_("日期应在 2000 年到 2100 年之间。")]})
    return value


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def month_closed(station_id: int, day: date) -> bool:
    return SettlementMonth.objects.filter(station_id=station_id, month=first_of_month(day)).exists()


def refuse_closed_month(station_id: int, day: date) -> None:
    """Orders of a closed month never change again (a correction goes into a later month)."""
    if month_closed(station_id, day):
        raise DomainError(
            "month_closed",
            _("%(month)s 已结算关账，不能再修改；如需更正，请在以后的月份登记更正。")
            % {"month": f"{day:%Y-%m}"},
            status=409,
        )


def lock_order(order: MealOrder) -> MealOrder:
    """The order re-read under a row lock, so two actions on it run one after the other."""
    return (
        MealOrder.objects.select_for_update(of=("self",))
        .select_related("station", "menu", "resident")
        .get(pk=order.pk)
    )


def lock_delivery(task: DeliveryTask) -> DeliveryTask:
    return DeliveryTask.objects.select_for_update(of=("self",)).get(pk=task.pk)


def move_order(
    locked: MealOrder, to: str, *, actor: Any, fields: list[str], note: str = ""
) -> None:
    """Check the move against ORDER_TRANSITIONS, save `fields` and the status, audit it."""
    if to not in ORDER_TRANSITIONS[locked.status]:
        raise DomainError(
            "invalid_transition",
            _("当前状态“%(status)s”下不能进行此操作。") % {"status": locked.get_status_display()},
            status=409,
        )
    before = locked.status
    locked.status = to
    locked.save(update_fields=["status", *fields])
    audit_record(
        actor=actor,
        action=f"meal_order.{to}",
        target=locked,
        station=locked.station,
        before={"status": before},
        after={"status": to, **({"note": note[:200]} if note else {})},
    )


def move_delivery(
    locked: DeliveryTask, to: str, *, actor: Any, station: Any, fields: list[str]
) -> None:
    """Check the move against DELIVERY_TRANSITIONS, save `fields` and the status, audit it."""
    if to not in DELIVERY_TRANSITIONS[locked.status]:
        raise DomainError(
            "invalid_transition",
            _("送餐任务当前状态“%(status)s”下不能进行此操作。")
            % {"status": locked.get_status_display()},
            status=409,
        )
    before = locked.status
    locked.status = to
    locked.save(update_fields=["status", *fields])
    audit_record(
        actor=actor,
        action=f"meal_delivery.{to}",
        target=locked,
        station=station,
        before={"status": before},
        after={"status": to, "volunteer": locked.volunteer_id},
    )


def local_now(at: datetime | None) -> datetime:
    return at or timezone.now()
