from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.core.forms import BaseForm, errors_by_field
from linli.org.models import Estate, Station
from linli.people import actions
from linli.people.models import Consent, Gender, Relation, Tag
from linli.people.queries import AGE_BANDS

AGE_BAND_LABELS = {
    "child": _("儿童（14 岁以下）"),
    "youth": _("青少年（14–17 岁）"),
    "adult": _("成年（18–59 岁）"),
    "elderly": _("老年（60–79 岁）"),
    "oldest": _("高龄（80 岁及以上）"),
}


class ResidentFilterForm(BaseForm):
    q = forms.CharField(
        label=_("查找"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("姓名、拼音首字母、电话或身份证号"),
                "autocomplete": "off",
            }
        ),
    )
    estate = forms.ChoiceField(label=_("小区"), required=False)
    tag = forms.ChoiceField(
        label=_("标签"), required=False, choices=[("", _("全部"))] + list(Tag.choices)
    )
    age_band = forms.ChoiceField(
        label=_("年龄段"),
        required=False,
        choices=[("", _("全部"))] + [(band, AGE_BAND_LABELS[band]) for band in AGE_BANDS],
    )

    def __init__(self, *args: Any, estates: Any = (), **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["estate"].choices = [("", _("全部"))] + [(str(e.pk), e.name) for e in estates]  # type: ignore[attr-defined]


class ResidentForm(BaseForm):
    """The registration form: what the desk asks, in the order a conversation goes."""

    name = forms.CharField(label=_("姓名"), max_length=30)
    id_number = forms.CharField(
        label=_("身份证号码"),
        required=False,
        max_length=18,
        help_text=_("填写后自动核对出生日期和性别；保存后只显示部分号码。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    gender = forms.ChoiceField(
        label=_("性别"), required=False, choices=[("", "—")] + list(Gender.choices)
    )
    birth_date = forms.DateField(
        label=_("出生日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    estate = forms.ModelChoiceField(label=_("小区"), queryset=Estate.objects.none(), required=False)
    building = forms.CharField(label=_("楼栋"), required=False, max_length=20)
    unit = forms.CharField(label=_("单元"), required=False, max_length=10)
    room = forms.CharField(label=_("房号"), required=False, max_length=10)
    relation = forms.ChoiceField(
        label=_("与户主关系"), choices=Relation.choices, initial=Relation.HEAD
    )
    tags = forms.MultipleChoiceField(
        label=_("标签"),
        required=False,
        choices=[(value, label) for value, label in Tag.choices if value != Tag.MINOR],
        widget=forms.CheckboxSelectMultiple,
    )
    disability_type = forms.CharField(label=_("残疾类别"), required=False, max_length=20)
    disability_grade = forms.CharField(label=_("残疾等级"), required=False, max_length=10)
    health_notes = forms.CharField(
        label=_("健康状况"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args: Any, station: Station, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estate"].queryset = Estate.objects.filter(station=station)  # type: ignore[attr-defined]

    def resident_input(self) -> actions.ResidentInput:
        data = self.cleaned_data
        address = None
        if data.get("estate") or data.get("building") or data.get("unit") or data.get("room"):
            address = actions.AddressInput(
                estate=data["estate"].name if data.get("estate") else "",
                building=data.get("building", ""),
                unit=data.get("unit", ""),
                room=data.get("room", ""),
            )
        return actions.ResidentInput(
            name=data["name"],
            gender=data.get("gender", ""),
            birth_date=data.get("birth_date"),
            id_number=data.get("id_number", ""),
            phone=data.get("phone", ""),
            address=address,
            relation=data["relation"],
            tags=frozenset(data.get("tags", [])),
            note=data.get("note", ""),
            disability_type=data.get("disability_type", ""),
            disability_grade=data.get("disability_grade", ""),
            health_notes=data.get("health_notes", ""),
        )

    def attach_errors(self, error: ValidationError | Mapping[str, list[str]]) -> None:
        """Put an action's ValidationError where the person will look: beside the field."""
        placement = {"address": "estate", "consent": "consent_method"}
        for name, errors in errors_by_field(error).items():
            target = placement.get(name, name)
            self.add_error(target if target in self.fields else None, errors)


class ResidentCreateForm(ResidentForm):
    consent_method = forms.ChoiceField(
        label=_("同意方式"),
        choices=Consent.Method.choices,
        initial=Consent.Method.PAPER,
        widget=forms.RadioSelect,
        help_text=_("登记前须向居民说明用途并取得同意（个人信息保护法）。"),
    )
    consent_sensitive = forms.BooleanField(
        label=_("已就身份证号、健康、残疾或未成年人信息取得单独同意"), required=False
    )
    guardian_name = forms.CharField(
        label=_("监护人姓名"),
        required=False,
        max_length=50,
        help_text=_("未满 14 周岁的儿童由监护人同意。"),
    )

    def consent_input(self) -> actions.ConsentInput:
        data = self.cleaned_data
        guardian = data.get("guardian_name", "").strip()
        return actions.ConsentInput(
            method=data["consent_method"],
            given_by=Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.SELF,
            guardian_name=guardian,
            sensitive=bool(data.get("consent_sensitive")),
        )
