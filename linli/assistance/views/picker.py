"""The dispatch picker: staff type a name, its pinyin or a volunteer number and the station's
volunteers who may take the request appear as they type, ranked by the same function as the
suggestions, each with their teams, skills and how many requests they hold now."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from linli.assistance import access
from linli.assistance.suggestions import PICKER_LIMIT, suggest_volunteers
from linli.core.forms import BaseForm
from linli.teams.models import TeamMembership


class PickerForm(BaseForm):
    # Django's CharField refuses NUL characters itself; the length bounds the search.
    q = forms.CharField(required=False, max_length=50, strip=True)


def team_names(volunteer_ids: list[int]) -> dict[int, list[str]]:
    """The active teams of a few volunteers (one query, at most PICKER_LIMIT people)."""
    names: dict[int, list[str]] = defaultdict(list)
    for volunteer_id, name in (
        TeamMembership.objects.filter(
            volunteer_id__in=volunteer_ids, status=TeamMembership.Status.ACTIVE
        )
        .order_by("team__name")
        .values_list("volunteer_id", "team__name")
    ):
        names[volunteer_id].append(name)
    return names


@require_safe
@login_required
def volunteer_picker(request: HttpRequest, pk: int) -> HttpResponse:
    """Volunteers matching `q` for dispatching request `pk` (htmx fragment). Only those who may
    dispatch it; 404 for a request out of reach, 403 for one they may only see."""
    service_request = access.get_request_for_user(request.user, pk)
    access.authorize(request.user, service_request, "dispatch")
    form = PickerForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    found = suggest_volunteers(service_request, limit=PICKER_LIMIT, search=q) if q else []
    teams = team_names([suggestion.volunteer_id for suggestion in found])
    return render(
        request,
        "assistance/detail.html#picker",
        {
            "sr": service_request,
            "picked": [
                (suggestion, teams.get(suggestion.volunteer_id, [])) for suggestion in found
            ],
            "q": q,
            "invalid": not form.is_valid(),
        },
    )
