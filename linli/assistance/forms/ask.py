"""点单 without an account: the public, large-type form (name, phone, address, need)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.assistance.forms.requests import BaseForm
from linli.core.phone import normalize_phone

# A mobile number, or a landline with its area code (0555-1234567): elders often have only that.
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


class AskForm(BaseForm):
    name = forms.CharField(
        label=_("您的姓名"),
        max_length=50,
        error_messages={"required": _("请填写您的姓名。")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        help_text=_("手机或座机都可以，工作人员会打这个电话和您联系。"),
        error_messages={"required": _("请留一个联系电话。")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=_("上门地址"),
        max_length=200,
        help_text=_("小区、楼栋、单元和房号，例如“金桥花园3栋2单元502”。"),
        error_messages={"required": _("请填写上门地址。")},
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    description = forms.CharField(
        label=_("您需要什么帮助？"),
        max_length=1000,
        error_messages={"required": _("请说一说需要什么帮助。")},
        widget=forms.Textarea(attrs={"rows": 5, "enterkeyhint": "done"}),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name or any(ord(char) < 32 for char in name):
            raise forms.ValidationError(_("请填写您的姓名。"))
        return name

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        mobile = normalize_phone(phone)
        if _PHONE.match(mobile):
            return mobile
        if _PHONE.match(phone.replace(" ", "")):
            return phone.replace(" ", "")
        raise forms.ValidationError(_("请填写正确的手机号码或带区号的座机号码。"))

    def clean_address(self) -> str:
        return self.cleaned_data["address"].replace("\x00", "").strip()

    def clean_description(self) -> str:
        return self.cleaned_data["description"].replace("\x00", "").strip()

    def data_for_action(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        return {
            "name": cleaned["name"],
            "phone": cleaned["phone"],
            "address": cleaned["address"],
            "description": cleaned["description"],
        }
