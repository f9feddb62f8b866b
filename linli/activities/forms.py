"""Forms for the activity pages. They read input; the actions keep the rules."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from linli.activities.actions.lifecycle import ActivityInput
from linli.activities.actions.recurrence import Rule
from linli.activities.models import ActivityStatus
from linli.core.categories import ServiceCategory
from linli.core.forms import BaseForm
from linli.teams.models import Team
from linli.volunteers.models import Course, Volunteer

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def _moment(label: Any, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
        **kwargs,
    )


_Form = BaseForm  # the project's form base, under this module's old name


class ActivityFilterForm(_Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ActivityStatus.choices]
    )
    team = forms.ModelChoiceField(
        label=_("队伍"), required=False, queryset=Team.objects.none(), empty_label=_("全部队伍")
    )
    category = forms.ChoiceField(
        label=_("服务类别"),
        required=False,
        choices=[("", _("全部类别")), *ServiceCategory.choices],
    )
    month = forms.CharField(
        label=_("月份"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )

    def __init__(
        self,
        *args: Any,
        teams: QuerySet[Team],
        drafts: bool = True,
        team_choices: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`team_choices` (the teams' cached (id, name) list) renders the team menu without
        reading `teams`, which then only checks a team given."""
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        if team_choices is not None:
            self.fields["team"].widget.choices = [("", self.fields["team"].empty_label)] + [  # type: ignore[attr-defined]
                (str(pk), name) for pk, name in team_choices
            ]
        if not drafts:  # those who do not organise activities never see a draft
            self.fields["status"].choices = [  # type: ignore[attr-defined]
                (value, label)
                for value, label in self.fields["status"].choices  # type: ignore[attr-defined]
                if value != ActivityStatus.DRAFT
            ]

    def clean_month(self) -> date | None:
        value = self.cleaned_data["month"]
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("月份格式为 2026-03。"))
        return date(int(match.group(1)), int(match.group(2)), 1)


class ActivityForm(_Form):
    title = forms.CharField(label=_("活动名称"), max_length=100)
    category = forms.ChoiceField(label=_("服务类别"), choices=ServiceCategory.choices)
    team = forms.ModelChoiceField(
        label=_("组织队伍"), queryset=Team.objects.none(), required=False, empty_label=_("无")
    )
    organizer = forms.CharField(
        label=_("活动组织单位"),
        max_length=100,
        required=False,
        help_text=_("不填则为本站。"),
    )
    partners = forms.CharField(label=_("协办单位"), max_length=200, required=False)
    description = forms.CharField(
        label=_("服务内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    place = forms.CharField(label=_("地点"), max_length=100)
    starts_at = _moment(_("开始时间"))
    ends_at = _moment(
        _("结束时间"),
        help_text=_("补录已结束的活动：可填过去的时间，须在活动结束后 10 个工作日内。"),
    )
    capacity = forms.IntegerField(label=_("招募人数"), min_value=1, max_value=10000)
    required_course = forms.ModelChoiceField(
        label=_("须完成的培训"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("不要求"),
    )
    members_only = forms.BooleanField(label=_("仅限本队队员报名"), required=False)
    responsible_name = forms.CharField(label=_("活动负责人"), max_length=50)
    responsible_phone = forms.CharField(label=_("负责人电话"), max_length=20, required=False)

    INPUT_FIELDS = (
        "title", "category", "place", "starts_at", "ends_at", "capacity", "responsible_name",
        "team", "partners", "organizer", "description", "required_course", "members_only",
        "responsible_phone",
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        teams: QuerySet[Team],
        courses: QuerySet[Course],
        team_required: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["team"].required = team_required
        self.fields["required_course"].queryset = courses  # type: ignore[attr-defined]

    def activity_input(self) -> ActivityInput:
        data = self.cleaned_data
        return ActivityInput(**{name: data[name] for name in self.INPUT_FIELDS})


class NewActivityForm(ActivityForm):
    repeat = forms.ChoiceField(label=_("重复"), choices=Rule.choices, initial=Rule.NONE)
    repeat_until = forms.DateField(
        label=_("重复截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ReasonForm(_Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class AddVolunteerForm(_Form):
    who = forms.CharField(
        label=_("志愿者编号或姓名"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class HoursForm(_Form):
    hours = forms.DecimalField(
        label=_("服务时长（小时）"), min_value=Decimal("0"), max_digits=6, decimal_places=2
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class DecisionForm(_Form):
    decision = forms.ChoiceField(choices=[("approve", _("通过")), ("reject", _("不通过"))])
    reason = forms.CharField(label=_("意见"), max_length=200, required=False)


class CorrectionDecisionForm(_Form):
    decision = forms.ChoiceField(choices=[("accept", _("更正")), ("decline", _("不更正"))])
    answer = forms.CharField(label=_("处理意见"), max_length=300, required=False)
    corrected_hours = forms.DecimalField(
        label=_("正确的时长（小时，可不填）"),
        required=False,
        min_value=Decimal("0"),
        max_digits=6,
        decimal_places=2,
    )


class CorrectionRequestForm(_Form):
    message = forms.CharField(label=_("哪里有误"), max_length=300)


class ClaimForm(_Form):
    signup = forms.TypedChoiceField(label=_("活动"), coerce=int, choices=[])
    started_at = _moment(_("开始服务时间"))
    ended_at = _moment(_("结束服务时间"))
    note = forms.CharField(
        label=_("说明"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("为什么没能签到，做了什么")}),
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signup"].choices = choices  # type: ignore[attr-defined]


class CardForm(_Form):
    card = forms.CharField(
        label=_("志愿者证二维码"),
        max_length=500,
        help_text=_("用手机扫志愿者证上的二维码，把打开的链接（或其中的代码）粘贴到这里。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off"}),
    )


class ManualForm(_Form):
    volunteer = forms.ModelChoiceField(label=_("志愿者"), queryset=Volunteer.objects.none())
    direction = forms.ChoiceField(label=_("登记"), choices=[("in", _("签到")), ("out", _("签退"))])
    at = _moment(_("时间"))

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["volunteer"]
        field.queryset = volunteers  # type: ignore[attr-defined]
        field.label_from_instance = lambda volunteer: volunteer.person.name  # type: ignore[attr-defined]
