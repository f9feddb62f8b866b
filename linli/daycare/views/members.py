"""A centre's members: the list with applications, finding a resident to apply, and a member's
page (assessment, agreement, leaving, care plans, care sessions, disability details, health)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from linli.core.errors import DomainError
from linli.daycare import access
from linli.daycare.actions import care, members
from linli.daycare.forms import (
    AgreeForm,
    ApplyForm,
    AssessForm,
    PlanForm,
    ReasonForm,
    SessionForm,
)
from linli.daycare.models import MEMBER_TRANSITIONS, Centre, CentreKind, Membership, MemberStatus
from linli.elders.forms import now_local
from linli.health.panels import health_panel
from linli.people.actions import resident_reveal_sensitive
from linli.people.models import Resident, Tag
from linli.volunteers.models import Volunteer

STATUS_ORDER = [
    MemberStatus.APPLIED,
    MemberStatus.ASSESSED,
    MemberStatus.ACTIVE,
    MemberStatus.LEFT,
    MemberStatus.DECLINED,
]


@require_safe
@login_required
def member_list(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre, standing = access.get_centre_for_user(request.user, centre_id, need="care")
    status = request.GET.get("status", MemberStatus.ACTIVE)
    status = status if status in MemberStatus.values else MemberStatus.ACTIVE
    rows = (
        Membership.objects.filter(centre=centre, status=status)
        .select_related("resident__household__building__estate")
        .order_by("resident__name_pinyin", "pk")
    )
    counts = {
        code: Membership.objects.filter(centre=centre, status=code).count() for code in STATUS_ORDER
    }
    return render(
        request,
        "daycare/members.html",
        {
            "centre": centre,
            "standing": standing,
            "status": status,
            "rows": rows,
            "counts": [(code, MemberStatus(code).label, counts[code]) for code in STATUS_ORDER],
        },
    )


def _candidates(centre: Centre, q: str) -> Any:
    """Residents of the station matching `q` who could apply (the disabled centre: registered
    disabled residents), ten at most."""
    found = Resident.objects.filter(station=centre.station, status=Resident.Status.LIVING).filter(
        Q(name__contains=q) | Q(name_initials__startswith=q.lower())
    )
    if centre.kind == CentreKind.DISABLED:
        found = found.filter(tags__tag=Tag.DISABLED)
    return found.select_related("household__building__estate").order_by("name_pinyin")[:10]


@require_safe
@login_required
def member_search(request: HttpRequest, centre_id: int) -> HttpResponse:
    """htmx: residents to apply for, as the worker types a name."""
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="attend")
    q = request.GET.get("q", "").strip()[:30]
    rows = _candidates(centre, q) if q and "\x00" not in q else []
    return render(
        request, "daycare/members.html#candidates", {"centre": centre, "candidates": rows}
    )


@require_POST
@login_required
def member_apply(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="attend")
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请先找到要申请的居民。"))
        return redirect("daycare:members", centre_id=centre.pk)
    resident = Resident.objects.filter(
        pk=form.cleaned_data["resident"], station=centre.station
    ).first()
    try:
        if resident is None:
            raise ValidationError(_("本站没有这位居民。"))
        membership = members.member_apply(
            centre=centre, resident=resident, note=form.cleaned_data["note"], actor=request.user
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已登记申请，请安排评估。"))
        return redirect("daycare:member", centre_id=centre.pk, membership_id=membership.pk)
    return redirect(reverse("daycare:members", args=[centre.pk]) + "?status=applied")


def _volunteers(centre: Centre) -> Any:
    volunteers = Volunteer.objects.filter(station=centre.station, status=Volunteer.Status.ACTIVE)
    if centre.volunteer_course_id is not None:
        volunteers = volunteers.filter(
            training__attended=True, training__session__course_id=centre.volunteer_course_id
        ).distinct()
    return volunteers.select_related("person").order_by("person__name_pinyin")


@require_safe
@login_required
def member_detail(request: HttpRequest, centre_id: int, membership_id: int) -> HttpResponse:
    centre, standing = access.get_centre_for_user(request.user, centre_id, need="care")
    membership = access.get_membership(centre, membership_id)
    resident = membership.resident
    moves = MEMBER_TRANSITIONS[membership.status]
    return render(
        request,
        "daycare/member.html",
        {
            "centre": centre,
            "standing": standing,
            "membership": membership,
            "resident": resident,
            "age": resident.age(),
            "plans": membership.plans.select_related("created_by")[:5],
            "sessions": membership.sessions.select_related("caregiver", "volunteer__person")[:20],
            "assess_form": AssessForm() if MemberStatus.ASSESSED in moves else None,
            "agree_form": AgreeForm()
            if MemberStatus.ACTIVE in moves and standing.manages
            else None,
            "decline_form": ReasonForm()
            if MemberStatus.DECLINED in moves and standing.manages
            else None,
            "leave_form": ReasonForm() if MemberStatus.LEFT in moves and standing.manages else None,
            "plan_form": PlanForm.blank() if membership.status == MemberStatus.ACTIVE else None,
            "session_form": SessionForm(
                volunteers=_volunteers(centre),
                initial={"started_at": now_local(), "minutes": 60},
            )
            if membership.status == MemberStatus.ACTIVE
            else None,
            "has_disability": bool(resident.sensitive_cipher),
            "health": health_panel(request.user, resident)
            if membership.status == MemberStatus.ACTIVE
            else None,
        },
    )


def _back(centre: Centre, membership: Membership) -> HttpResponse:
    return redirect("daycare:member", centre_id=centre.pk, membership_id=membership.pk)


def _report(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, ValidationError):
        messages.error(request, "；".join(error.messages))
    elif isinstance(error, DomainError):
        messages.error(request, error.message)


@require_POST
@login_required
def member_move(
    request: HttpRequest, centre_id: int, membership_id: int, move: str
) -> HttpResponse:
    """Assessment, agreement, declining, leaving: one form each, one action each."""
    need = "attend" if move == "assess" else "manage"
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need=need)
    membership = access.get_membership(centre, membership_id)
    forms = {"assess": AssessForm, "agree": AgreeForm, "decline": ReasonForm, "leave": ReasonForm}
    form = forms[move](request.POST)
    if not form.is_valid():
        messages.error(
            request, "；".join(str(m) for errors in form.errors.values() for m in errors)
        )
        return _back(centre, membership)
    data = form.cleaned_data
    try:
        if move == "assess":
            members.member_assess(membership=membership, actor=request.user, **data)
        elif move == "agree":
            members.member_agree(membership=membership, actor=request.user, **data)
        elif move == "decline":
            members.member_decline(membership=membership, actor=request.user, **data)
        else:
            members.member_leave(membership=membership, actor=request.user, **data)
    except (ValidationError, DomainError) as error:
        _report(request, error)
    else:
        messages.success(request, _("已保存。"))
    return _back(centre, membership)


@require_POST
@login_required
def plan_create(request: HttpRequest, centre_id: int, membership_id: int) -> HttpResponse:
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="care")
    membership = access.get_membership(centre, membership_id)
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            care.care_plan_create(
                membership=membership, data=care.PlanInput(**form.cleaned_data), actor=request.user
            )
        except (ValidationError, DomainError) as error:
            _report(request, error)
        else:
            messages.success(request, _("照护计划已保存。"))
    else:
        messages.error(
            request, "；".join(str(m) for errors in form.errors.values() for m in errors)
        )
    return _back(centre, membership)


@require_POST
@login_required
def session_create(request: HttpRequest, centre_id: int, membership_id: int) -> HttpResponse:
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="care")
    membership = access.get_membership(centre, membership_id)
    form = SessionForm(request.POST, volunteers=_volunteers(centre))
    if form.is_valid():
        data = form.cleaned_data
        try:
            care.care_session_record(
                membership=membership,
                kind=data["kind"],
                started_at=data["started_at"],
                minutes=data["minutes"],
                volunteer=data["volunteer"],
                note=data["note"],
                actor=request.user,
            )
        except (ValidationError, DomainError) as error:
            _report(request, error)
        else:
            messages.success(request, _("照料服务已记录。"))
    else:
        messages.error(
            request, "；".join(str(m) for errors in form.errors.values() for m in errors)
        )
    return _back(centre, membership)


@require_POST
@login_required
def disability(request: HttpRequest, centre_id: int, membership_id: int) -> HttpResponse:
    """The registry's disability type and grade, shown once on request to staff and the centre's
    caregivers; every read is written to the audit log."""
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="care")
    membership = access.get_membership(centre, membership_id)
    details = resident_reveal_sensitive(resident=membership.resident, actor=request.user)
    return render(
        request,
        "daycare/member.html#disability",
        {"details": details, "at": timezone.localtime()},
    )
