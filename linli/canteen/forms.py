"""Forms of the canteen pages. They read and bound input; the actions keep the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from linli.canteen.actions import AdjustmentInput, MenuInput, TierInput
from linli.canteen.actions.menus import split_dishes
from linli.canteen.models import TIER_TAGS, Funder, Meal, Mode, NutritionNote, SubsidyTier
from linli.core.forms import BaseForm

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[],
        **kwargs,
    )


def _in_years(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError(_("日期应在 2000 年到 2100 年之间。"))
    return value


def _money(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


# --- menus ----------------------------------------------------------------------------------------


class MenuForm(BaseForm):
    date = forms.DateField(widget=forms.HiddenInput)
    meal = forms.ChoiceField(choices=Meal.choices, widget=forms.HiddenInput)
    dishes = forms.CharField(
        label=_("菜品"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一道菜，或用顿号隔开，如：红烧鱼块、清炒菠菜、番茄蛋汤"),
    )
    price = _money(_("价格（元）"), min_value=Decimal("0"), max_value=Decimal("999.99"))
    notes = forms.MultipleChoiceField(
        label=_("营养提示"),
        choices=NutritionNote.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cutoff_at = forms.DateTimeField(
        label=_("订餐截止"),
        required=False,
        input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
        help_text=_("留空则按默认：早餐前一天 18:00，午餐当天 9:30，晚餐当天 14:30"),
    )

    def clean_date(self) -> dt.date | None:
        return _in_years(self.cleaned_data.get("date"))

    def menu_input(self) -> MenuInput:
        data = self.cleaned_data
        return MenuInput(
            date=data["date"],
            meal=data["meal"],
            dishes=split_dishes(data["dishes"]),
            price=data["price"],
            notes=list(data["notes"]),
            cutoff_at=data["cutoff_at"],
        )


class WeekForm(BaseForm):
    week = _date(_("周一"), required=False)

    def clean_week(self) -> dt.date | None:
        return _in_years(self.cleaned_data.get("week"))


# --- ordering -------------------------------------------------------------------------------------


class OrderForm(BaseForm):
    """A resident orders one meal for themselves or someone of their household."""

    person = forms.TypedChoiceField(label=_("给谁订"), coerce=int)
    menu = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    mode = forms.ChoiceField(
        label=_("用餐方式"),
        choices=Mode.choices,
        initial=Mode.DINE_IN,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            (person.pk, person.name) for person in people
        ]


class PhoneOrderForm(BaseForm):
    """The canteen takes an order by phone for anyone of the station."""

    resident = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    date = _date(_("日期"))
    meal = forms.ChoiceField(label=_("餐次"), choices=Meal.choices, initial=Meal.LUNCH)
    mode = forms.ChoiceField(label=_("用餐方式"), choices=Mode.choices, initial=Mode.DINE_IN)
    note = forms.CharField(label=_("备注"), max_length=100, required=False)

    def clean_date(self) -> dt.date | None:
        return _in_years(self.cleaned_data.get("date"))


class WalkInForm(BaseForm):
    resident = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    meal = forms.ChoiceField(choices=Meal.choices)
    mode = forms.ChoiceField(
        choices=[(Mode.DINE_IN, Mode.DINE_IN.label), (Mode.PICKUP, Mode.PICKUP.label)],
        initial=Mode.DINE_IN,
    )


class CancelForm(BaseForm):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)


class SearchForm(BaseForm):
    q = forms.CharField(label=_("姓名、拼音或电话"), max_length=50, required=False)


class CardForm(BaseForm):
    card = forms.CharField(
        label=_("扫居民卡"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


# --- policy ---------------------------------------------------------------------------------------


class FunderForm(BaseForm):
    name = forms.CharField(label=_("出资方"), max_length=100)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class TierForm(BaseForm):
    name = forms.CharField(label=_("档次名称"), max_length=50)
    funder = forms.ModelChoiceField(label=_("出资方"), queryset=Funder.objects.none())
    min_age = forms.IntegerField(label=_("最低年龄"), min_value=0, max_value=150, required=False)
    max_age = forms.IntegerField(
        label=_("最高年龄"), min_value=0, max_value=150, required=False, help_text=_("留空为不限")
    )
    tag = forms.ChoiceField(
        label=_("登记标签"), choices=[("", _("不限")), *TIER_TAGS], required=False
    )
    amount = _money(_("每餐补贴（元）"), min_value=Decimal("0.01"), max_value=Decimal("100"))
    effective_from = _date(_("起始日期"))
    replaces = forms.ModelChoiceField(
        label=_("替换档次"),
        queryset=SubsidyTier.objects.none(),
        required=False,
        help_text=_("选择后，原档次在新档次起始日的前一天截止"),
    )

    def __init__(
        self, *args: Any, funders: QuerySet[Funder], tiers: QuerySet[SubsidyTier], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]
        self.fields["replaces"].queryset = tiers  # type: ignore[attr-defined]

    def clean_effective_from(self) -> dt.date | None:
        return _in_years(self.cleaned_data.get("effective_from"))

    def tier_input(self) -> TierInput:
        data = self.cleaned_data
        return TierInput(
            name=data["name"],
            funder_id=data["funder"].pk,
            amount=data["amount"],
            effective_from=data["effective_from"],
            min_age=data["min_age"],
            max_age=data["max_age"],
            tag=data["tag"] or "",
        )


class TierEndForm(BaseForm):
    last_day = _date(_("最后适用日"))

    def clean_last_day(self) -> dt.date | None:
        return _in_years(self.cleaned_data.get("last_day"))


# --- settlement -----------------------------------------------------------------------------------


class AdjustmentForm(BaseForm):
    corrects_month = forms.CharField(
        label=_("更正哪个月"), max_length=7, help_text=_("已关账的月份，如 2026-05")
    )
    funder = forms.ModelChoiceField(
        label=_("出资方"), queryset=Funder.objects.none(), required=False
    )
    tier = forms.ModelChoiceField(
        label=_("补贴档次"), queryset=SubsidyTier.objects.none(), required=False
    )
    meals = forms.IntegerField(label=_("餐数"), min_value=-10000, max_value=10000)
    price = _money(_("餐费（元）"), min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"))
    subsidy = _money(_("补贴（元）"), min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"))
    payable = _money(
        _("个人应付（元）"), min_value=Decimal("-99999.99"), max_value=Decimal("99999.99")
    )
    reason = forms.CharField(label=_("更正原因"), max_length=200)

    def __init__(
        self, *args: Any, funders: QuerySet[Funder], tiers: QuerySet[SubsidyTier], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]
        self.fields["tier"].queryset = tiers  # type: ignore[attr-defined]

    def adjustment_input(self, month: dt.date, corrects: dt.date) -> AdjustmentInput:
        data = self.cleaned_data
        return AdjustmentInput(
            month=month,
            corrects_month=corrects,
            funder_id=data["funder"].pk if data["funder"] else None,
            tier_id=data["tier"].pk if data["tier"] else None,
            meals=data["meals"],
            price=data["price"],
            subsidy=data["subsidy"],
            payable=data["payable"],
            reason=data["reason"],
        )
