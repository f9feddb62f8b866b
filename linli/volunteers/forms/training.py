"""Forms for the training pages. They read input; the actions keep the rules."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.forms import BaseForm
from linli.volunteers.models import Volunteer

_Form = BaseForm  # the project's form base, under this module's old name


class NameFilterForm(_Form):
    q = forms.CharField(
        label=_("查找志愿者"),
        required=False,
        max_length=30,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("姓名或拼音首字母，如 hwj"),
                "autocomplete": "off",
            }
        ),
    )


class CourseForm(_Form):
    name = forms.CharField(label=_("课程名称"), max_length=100)
    hours = forms.DecimalField(
        label=_("学习时长（小时）"),
        max_digits=5,
        decimal_places=1,
        min_value=Decimal("0.1"),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    organizer = forms.CharField(
        label=_("举办单位"),
        required=False,
        max_length=100,
        help_text=_("不填则为本站。"),
    )
    content = forms.CharField(
        label=_("主要内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class SessionForm(_Form):
    held_on = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    place = forms.CharField(label=_("地点"), required=False, max_length=100)
    trainer = forms.CharField(label=_("授课人"), required=False, max_length=50)


class AttendanceForm(_Form):
    """The roll: who attended (checkboxes) and the hours each is credited."""

    present = forms.ModelMultipleChoiceField(
        label=_("出勤志愿者"), queryset=Volunteer.objects.none(), required=False
    )
    hours = forms.DecimalField(
        label=_("学习时长（小时）"),
        max_digits=5,
        decimal_places=1,
        required=False,
        min_value=Decimal("0.1"),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = volunteers  # type: ignore[attr-defined]
