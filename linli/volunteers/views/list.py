"""The volunteer list (`/volunteers/`): staff see their stations' volunteers, a team leader the
members of their teams. Filters by team, skill, service category, status and free time; search by
name, pinyin, initials, phone, ID number or volunteer number. One URL serves the page and, for
htmx, its results fragment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from linli.core.categories import ServiceCategory
from linli.core.forms import BaseForm
from linli.core.paging import CountedPaginator
from linli.volunteers import access
from linli.volunteers.models import SLOTS, WEEKDAYS, Volunteer
from linli.volunteers.queries import (
    ALL_STATUSES,
    SLOT_CODES,
    WEEKDAY_CODES,
    VolunteerFilter,
    active_memberships,
    availability_text,
    category_labels,
    filter_teams_for_user,
    filter_volunteers,
    in_name_order,
    with_list_relations,
)

PAGE_SIZE = 30


class VolunteerFilterForm(BaseForm):
    q = forms.CharField(
        label=_("查找"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("姓名、拼音首字母、电话或志愿者编号"),
                "autocomplete": "off",
            }
        ),
    )
    team = forms.ChoiceField(label=_("队伍"), required=False)
    category = forms.ChoiceField(
        label=_("服务类别"),
        required=False,
        choices=[("", _("全部"))] + list(ServiceCategory.choices),
    )
    skill = forms.CharField(
        label=_("专业技能"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("如 理发、法律、电脑")}),
    )
    weekday = forms.ChoiceField(
        label=_("有空的日子"),
        required=False,
        choices=[("", _("不限"))] + list(zip(WEEKDAY_CODES, WEEKDAYS, strict=True)),
    )
    slot = forms.ChoiceField(
        label=_("有空的时段"),
        required=False,
        choices=[("", _("不限"))] + list(zip(SLOT_CODES, SLOTS, strict=True)),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=list(Volunteer.Status.choices) + [(ALL_STATUSES, _("全部"))],
    )

    def __init__(self, *args: Any, teams: Any = (), **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ChoiceField)  # noqa: S101 (declared above)
        team_field.choices = [("", _("全部"))] + [(str(team.pk), team.name) for team in teams]


@require_safe
@login_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    if not access.can_browse_volunteers(request.user):
        raise PermissionDenied
    criteria = VolunteerFilter.from_params(request.GET)
    volunteers = filter_volunteers(access.volunteers_for_user(request.user), criteria)
    count = volunteers.count()
    ordered = with_list_relations(in_name_order(volunteers, count))
    page = CountedPaginator(ordered, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    shown = request.GET.copy()
    shown["status"] = criteria.status  # the select shows the status the list is filtered by
    form = VolunteerFilterForm(shown, teams=filter_teams_for_user(request.user))
    rows = [
        {
            "volunteer": volunteer,
            "memberships": active_memberships(volunteer),
            "categories": category_labels(volunteer),
            "availability": availability_text(volunteer.availability),
        }
        for volunteer in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "form": form,
        "can_manage": access.can_manage_volunteers(request.user),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "volunteers/list.html#results", context)
    return render(request, "volunteers/list.html", context)
