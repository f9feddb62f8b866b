"""The partner pages, under `/partners/` (namespace `partners`): the list with each partner's
activities and hours, and a partner's page — its contacts, the activities it joined and the
people it sent with the hours they gave. Station staff add partners, contacts and links; they
link a volunteer to the partner with a search-as-you-type picker (name, pinyin, phone digits or
volunteer number) and unlink one with a button; an activity of the station is listed the same way,
found by its title or number, newest first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import visible_stations
from linli.elders.forms import BaseForm
from linli.partners import access, actions, queries
from linli.partners.models import Partner, PartnerKind, PartnerVolunteer


class PartnerForm(BaseForm):
    name = forms.CharField(label=gettext_lazy("单位名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=PartnerKind.choices)
    description = forms.CharField(
        label=gettext_lazy("共建内容"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PickerForm(BaseForm):
    # Django's CharField refuses NUL characters itself; the length bounds the search.
    q = forms.CharField(required=False, max_length=50, strip=True)


class ContactForm(BaseForm):
    name = forms.CharField(label=gettext_lazy("联系人"), max_length=50)
    role = forms.CharField(label=gettext_lazy("职务"), max_length=50, required=False)
    phone = forms.CharField(label=gettext_lazy("电话"), max_length=20, required=False)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def partner_list(request: HttpRequest) -> HttpResponse:
    partners = list(
        queries.with_counts(access.partners_for_user(request.user)).select_related("station")
    )
    stations = list(visible_stations(request.user, roles=access.KEEP_ROLES).filter(kind="station"))
    if not partners and not stations and not access.partners_for_user(request.user).exists():
        if not visible_stations(request.user, roles=access.READ_ROLES).exists():
            raise Http404("partners")
    form = PartnerForm(request.POST or None) if len(stations) == 1 else None
    if request.method == "POST":
        if form is None:
            raise Http404("station")
        if form.is_valid():
            try:
                partner = actions.partner_create(
                    station=stations[0],
                    data=actions.PartnerInput(**form.cleaned_data),
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, "；".join(error.messages))
            else:
                return redirect("partners:detail", partner_id=partner.pk)
    hours = queries.partner_hours([partner.pk for partner in partners])
    rows = [(partner, hours.get(partner.pk, queries.ZERO)) for partner in partners]
    return render(request, "partners/list.html", {"rows": rows, "form": form})


@login_required
@require_safe
def partner_detail(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_partner_for_user(request.user, partner_id)
    people = queries.people_with_hours(partner)
    keeps = access.may_keep(request.user, partner)
    return render(
        request,
        "partners/detail.html",
        {
            "partner": partner,
            "contacts": partner.contacts.all(),
            "links": queries.activities_of(partner),
            "people": people,
            "total_hours": sum((row.hours for row in people), queries.ZERO),
            "keeps": keeps,
            "contact_form": ContactForm() if keeps else None,
        },
    )


@login_required
@require_POST
def contact_add(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_partner_for_user(request.user, partner_id, write=True)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            actions.partner_contact_add(partner=partner, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
    else:
        messages.error(request, _("请填写联系人。"))
    return redirect("partners:detail", partner_id=partner.pk)


@login_required
@require_POST
def activity_add(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_partner_for_user(request.user, partner_id, write=True)
    activity = queries.station_activity(partner, request.POST.get("activity", ""))
    if activity is None:
        messages.error(request, _("本站没有这个活动。"))
    else:
        actions.partner_activity_add(partner=partner, activity=activity, actor=request.user)
        messages.success(request, _("已关联活动：%(title)s。") % {"title": activity.title})
    return redirect("partners:detail", partner_id=partner.pk)


def _picker(
    request: HttpRequest,
    partner_id: int,
    candidates: Callable[[Partner, str], Iterable[Any]],
    partial: str,
) -> HttpResponse:
    """htmx: what a picker on the partner page offers for the typed `q` (staff only)."""
    partner = access.get_partner_for_user(request.user, partner_id, write=True)
    form = PickerForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    found = list(candidates(partner, q)) if q else []
    return render(
        request,
        f"partners/detail.html#{partial}",
        {"partner": partner, "q": q, "found": found, "invalid": not form.is_valid()},
    )


@login_required
@require_safe
def activity_search(request: HttpRequest, partner_id: int) -> HttpResponse:
    """The station's activities matching `q` the partner is not listed on yet."""
    return _picker(request, partner_id, queries.activity_candidates, "activity_picker")


@login_required
@require_safe
def volunteer_search(request: HttpRequest, partner_id: int) -> HttpResponse:
    """The station's volunteers matching `q` who are not linked to the partner yet."""
    return _picker(request, partner_id, queries.volunteer_candidates, "picker")


@login_required
@require_POST
def volunteer_add(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_partner_for_user(request.user, partner_id, write=True)
    volunteer = queries.station_volunteer(partner, request.POST.get("volunteer", ""))
    if volunteer is None:
        messages.error(request, _("本站没有这位志愿者。"))
    else:
        actions.partner_volunteer_add(partner=partner, volunteer=volunteer, actor=request.user)
        messages.success(
            request, _("已将 %(name)s 关联到本单位。") % {"name": volunteer.person.name}
        )
    return redirect("partners:detail", partner_id=partner.pk)


@login_required
@require_POST
def volunteer_remove(request: HttpRequest, partner_id: int, link_id: int) -> HttpResponse:
    partner = access.get_partner_for_user(request.user, partner_id, write=True)
    link = (
        PartnerVolunteer.objects.select_related("partner__station", "volunteer__person")
        .filter(partner=partner, pk=link_id)
        .first()
    )
    if link is None:
        raise Http404("link")
    actions.partner_volunteer_remove(link=link, actor=request.user)
    messages.success(
        request, _("已取消 %(name)s 与本单位的关联。") % {"name": link.volunteer.person.name}
    )
    return redirect("partners:detail", partner_id=partner.pk)
