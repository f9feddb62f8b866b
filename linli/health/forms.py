from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.activities.models import Activity
from linli.elders.forms import BaseForm, LocalDateTimeField
from linli.health.actions import HealthValues
from linli.health.models import CheckSlot, Metric


class RecordForm(BaseForm):
    measured_at = LocalDateTimeField(label=_("测量时间"))
    systolic = forms.IntegerField(
        label=_("收缩压（mmHg）"), required=False, min_value=40, max_value=300
    )
    diastolic = forms.IntegerField(
        label=_("舒张压（mmHg）"), required=False, min_value=20, max_value=200
    )
    glucose = forms.DecimalField(
        label=_("血糖（mmol/L）"), required=False, min_value=Decimal("0.5"), max_value=40,
        max_digits=4, decimal_places=1,
    )  # fmt: skip
    heart_rate = forms.IntegerField(
        label=_("心率（次/分）"), required=False, min_value=20, max_value=250
    )
    weight_kg = forms.DecimalField(
        label=_("体重（kg）"),
        required=False,
        min_value=2,
        max_value=400,
        max_digits=4,
        decimal_places=1,
    )
    height_cm = forms.DecimalField(
        label=_("身高（cm）"),
        required=False,
        min_value=40,
        max_value=250,
        max_digits=4,
        decimal_places=1,
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=300)
    check_activity = forms.ModelChoiceField(
        label=_("体检活动"),
        queryset=Activity.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, checks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["check_activity"].queryset = checks  # type: ignore[attr-defined]

    def values(self) -> HealthValues:
        data = self.cleaned_data
        return HealthValues(
            systolic=data["systolic"],
            diastolic=data["diastolic"],
            glucose=data["glucose"],
            heart_rate=data["heart_rate"],
            weight_kg=data["weight_kg"],
            height_cm=data["height_cm"],
            note=data["note"],
        )


class ThresholdForm(BaseForm):
    metric = forms.ChoiceField(label=_("指标"), choices=Metric.choices)
    low = forms.DecimalField(
        label=_("下限"), min_value=0, max_value=400, max_digits=5, decimal_places=1
    )
    high = forms.DecimalField(
        label=_("上限"), min_value=0, max_value=400, max_digits=5, decimal_places=1
    )


class SlotsForm(BaseForm):
    minutes = forms.IntegerField(label=_("每段分钟数"), min_value=10, max_value=240, initial=30)
    capacity = forms.IntegerField(label=_("每段人数"), min_value=1, max_value=200, initial=10)


class BookForm(BaseForm):
    slot = forms.ModelChoiceField(label=_("时段"), queryset=CheckSlot.objects.none())
    name = forms.CharField(label=_("居民姓名"), max_length=30)

    def __init__(self, *args: Any, slots: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots  # type: ignore[attr-defined]
