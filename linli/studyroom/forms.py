"""The forms of the study-room pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.daycare.forms import SaneDateField
from linli.elders.forms import BaseForm
from linli.people.models import Resident
from linli.studyroom.models import ClassKind, GuardianRelation
from linli.volunteers.models import Volunteer


class EnrolForm(BaseForm):
    """Enrolment: by a guardian online, or by staff from the signed paper form."""

    child = forms.ModelChoiceField(label=_("孩子"), queryset=Resident.objects.none())
    guardians = forms.ModelMultipleChoiceField(
        label=_("可接送的监护人"),
        queryset=Resident.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    relation = forms.ChoiceField(label=_("与孩子的关系"), choices=GuardianRelation.choices)
    school = forms.CharField(label=_("学校"), max_length=100)
    grade = forms.IntegerField(label=_("年级"), min_value=1, max_value=12)
    allergies = forms.CharField(
        label=_("过敏信息（加密保存）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    health_notes = forms.CharField(
        label=_("健康备注（加密保存）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo_consent = forms.BooleanField(label=_("同意在活动照片中出现孩子"), required=False)
    consent = forms.BooleanField(
        label=_(
            "我是孩子的监护人，单独同意微学堂收集和使用孩子的个人信息（含过敏和健康信息），用于接送和照看。"
        ),
        required=False,
    )

    def __init__(
        self, *args: Any, children: Any, adults: Any, picked: bool = False, **kwargs: Any
    ) -> None:
        """`picked`: the child is chosen with the search-as-you-type picker (staff, who see
        all the station's children), so the field is a hidden id, not a list of them all."""
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = children  # type: ignore[attr-defined]
        self.fields["guardians"].queryset = adults  # type: ignore[attr-defined]
        if picked:
            self.fields["child"].widget = forms.HiddenInput()


class PickerForm(BaseForm):
    # Django's CharField refuses NUL characters itself; the length bounds the search.
    q = forms.CharField(required=False, max_length=50, strip=True)


class GuardianForm(BaseForm):
    person = forms.ModelChoiceField(label=_("接送人"), queryset=Resident.objects.none())
    relation = forms.ChoiceField(label=_("关系"), choices=GuardianRelation.choices)

    def __init__(self, *args: Any, adults: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = adults  # type: ignore[attr-defined]


class ScanForm(BaseForm):
    scanned = forms.CharField(
        label=_("扫接送人的居民卡"),
        max_length=500,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": _("用扫码枪扫卡，或粘贴卡上的链接")}
        ),
    )


class ShiftForm(BaseForm):
    volunteer = forms.ModelChoiceField(label=_("值班老师"), queryset=Volunteer.objects.none())
    day = SaneDateField(label=_("日期"))

    def __init__(self, *args: Any, tutors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["volunteer"]
        field.queryset = tutors  # type: ignore[attr-defined]
        field.label_from_instance = lambda volunteer: volunteer.person.name  # type: ignore[attr-defined]


WEEKDAYS = [
    (0, _("星期一")), (1, _("星期二")), (2, _("星期三")), (3, _("星期四")),
    (4, _("星期五")), (5, _("星期六")), (6, _("星期日")),
]  # fmt: skip


class ClassForm(BaseForm):
    kind = forms.ChoiceField(label=_("类别"), choices=ClassKind.choices)
    name = forms.CharField(label=_("名称"), max_length=60)
    weekday = forms.TypedChoiceField(label=_("星期"), choices=WEEKDAYS, coerce=int)
    starts = forms.TimeField(label=_("开始"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("结束"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=200)
    tutor = forms.ModelChoiceField(
        label=_("老师"), queryset=Volunteer.objects.none(), required=False
    )

    def __init__(self, *args: Any, tutors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tutor"]
        field.queryset = tutors  # type: ignore[attr-defined]
        field.label_from_instance = lambda volunteer: volunteer.person.name  # type: ignore[attr-defined]


class RoomForm(BaseForm):
    name = forms.CharField(label=_("名称"), max_length=100, initial=_("午间微学堂"))
    place = forms.CharField(label=_("地点"), max_length=200, required=False)


def _clock(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )


class RoomSettingsForm(BaseForm):
    """The room's name, place, day and retention period (staff); the action checks the bounds."""

    name = forms.CharField(label=_("名称"), max_length=100)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    opens_at = _clock(_("开始时间"))
    closes_at = _clock(_("结束时间"))
    still_in_alert_at = _clock(_("未接走提醒时间"))
    retention_days = forms.IntegerField(
        label=_("离开后保留天数"),
        min_value=1,
        max_value=3650,
        help_text=_("学生离开后，信息保留这么多天，之后自动匿名化；只对此后离开的学生生效。"),
    )
