"""The week's menus: save one meal of one day, and copy last week's forward in one step.

A menu of a day already gone is history and is not changed. Its price may change until then:
orders already placed keep the price they were placed with (the order fixes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.canteen.actions.base import (
    clean_date,
    clean_money,
    clean_text,
    local_now,
    stored_user,
)
from linli.canteen.models import Meal, Menu, NutritionNote
from linli.core.errors import DomainError
from linli.org.models import Station

MAX_DISHES = 12
DISH_LENGTH = 30
# When orders for a meal close, unless the operator says otherwise: (days before, time).
DEFAULT_CUTOFF: dict[str, tuple[int, time]] = {
    Meal.BREAKFAST: (1, time(18, 0)),
    Meal.LUNCH: (0, time(9, 30)),
    Meal.DINNER: (0, time(14, 30)),
}


def default_cutoff(day: date, meal: str) -> datetime:
    days_before, moment = DEFAULT_CUTOFF[meal]
    return timezone.make_aware(datetime.combine(day - timedelta(days=days_before), moment))


def split_dishes(text: str) -> list[str]:
    """Dishes typed one per line or separated by 、，, or spaces of a form."""
    for separator in ("、", "，", ",", "；", ";"):
        text = text.replace(separator, "\n")
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class MenuInput:
    date: date
    meal: str
    dishes: list[str]
    price: Decimal
    notes: list[str] = field(default_factory=list)
    cutoff_at: datetime | None = None


def _checked(data: MenuInput) -> tuple[list[str], list[str], Decimal, datetime]:
    if data.meal not in Meal.values:
        raise ValidationError({"meal": [_("餐次只能是早餐、午餐或晚餐。")]})
    clean_date(data.date, field="date")
    dishes = [
        clean_text(dish, field="dishes", max_length=DISH_LENGTH)
        for dish in data.dishes
        if dish and dish.strip()
    ]
    if not dishes:
        raise ValidationError({"dishes": [_("请至少写一道菜。")]})
    if len(dishes) > MAX_DISHES:
        raise ValidationError({"dishes": [_("一餐最多 %(count)d 道菜。") % {"count": MAX_DISHES}]})
    unknown = set(data.notes) - set(NutritionNote.values)
    if unknown:
        raise ValidationError({"notes": [_("营养提示只能是低盐、低糖或软烂易嚼。")]})
    notes = [code for code in NutritionNote.values if code in set(data.notes)]
    price = clean_money(data.price, field="price")
    cutoff = data.cutoff_at or default_cutoff(data.date, data.meal)
    if timezone.is_naive(cutoff):
        cutoff = timezone.make_aware(cutoff)
    day_end = timezone.make_aware(datetime.combine(data.date + timedelta(days=1), time.min))
    if not day_end - timedelta(days=8) <= cutoff < day_end:
        raise ValidationError({"cutoff_at": [_("订餐截止时间应在用餐当天结束前、一周之内。")]})
    return dishes, notes, price, cutoff


@transaction.atomic
def menu_save(
    *, station: Station, data: MenuInput, actor: Any, at: datetime | None = None
) -> tuple[Menu, bool]:
    """One meal of one day at `station`: created, or changed if it is there. (menu, created).

    A day already gone is not changed; the orders of the meal keep the price they were placed
    with whatever the menu says later.
    """
    now = local_now(at)
    if station.kind != Station.Kind.STATION:
        raise ValidationError({"station": [_("只有实践站设有食堂。")]})
    dishes, notes, price, cutoff = _checked(data)
    if data.date < timezone.localdate(now):
        raise DomainError("menu_past", _("已经过去的日子的菜单不能再修改。"), status=409)
    menu = (
        Menu.objects.select_for_update()
        .filter(station=station, date=data.date, meal=data.meal)
        .first()
    )
    if menu is None:
        try:
            with transaction.atomic():
                menu = Menu.objects.create(
                    station=station,
                    date=data.date,
                    meal=data.meal,
                    dishes=dishes,
                    price=price,
                    notes=notes,
                    cutoff_at=cutoff,
                    created_by=stored_user(actor),
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            raise DomainError(
                "menu_exists", _("这一餐的菜单刚刚已由他人保存，请刷新后再改。"), status=409
            ) from None
        audit_record(
            actor=actor,
            action="canteen.menu_created",
            target=menu,
            station=station,
            after={"dishes": dishes, "price": str(price), "notes": notes},
        )
        return menu, True
    before = {"dishes": menu.dishes, "price": str(menu.price), "notes": menu.notes}
    menu.dishes, menu.price, menu.notes, menu.cutoff_at = dishes, price, notes, cutoff
    menu.updated_at = now
    menu.save(update_fields=["dishes", "price", "notes", "cutoff_at", "updated_at"])
    audit_record(
        actor=actor,
        action="canteen.menu_changed",
        target=menu,
        station=station,
        before=before,
        after={"dishes": dishes, "price": str(price), "notes": notes},
    )
    return menu, False


def week_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


@transaction.atomic
def menus_copy_week(*, station: Station, week: date, actor: Any, at: datetime | None = None) -> int:
    """Copy the week before `week` (a Monday) into it, in one step: each meal of last week whose
    day this week has no menu for that meal yet, with its dishes, price, notes and the same
    cut-off a week later. Days already gone are skipped. Returns how many menus were created."""
    now = local_now(at)
    if week.weekday() != 0:
        raise ValidationError({"week": [_("请从周一开始复制一周。")]})
    clean_date(week, field="week")
    today = timezone.localdate(now)
    source = Menu.objects.filter(
        station=station, date__range=(week - timedelta(days=7), week - timedelta(days=1))
    )
    taken = set(
        Menu.objects.select_for_update()
        .filter(station=station, date__range=(week, week + timedelta(days=6)))
        .values_list("date", "meal")
    )
    created = []
    for menu in source.order_by("date", "meal"):
        day = menu.date + timedelta(days=7)
        if day < today or (day, menu.meal) in taken:
            continue
        created.append(
            Menu(
                station=station,
                date=day,
                meal=menu.meal,
                dishes=list(menu.dishes),
                price=menu.price,
                notes=list(menu.notes),
                cutoff_at=menu.cutoff_at + timedelta(days=7),
                created_by=stored_user(actor),
                created_at=now,
                updated_at=now,
            )
        )
    if not created:
        return 0
    try:
        with transaction.atomic():
            Menu.objects.bulk_create(created)
    except IntegrityError:
        raise DomainError(
            "menu_exists", _("这一周的菜单刚刚已有改动，请刷新后再复制。"), status=409
        ) from None
    audit_record(
        actor=actor,
        action="canteen.menus_copied",
        station=station,
        after={"week": week.isoformat(), "created": len(created)},
    )
    return len(created)
