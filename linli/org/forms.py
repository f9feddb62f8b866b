"""Forms of the station pages: the tree (create, edit), places, onboarding."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from linli.core.forms import BaseForm
from linli.org.models import Grid, Station
from linli.org.schemas import CODE_PATTERN


class StationPagesForm(BaseForm):
    """The project's form base, also taking a DomainError (its message goes on top of the form)."""

    def attach_errors(self, error: ValidationError | Mapping[str, list[str]] | Exception) -> None:
        if isinstance(error, (ValidationError, Mapping)):
            super().attach_errors(error)
        else:
            self.add_error(None, getattr(error, "message", None) or str(error))


class StationCreateForm(StationPagesForm):
    code = forms.RegexField(
        label=_("编码"),
        regex=CODE_PATTERN,
        max_length=32,
        help_text=_("大写字母、数字和连字符，如 JIAOJIA；建好后不能改。"),
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("层级"), choices=Station.Kind.choices)
    parent = forms.ModelChoiceField(
        label=_("上级"), queryset=Station.objects.none(), to_field_name="code", required=False
    )

    def __init__(self, *args: Any, parents: QuerySet[Station], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class StationEditForm(StationPagesForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    parent = forms.ModelChoiceField(
        label=_("上级"), queryset=Station.objects.none(), to_field_name="code", required=False
    )

    def __init__(self, *args: Any, parents: QuerySet[Station], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class EstateForm(StationPagesForm):
    name = forms.CharField(label=_("小区名称"), max_length=50)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)


class BuildingForm(StationPagesForm):
    number = forms.CharField(label=_("楼栋号"), max_length=20)
    unit_count = forms.IntegerField(label=_("单元数"), min_value=1, max_value=50, initial=1)
    floors = forms.IntegerField(label=_("层数"), min_value=1, max_value=200, initial=6)
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Grid.objects.none(), required=False)

    def __init__(self, *args: Any, station: Station, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = Grid.objects.filter(station=station)  # type: ignore[attr-defined]


class GridForm(StationPagesForm):
    name = forms.CharField(label=_("网格名称"), max_length=50)


class StaffAccountForm(StationPagesForm):
    phone = forms.RegexField(label=_("手机号码"), regex=r"^1[3-9]\d{9}$", max_length=11)
    name = forms.CharField(label=_("姓名"), max_length=50)
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput,
        max_length=128,
        required=False,
        help_text=_("已有账号的手机号可留空：只授予本站社工角色。"),
    )


class MenuCopyForm(StationPagesForm):
    source = forms.ModelChoiceField(
        label=_("模板站点"), queryset=Station.objects.none(), to_field_name="code"
    )

    def __init__(self, *args: Any, sources: QuerySet[Station], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources  # type: ignore[attr-defined]
