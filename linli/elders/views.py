"""The 银龄关爱 pages under `/elders/`: the staff's list and map of due visits, an elder's care
page, the visit form, and a volunteer's offered visits. Every page asks linli.elders.access."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import has_role, role_required, visible_stations
from linli.accounts.models import Role
from linli.core.errors import DomainError
from linli.daycare.models import MemberStatus
from linli.elders import access, actions
from linli.elders.forms import ElderFilterForm, ProfileForm, VisitForm, now_local
from linli.elders.models import ElderProfile, Visit
from linli.elders.queries import (
    ElderFilter,
    address_of,
    due_map,
    filter_profiles,
    level_counts,
    tags_of,
    visit_rows,
    with_row_relations,
)
from linli.health.panels import health_panel
from linli.org.models import Estate
from linli.teams.models import Team
from linli.volunteers.access import active_volunteer_of

PAGE_SIZE = 30


@require_safe
@login_required
@role_required(*access.READ_ROLES)
def elder_list(request: HttpRequest) -> HttpResponse:
    """Every elder of the stations in reach, filtered by care level, tag, estate, overdue."""
    criteria = ElderFilter.from_params(request.GET)
    reach = access.profiles_for_user(request.user)
    profiles = with_row_relations(filter_profiles(reach, criteria))
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    stations = visible_stations(request.user, roles=access.READ_ROLES).values("pk")
    form = ElderFilterForm(
        request.GET or None, estates=Estate.objects.filter(station_id__in=stations)
    )
    today = timezone.localdate()
    context = {
        "form": form,
        "page": page,
        "rows": [(profile, tags_of(profile), profile.is_overdue(today)) for profile in page],
        "overdue_total": filter_profiles(reach, ElderFilter(overdue=True)).count(),
        "levels": level_counts(filter_profiles(reach, ElderFilter())),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "elders/list.html#results", context)
    return render(request, "elders/list.html", context)


@require_safe
@login_required
@role_required(*access.READ_ROLES)
def elder_map(request: HttpRequest) -> HttpResponse:
    """Due visits by estate and building: where to send the visitors this week."""
    blocks = due_map(access.profiles_for_user(request.user))
    return render(request, "elders/map.html", {"blocks": blocks})


@require_safe
@login_required
def offered(request: HttpRequest) -> HttpResponse:
    """A volunteer's visits: overdue or due within a week, near home or for their team. A user
    with the volunteer role whose record is not active (yet) sees none."""
    volunteer = active_volunteer_of(request.user)
    if volunteer is None and not has_role(request.user, Role.VOLUNTEER):
        raise PermissionDenied
    profiles = (
        with_row_relations(access.offered_visits(volunteer)).order_by("next_visit_due", "pk")[:50]
        if volunteer is not None
        else []
    )
    today = timezone.localdate()
    rows = [
        (profile, address_of(profile.resident), tags_of(profile, visit_only=True))
        for profile in profiles
    ]
    mine = (
        Visit.objects.filter(volunteer=volunteer, volunteer__isnull=False)
        .select_related("profile__resident", "service_request")
        .order_by("-visited_at")[:10]
    )
    return render(request, "elders/offered.html", {"rows": rows, "today": today, "mine": mine})


def _profile_form(profile: ElderProfile, data: Any = None) -> ProfileForm:
    contacts = "\n".join(
        f"{c.name} {c.phone} {c.relation}".strip() for c in profile.emergency_contacts.all()
    )
    return ProfileForm(
        data,
        teams=Team.objects.filter(station_id=profile.station_id, parent__isnull=True),
        initial={
            "care_level": profile.care_level,
            "visit_interval_days": profile.visit_interval_days
            if profile.interval_set_by_staff
            else None,
            "visit_team": profile.visit_team_id,
            "note": profile.note,
            "contacts": contacts,
        },
    )


@require_safe
@login_required
def elder_detail(request: HttpRequest, resident_id: int) -> HttpResponse:
    """An elder's care page. Staff and supervisors see the profile and every visit (staff also
    the health records); a volunteer the visit is offered to sees what a visit needs."""
    profile, standing = access.get_profile_for_user(request.user, resident_id)
    resident = profile.resident
    context: dict[str, Any] = {
        "profile": profile,
        "resident": resident,
        "standing": standing,
        "age": resident.age(),
        "address": address_of(resident),
        "overdue": profile.is_overdue(),
    }
    if standing.sees_profile:
        context |= {
            "tags": tags_of(profile),
            "contacts": profile.emergency_contacts.all(),
            "visits": visit_rows(profile),
            "memberships": resident.centre_memberships.filter(
                status=MemberStatus.ACTIVE
            ).select_related("centre"),
            "form": _profile_form(profile) if standing.may_edit else None,
            "health": health_panel(request.user, resident),
        }
    else:
        context |= {
            "tags": tags_of(profile, visit_only=True),
            "visits": [
                visit
                for visit in visit_rows(profile, limit=10)
                if visit.visitor_id == request.user.pk
            ],
        }
    context["visit_form"] = (
        VisitForm(initial={"visited_at": now_local(), "method": "home"})
        if standing.may_visit
        else None
    )
    return render(request, "elders/detail.html", context)


@require_POST
@login_required
def elder_edit(request: HttpRequest, resident_id: int) -> HttpResponse:
    profile, standing = access.get_profile_for_user(request.user, resident_id, need="edit")
    form = _profile_form(profile, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.elder_profile_update(
                profile=profile,
                actor=request.user,
                care_level=data["care_level"],
                visit_interval_days=data["visit_interval_days"],
                visit_team=data["visit_team"],
                note=data["note"],
                emergency_contacts=[
                    actions.ContactInput(name=name, phone=phone, relation=relation)
                    for name, phone, relation in data["contacts"]
                ],
            )
        except ValidationError as error:
            form.attach_errors(error)
        else:
            messages.success(request, _("关爱档案已保存。"))
            return redirect("elders:detail", resident_id=resident_id)
    messages.error(
        request,
        _("没有保存：")
        + "；".join(str(message) for errors in form.errors.values() for message in errors),
    )
    return redirect("elders:detail", resident_id=resident_id)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def visit_create(request: HttpRequest, resident_id: int) -> HttpResponse:
    profile, standing = access.get_profile_for_user(request.user, resident_id, need="visit")
    form = VisitForm(request.POST or None, initial={"visited_at": now_local(), "method": "home"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = actions.visit_log(
                profile=profile,
                actor=request.user,
                note=data["note"],
                at=data["visited_at"],
                method=data["method"],
                follow_up=data["follow_up"],
            )
        except ValidationError as error:
            form.attach_errors(error)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if visit.service_request_id:
                messages.success(
                    request,
                    _("走访已记录，并已生成服务需求 #%(number)d。")
                    % {"number": visit.service_request_id},
                )
            else:
                messages.success(request, _("走访已记录。"))
            if standing.runs:
                return redirect("elders:detail", resident_id=resident_id)
            return redirect("elders:offered")
    return render(
        request,
        "elders/visit_form.html",
        {"profile": profile, "resident": profile.resident, "form": form},
    )


@require_POST
@login_required
def visit_follow_up(request: HttpRequest, visit_id: int) -> HttpResponse:
    """One click on a logged visit: a service request pre-filled from it."""
    visit = get_object_or_404(Visit.objects.select_related("profile"), pk=visit_id)
    try:
        access.get_profile_for_user(request.user, visit.profile.resident_id, need="visit")
    except PermissionDenied as error:
        raise Http404("visit") from error
    try:
        visit = actions.visit_follow_up(visit=visit, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("已生成服务需求 #%(number)d。") % {"number": visit.service_request_id}
        )
    return redirect("elders:detail", resident_id=visit.profile.resident_id)
