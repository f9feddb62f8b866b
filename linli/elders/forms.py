"""The forms of the elders' pages (and the base the care pages share)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.forms import BaseForm
from linli.elders.models import CARE_TAGS, MAX_INTERVAL_DAYS, CareLevel, VisitMethod
from linli.people.models import Tag
from linli.teams.models import Team

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read in the station's time zone, within sane years."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [LOCAL_FORMAT, "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)

    def clean(self, value: Any) -> datetime | None:
        cleaned = super().clean(value)
        if cleaned is not None and not 2000 <= cleaned.year <= 2100:
            raise ValidationError(_("时间有误。"))
        return cleaned


def now_local() -> str:
    return timezone.localtime().strftime(LOCAL_FORMAT)


class ElderFilterForm(BaseForm):
    q = forms.CharField(
        label=_("查找"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("姓名或拼音首字母")}),
    )
    care_level = forms.ChoiceField(
        label=_("自理能力"), required=False, choices=[("", _("全部")), *CareLevel.choices]
    )
    tag = forms.ChoiceField(label=_("情况"), required=False)
    estate = forms.ChoiceField(label=_("小区"), required=False)
    overdue = forms.BooleanField(label=_("只看走访超期"), required=False)

    def __init__(self, *args: Any, estates: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Tag.choices)
        self.fields["tag"].choices = [  # type: ignore[attr-defined]
            ("", _("全部")),
            ("aged", _("高龄（80 岁及以上）")),
            *[(tag, labels[tag]) for tag in CARE_TAGS],
        ]
        self.fields["estate"].choices = [("", _("全部"))] + [  # type: ignore[attr-defined]
            (str(estate.pk), estate.name) for estate in estates
        ]


class ProfileForm(BaseForm):
    care_level = forms.ChoiceField(label=_("自理能力"), choices=CareLevel.choices)
    visit_interval_days = forms.IntegerField(
        label=_("走访间隔（天）"),
        required=False,
        min_value=1,
        max_value=MAX_INTERVAL_DAYS,
        help_text=_("留空则按规则：独居或失能每 7 天，其他每 30 天。"),
    )
    visit_team = forms.ModelChoiceField(
        label=_("走访队伍"), queryset=Team.objects.none(), required=False
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    contacts = forms.CharField(
        label=_("紧急联系人"),
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一位：姓名 电话 关系，例如“王小明 13912345678 儿子”。"),
    )

    def __init__(self, *args: Any, teams: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visit_team"].queryset = teams  # type: ignore[attr-defined]

    def clean_contacts(self) -> list[tuple[str, str, str]]:
        rows = []
        for line in self.cleaned_data["contacts"].splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 2:
                raise ValidationError(_("每行须有姓名和电话。"))
            rows.append((parts[0], parts[1], " ".join(parts[2:])))
        return rows


class VisitForm(BaseForm):
    visited_at = LocalDateTimeField(label=_("走访时间"))
    method = forms.ChoiceField(label=_("方式"), choices=VisitMethod.choices)
    note = forms.CharField(
        label=_("走访情况"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("吃饭、身体、居住安全（燃气、用电）、需要什么帮助。"),
    )
    follow_up = forms.BooleanField(
        label=_("需要跟进：保存时生成一张服务需求（群众点单）"), required=False
    )
