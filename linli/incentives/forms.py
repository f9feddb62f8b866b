"""Forms of the incentives pages: every field bounded, so a page answers a bad input with the
form's message, never a 500."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.forms import BaseForm
from linli.incentives.models import HonourKind


class RedeemForm(BaseForm):
    item = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=99, initial=1)


class CodeForm(BaseForm):
    code = forms.RegexField(
        label=_("取货码"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("取货码是 6 位数字。")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 6, "autofocus": True}
        ),
    )


class ItemForm(BaseForm):
    name = forms.CharField(label=_("物品名称"), max_length=60)
    points = forms.IntegerField(label=_("兑换积分"), min_value=1, max_value=100000)
    stock = forms.IntegerField(label=_("初始库存"), min_value=0, max_value=100000, initial=0)
    unit = forms.CharField(label=_("单位"), max_length=10, initial="件")
    photo = forms.ImageField(label=_("照片"), required=False)


class ItemEditForm(BaseForm):
    item = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    points = forms.IntegerField(label=_("兑换积分"), min_value=1, max_value=100000)
    active = forms.BooleanField(label=_("在架"), required=False)
    photo = forms.ImageField(label=_("更换照片"), required=False)


class StockForm(BaseForm):
    item = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[("in", _("入库")), ("out", _("出库")), ("write_off", _("报损"))],
    )
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=100000)
    reason = forms.CharField(label=_("原因"), max_length=200)


class RulesForm(BaseForm):
    points_per_hour = forms.DecimalField(
        label=_("每小时服务积分"), min_value=0, max_value=1000, decimal_places=2
    )
    well_rated_points = forms.DecimalField(
        label=_("好评奖励积分"), min_value=0, max_value=1000, decimal_places=2
    )
    recruit_points = forms.DecimalField(
        label=_("推荐新志愿者积分"), min_value=0, max_value=1000, decimal_places=2
    )
    no_show_points = forms.DecimalField(
        label=_("爽约扣减积分"), min_value=0, max_value=1000, decimal_places=2
    )


class AdjustForm(BaseForm):
    points = forms.DecimalField(
        label=_("调整积分（负数为扣减）"),
        min_value=Decimal("-100000"),
        max_value=Decimal("100000"),
        decimal_places=2,
    )
    reason = forms.CharField(label=_("原因"), max_length=200)


class HoursForm(BaseForm):
    hours = forms.DecimalField(
        label=_("小时"), min_value=Decimal("0.01"), max_value=Decimal("1500"), decimal_places=2
    )


class TransferForm(BaseForm):
    to_volunteer = forms.IntegerField(label=_("家庭成员"), min_value=1, max_value=2**63 - 1)
    hours = forms.DecimalField(
        label=_("小时"), min_value=Decimal("0.01"), max_value=Decimal("1500"), decimal_places=2
    )
    note = forms.CharField(label=_("留言"), max_length=100, required=False)


class HonourForm(BaseForm):
    title = forms.CharField(label=_("荣誉名称"), max_length=60)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("对象"), choices=HonourKind.choices)


class NominationForm(BaseForm):
    nominee = forms.IntegerField(label=_("提名对象"), min_value=1, max_value=2**63 - 1)
    reason = forms.CharField(
        label=_("推荐理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class MonthForm(BaseForm):
    month = forms.RegexField(regex=r"^(20\d\d)-(0[1-9]|1[0-2])$")


class SearchForm(BaseForm):
    q = forms.CharField(max_length=50, required=False, strip=True)


class RecruiterForm(BaseForm):
    recruiter = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class PoolPayForm(BaseForm):
    service_request = forms.IntegerField(min_value=1, max_value=2**63 - 1)
