"""Forms for the team pages. They read input; the actions keep the rules."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from linli.core.categories import ServiceCategory
from linli.core.forms import BaseForm
from linli.teams.models import Team
from linli.volunteers.models import Course, Volunteer

_Form = BaseForm  # the project's form base, under this module's old name


class TeamForm(_Form):
    name = forms.CharField(label=_("队伍名称"), max_length=100)
    parent = forms.ModelChoiceField(
        label=_("上级队伍"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("无（一级服务队）"),
        help_text=_("设为分队时选择所属的服务队，如文体志愿服务队下的舞龙队。"),
    )
    description = forms.CharField(
        label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    categories = forms.MultipleChoiceField(
        label=_("服务类别"),
        required=False,
        choices=ServiceCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, parents: QuerySet[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


class CourseChoiceForm(_Form):
    course = forms.ModelChoiceField(
        label=_("培训课程"), queryset=Course.objects.none(), empty_label=_("请选择课程")
    )

    def __init__(self, *args: Any, courses: QuerySet[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]


class VolunteerChoiceForm(_Form):
    volunteer = forms.ModelChoiceField(queryset=Volunteer.objects.none())

    def __init__(self, *args: Any, volunteers: QuerySet[Volunteer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]


class DecisionForm(_Form):
    decision = forms.ChoiceField(choices=[("approve", _("通过")), ("decline", _("不通过"))])
    note = forms.CharField(required=False, max_length=200)


class TroupeEventForm(_Form):
    """A troupe's rehearsal or performance."""

    kind = forms.ChoiceField(
        label=_("类型"), choices=[("rehearsal", _("排练")), ("performance", _("演出"))]
    )
    title = forms.CharField(label=_("名称"), max_length=100)
    place = forms.CharField(label=_("地点"), max_length=100)
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    capacity = forms.IntegerField(label=_("人数"), min_value=1, max_value=500)
