from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import Role
from linli.core.forms import BaseForm
from linli.core.phone import normalize_phone, validate_mobile
from linli.org.models import Station


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("手机号码"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "username", "placeholder": _("11 位手机号码")}
        )

    def clean(self, value: Any) -> str:
        phone = normalize_phone(super().clean(value))
        validate_mobile(phone)
        return phone


class LoginForm(BaseForm):
    phone = PhoneField()
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(BaseForm):
    code = forms.CharField(
        label=_("验证码"),
        max_length=20,
        help_text=_("验证器中的 6 位数字，或一个恢复码。"),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class PasswordChangeForm(BaseForm):
    old_password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_old_password(self) -> str:
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError(_("当前密码不正确。"))
        return old

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("两次输入的新密码不一致。"))
        return cleaned


class RoleGrantForm(BaseForm):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    station = forms.ModelChoiceField(
        label=_("站点"),
        queryset=Station.objects.all(),
        required=False,
        to_field_name="code",
        empty_label=_("（系统管理员不选站点）"),
    )


class UserCreateForm(RoleGrantForm):
    phone = PhoneField()
    name = forms.CharField(label=_("姓名"), max_length=50)
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["phone", "name", "password", "role", "station"]


class ResetCodeForm(BaseForm):
    """忘记密码, step one: the phone number to text a code to."""

    phone = PhoneField()


class ResetPasswordForm(BaseForm):
    """忘记密码, step two: the texted code and the new password."""

    phone = PhoneField()
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    new_password = forms.CharField(
        label=_("新密码"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("再次输入新密码"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("两次输入的新密码不一致。"))
        return cleaned


class ResidentSignUpForm(BaseForm):
    """A resident's own account, by phone number (the desk links it to their record)."""

    name = forms.CharField(
        label=_("您的姓名"),
        max_length=50,
        error_messages={"required": _("请填写您的姓名。")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = PhoneField(help_text=_("以后用这个号码登录。"))
    password = forms.CharField(
        label=_("设一个密码"),
        strip=False,
        max_length=128,
        help_text=_("至少 8 位，不要全是数字。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("再输一遍密码"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("两次输入的密码不一致。"))
        return cleaned
