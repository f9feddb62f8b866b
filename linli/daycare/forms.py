"""The forms of the day-care pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.daycare.models import CentreKind, EquipmentKind, FeeTier, Membership, SessionKind
from linli.elders.forms import BaseForm, LocalDateTimeField
from linli.elders.models import CareLevel
from linli.volunteers.models import Volunteer

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class SaneDateField(forms.DateField):
    widget = DATE_INPUT

    def clean(self, value: Any) -> Any:
        cleaned = super().clean(value)
        if cleaned is not None and not 1990 <= cleaned.year <= 2100:
            raise forms.ValidationError(_("日期有误。"))
        return cleaned


class ManualForm(BaseForm):
    """By hand with a time: someone who came without their card, or a time to put right."""

    membership = forms.ModelChoiceField(label=_("在托人员"), queryset=Membership.objects.none())
    kind = forms.ChoiceField(label=_("登记"), choices=[("in", _("签到")), ("out", _("签退"))])
    at = LocalDateTimeField(label=_("时间"))

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = members  # type: ignore[attr-defined]
        field.label_from_instance = lambda membership: membership.resident.name  # type: ignore[attr-defined]


class ScanForm(BaseForm):
    scanned = forms.CharField(
        label=_("扫描居民卡"),
        max_length=500,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": _("用扫码枪扫卡，或粘贴卡上的链接")}
        ),
    )


class ApplyForm(BaseForm):
    resident = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    note = forms.CharField(label=_("申请说明"), max_length=300, required=False)


class AssessForm(BaseForm):
    care_level = forms.ChoiceField(label=_("评估结果"), choices=CareLevel.choices)
    needs = forms.CharField(label=_("照料需求"), max_length=300, required=False)


class AgreeForm(BaseForm):
    fee_tier = forms.ChoiceField(label=_("收费档次"), choices=FeeTier.choices)
    agreement_number = forms.CharField(label=_("协议编号"), max_length=30, required=False)


class ReasonForm(BaseForm):
    reason = forms.CharField(label=_("原因"), max_length=200)


class PlanForm(BaseForm):
    goals = forms.CharField(
        label=_("照护目标"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    services = forms.CharField(
        label=_("服务内容"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = SaneDateField(label=_("开始日期"))
    review_on = SaneDateField(label=_("复评日期"))

    @classmethod
    def blank(cls) -> PlanForm:
        today = timezone.localdate()
        return cls(initial={"starts_on": today, "review_on": today + timedelta(days=180)})


class SessionForm(BaseForm):
    kind = forms.ChoiceField(label=_("服务类型"), choices=SessionKind.choices)
    started_at = LocalDateTimeField(label=_("开始时间"))
    minutes = forms.IntegerField(label=_("时长（分钟）"), min_value=1, max_value=720, initial=60)
    volunteer = forms.ModelChoiceField(
        label=_("志愿者（由志愿者服务时选择，计入服务时长）"),
        queryset=Volunteer.objects.none(),
        required=False,
    )
    note = forms.CharField(label=_("记录"), max_length=300, required=False)

    def __init__(self, *args: Any, volunteers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["volunteer"]
        field.queryset = volunteers  # type: ignore[attr-defined]
        field.label_from_instance = lambda volunteer: f"{volunteer.person.name} {volunteer.number}"  # type: ignore[attr-defined]


class EquipmentForm(BaseForm):
    kind = forms.ChoiceField(label=_("类别"), choices=EquipmentKind.choices)
    label = forms.CharField(label=_("编号"), max_length=30)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class LendForm(BaseForm):
    equipment = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    name = forms.CharField(label=_("借用人姓名"), max_length=30)
    due_on = SaneDateField(label=_("应还日期"))


class StaffForm(BaseForm):
    phone = forms.CharField(label=_("护理员手机号"), max_length=20)


class CentreForm(BaseForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=CentreKind.choices)
    opened_on = SaneDateField(label=_("开办日期"))
    capacity = forms.IntegerField(label=_("床位/托位"), min_value=1, max_value=1000)
    opening_hours = forms.CharField(label=_("开放时间"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
