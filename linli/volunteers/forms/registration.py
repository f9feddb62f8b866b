"""Forms for registering volunteers, deciding on them, and recording their awards and evaluations.

Every form only collects input; the actions in `linli.volunteers.actions` check the rules, and
their ValidationError is put back beside the field it concerns (`attach_errors`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.categories import ServiceCategory
from linli.core.forms import BaseForm
from linli.partners.models import Partner
from linli.people.models import Gender
from linli.volunteers.actions.registration import RegistrationInput
from linli.volunteers.models import (
    AVAILABILITY_BITS,
    SLOT_CODES,
    SLOTS,
    WEEKDAY_CODES,
    WEEKDAYS,
    Volunteer,
    VolunteerEvaluation,
)

CONSENT_REQUIRED = _("请阅读并同意《志愿者注册承诺书及个人信息处理告知》。")


def availability_mask(codes: Iterable[str]) -> int:
    """The bitmask of `codes`; an unknown code is a ValidationError on `availability`."""
    codes = list(codes)
    unknown = sorted(set(codes) - set(AVAILABILITY_BITS))
    if unknown:
        raise ValidationError(
            {"availability": [_("未知的可服务时间：%(codes)s") % {"codes": "、".join(unknown)}]}
        )
    mask = 0
    for code in codes:
        mask |= AVAILABILITY_BITS[code]
    return mask


def availability_rows(selected: Iterable[str]) -> list[dict[str, Any]]:
    """The 7×3 grid for a template: one row a weekday, one cell a time of day."""
    chosen = set(selected)
    return [
        {
            "label": WEEKDAYS[weekday],
            "cells": [
                {
                    "code": f"{day}-{slot}",
                    "label": f"{WEEKDAYS[weekday]}{SLOTS[index]}",
                    "checked": f"{day}-{slot}" in chosen,
                }
                for index, slot in enumerate(SLOT_CODES)
            ],
        }
        for weekday, day in enumerate(WEEKDAY_CODES)
    ]


class ProfileForm(BaseForm):
    """What a volunteer may change themselves (民政部令第67号: 专业技能, 服务类别, 居住区域 …)."""

    skills = forms.CharField(
        label=_("专业技能"),
        required=False,
        max_length=200,
        help_text=_("如：驾驶、医护、法律、理发、书法、电脑维修"),
    )
    categories = forms.MultipleChoiceField(
        label=_("服务类别"),
        required=False,
        choices=ServiceCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    availability = forms.MultipleChoiceField(
        label=_("可服务时间"),
        required=False,
        choices=[(code, code) for code in AVAILABILITY_BITS],
        widget=forms.CheckboxSelectMultiple,
    )
    residence_area = forms.CharField(
        label=_("居住区域"),
        required=False,
        max_length=100,
        help_text=_("选择本社区的小区，或填写其他居住地。"),
        widget=forms.TextInput(attrs={"list": "estates", "autocomplete": "off"}),
    )
    occupation = forms.CharField(label=_("职业"), required=False, max_length=50)
    political_status = forms.ChoiceField(
        label=_("政治面貌"),
        required=False,
        choices=[("", "—"), *Volunteer.Political.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def availability_grid(self) -> list[dict[str, Any]]:
        return availability_rows(self["availability"].value() or [])

    def profile_changes(self) -> dict[str, Any]:
        """The changed profile fields as volunteer_profile_update takes them."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            "skills": data["skills"].strip(),
            "availability": availability_mask(data["availability"]),
            "residence_area": data["residence_area"].strip(),
            "occupation": data["occupation"].strip(),
            "political_status": data["political_status"],
            "categories": set(data["categories"]),
        }
        return {name: value for name, value in values.items() if name in self.changed_data}


class RegistrationForm(ProfileForm):
    """A person's 67号令 basic information and their consent: a signed-in applicant's form."""

    name = forms.CharField(label=_("姓名"), max_length=30)
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=18,
        help_text=_("用于核验身份和出具志愿服务证明；加密保存，显示时部分隐去。"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    gender = forms.ChoiceField(
        label=_("性别"),
        required=False,
        choices=[("", "—"), *Gender.choices],
        help_text=_("可不填，按身份证号码识别。"),
    )
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        help_text=_("可不填，按身份证号码识别。"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    guardian_name = forms.CharField(
        label=_("监护人姓名"),
        required=False,
        max_length=50,
        help_text=_("未满 18 周岁的，须经监护人同意并填写监护人姓名。"),
    )
    consent = forms.BooleanField(
        label=_("我已阅读并同意上述承诺书，单独同意站点处理我的身份证件号码"),
        error_messages={"required": CONSENT_REQUIRED},
    )
    partner = forms.ModelChoiceField(
        label=_("所属单位"),
        required=False,
        queryset=Partner.objects.none(),
        empty_label=_("— 不属于共建单位 —"),
        help_text=_("经共建单位（学校、医院、机关等）组织来报名的，请选择该单位；可不选。"),
    )

    field_order = [
        "name",
        "phone",
        "password",
        "password_again",
        "id_number",
        "gender",
        "birth_date",
        "guardian_name",
    ]

    def __init__(self, *args: Any, partners: Any = None, **kwargs: Any) -> None:
        """`partners`: the station's partners to offer as 所属单位; without any, no such field."""
        super().__init__(*args, **kwargs)
        if partners is None or not partners.exists():
            del self.fields["partner"]
        else:
            self.fields["partner"].queryset = partners  # type: ignore[attr-defined]

    def registration_input(self) -> RegistrationInput:
        data = self.cleaned_data
        return RegistrationInput(
            name=data["name"].strip(),
            id_number=data["id_number"],
            phone=data.get("phone", ""),
            password=data.get("password", ""),
            gender=data["gender"],
            birth_date=data["birth_date"],
            skills=data["skills"],
            categories=frozenset(data["categories"]),
            availability=availability_mask(data["availability"]),
            residence_area=data["residence_area"],
            occupation=data["occupation"],
            political_status=data["political_status"],
            guardian_name=data["guardian_name"],
            consent=bool(data["consent"]),
            partner=data.get("partner"),
        )


class AccountRegistrationForm(RegistrationForm):
    """Registration with a new account: the public sign-up page."""

    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("作为登录账号。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        help_text=_("至少 8 位，不要只用数字，不要与手机号码相近。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("password")
            and data.get("password_again") is not None
            and data["password"] != data["password_again"]
        ):
            self.add_error("password_again", _("两次输入的密码不一致。"))
        return data


class DeskRegistrationForm(RegistrationForm):
    """Station staff registering someone at the desk: consent is taken on paper and recorded here."""

    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("志愿者本人的手机号码，作为登录账号。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        help_text=_("请本人输入，或设置后告知本人，并提醒登录后修改。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    guardian_name = forms.CharField(
        label=_("监护人姓名"),
        required=False,
        max_length=50,
        help_text=_("未满 18 周岁的须经监护人同意；未满 14 周岁的须由监护人陪同登记。"),
    )
    consent = forms.BooleanField(
        label=_("已向本人（未成年人为其监护人）完整告知上述承诺书，并取得其签字同意"),
        error_messages={"required": CONSENT_REQUIRED},
    )


class DecisionForm(BaseForm):
    """Approve, reject, suspend, reinstate or record leaving; a reason where the action needs one."""

    decision = forms.ChoiceField(
        choices=[(name, name) for name in ("approve", "reject", "suspend", "reinstate", "leave")]
    )
    reason = forms.CharField(label=_("原因"), required=False, max_length=200)
    back = forms.ChoiceField(choices=[("detail", "detail"), ("pending", "pending")], required=False)


class AwardForm(BaseForm):
    name = forms.CharField(label=_("荣誉名称"), max_length=100)
    awarded_on = forms.DateField(
        label=_("获得日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    granted_by = forms.CharField(label=_("授予单位"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "award")
        super().__init__(*args, **kwargs)


class EvaluationForm(BaseForm):
    evaluated_on = forms.DateField(
        label=_("评价日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    result = forms.ChoiceField(label=_("评价结果"), choices=VolunteerEvaluation.Result.choices)
    comment = forms.CharField(label=_("评语"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "evaluation")
        kwargs.setdefault("initial", {"evaluated_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
