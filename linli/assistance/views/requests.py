"""A service request's page: what was asked, where it stands, its timeline in plain words, and
the forms for the actions the user may take now; and the photos of the work.

Who may open a request is `access.get_request_for_user` (404 otherwise). The user's standing to
it (`access.standing_of`) is read once per page: the forms shown are those it allows in the
current state, the contact and the photos those it lets the user see. Showing is not the check:
every POST asks the gate again and goes through the action, whose refusal is shown on the page
— a DomainError with its status (409), a ValidationError beside the form (422). A success
redirects (PRG).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from linli.assistance import access, actions, timers
from linli.assistance.forms.requests import (
    ActionForm,
    ClassifyForm,
    CompleteForm,
    DispatchForm,
    EmptyForm,
    FollowUpForm,
    PhotosForm,
    RateForm,
    ReasonForm,
)
from linli.assistance.models import (
    REQUEST_TRANSITIONS,
    FollowUp,
    RequestPhoto,
    RequestStatus,
    ServiceRequest,
)
from linli.assistance.suggestions import suggest_volunteers
from linli.assistance.timeline import timeline
from linli.core.confirm import hours_text
from linli.core.errors import DomainError

# action → (the form that reads its input, the gate's name for who may do it)
ACTION_FORMS: dict[str, tuple[type[ActionForm], str]] = {
    "dispatch": (DispatchForm, "dispatch"),
    "reject": (ReasonForm, "reject"),
    "cancel": (ReasonForm, "cancel"),
    "accept": (EmptyForm, "accept"),
    "start": (EmptyForm, "start"),
    "complete": (CompleteForm, "complete"),
    "photos": (PhotosForm, "complete"),
    "confirm": (EmptyForm, "confirm"),
    "rate": (RateForm, "rate"),
    "reopen": (ReasonForm, "reopen"),
    "follow_up": (FollowUpForm, "follow_up"),
    "classify": (ClassifyForm, "classify"),
}
# The state an action moves the request to, where it moves it: offered only if the table allows.
ACTION_TARGETS = {
    "dispatch": RequestStatus.DISPATCHED,
    "reject": RequestStatus.REJECTED,
    "cancel": RequestStatus.CANCELLED,
    "accept": RequestStatus.ACCEPTED,
    "start": RequestStatus.IN_SERVICE,
    "complete": RequestStatus.COMPLETED,
    "rate": RequestStatus.RATED,
    "reopen": RequestStatus.SUBMITTED,
}
WORK_DONE_STATES = frozenset({RequestStatus.COMPLETED, RequestStatus.RATED})
PHOTO_STATES = frozenset({RequestStatus.IN_SERVICE, *WORK_DONE_STATES})


def open_followup(service_request: ServiceRequest) -> FollowUp | None:
    return service_request.followups.filter(closed_at__isnull=True).first()


def available_actions(
    standing: access.Standing, service_request: ServiceRequest, *, followup: FollowUp | None
) -> list[str]:
    """The actions to offer now: allowed by the gate (`standing`, the user's to this request)
    and, for a move, by the table. `followup` is the request's open follow-up, if any."""
    moves = REQUEST_TRANSITIONS[service_request.status]
    offered = []
    for action, (_form, permission) in ACTION_FORMS.items():
        if not standing.may(permission):
            continue
        target = ACTION_TARGETS.get(action)
        if target is not None and target not in moves:
            continue
        if action == "photos" and service_request.status not in PHOTO_STATES:
            continue
        if action == "confirm" and not (
            service_request.status in WORK_DONE_STATES
            and service_request.hours_confirmed_at is None
            and service_request.volunteer_id is not None
        ):
            continue
        if action == "follow_up" and followup is None:
            continue
        if action == "classify" and service_request.status != RequestStatus.SUBMITTED:
            continue
        if action == "accept" and access.accept_problem(standing.volunteer, service_request):
            continue
        offered.append(action)
    return offered


def _form(action: str, service_request: ServiceRequest, *args: Any) -> ActionForm:
    form_class, _permission = ACTION_FORMS[action]
    return form_class(*args, service_request=service_request, auto_id=f"id_{action}_%s")


def _deadline(service_request: ServiceRequest) -> Any:
    if service_request.status == RequestStatus.SUBMITTED:
        return timers.review_deadline(service_request)
    if service_request.status == RequestStatus.DISPATCHED:
        return timers.accept_deadline(service_request)
    return None


def _page(
    request: HttpRequest,
    service_request: ServiceRequest,
    *,
    bound: ActionForm | None = None,
    bound_action: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    standing = access.standing_of(request.user, service_request)
    # Only staff close a follow-up, and only they are shown it.
    followup = open_followup(service_request) if standing.runs_station else None
    offered = available_actions(standing, service_request, followup=followup)
    forms = {action: _form(action, service_request) for action in offered}
    if bound is not None:
        forms[bound_action] = bound
    contact = standing.sees_contact
    deadline = _deadline(service_request) if contact else None
    context = {
        "sr": service_request,
        "contact": contact,
        "description": access.visible_description(service_request, contact),
        "staff": standing.runs_station,
        "requester": standing.requester,
        "steps": timeline(service_request, show_names=contact, viewer=request.user),
        "photos": list(service_request.photos.all()) if standing.sees_photos else [],
        "forms": forms,
        "offered": offered,
        "suggestions": (
            suggest_volunteers(service_request, limit=8) if "dispatch" in offered else []
        ),
        "followup": followup,
        "deadline": deadline,
        "overdue": deadline is not None and deadline < timezone.now(),
        "error": error,
        "hours": hours_text(service_request.hours) if service_request.hours is not None else "",
    }
    return render(request, "assistance/detail.html", context, status=status)


@require_safe
@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, access.get_request_for_user(request.user, pk))


# --- the actions ---------------------------------------------------------------------------------

Run = Callable[[HttpRequest, ServiceRequest, dict[str, Any], ActionForm], str]


def _dispatch(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    actions.request_dispatch(service_request=sr, actor=request.user, **form.choice())
    return _("已派单。")


def _reject(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    actions.request_reject(service_request=sr, actor=request.user, reason=data["reason"])
    return _("已不予受理，点单人会看到原因。")


def _cancel(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    actions.request_cancel(service_request=sr, actor=request.user, reason=data["reason"])
    return _("需求已取消。")


def _accept(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    actions.request_accept(service_request=sr, actor=request.user)
    return _("接单成功！请尽快联系服务对象。")


def _start(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    actions.request_start(service_request=sr, actor=request.user)
    return _("已开始服务。")


def _complete(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    actions.request_complete(
        service_request=sr,
        actor=request.user,
        hours=data["hours"],
        note=data["note"],
        photos=request.FILES.getlist("photos"),
    )
    return _("服务已完成，感谢您的付出！")


def _photos(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    actions.request_add_photos(
        service_request=sr, actor=request.user, photos=request.FILES.getlist("photos")
    )
    return _("照片已上传。")


def _confirm(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    actions.request_confirm_hours(service_request=sr, actor=request.user)
    return _("服务时长已确认，已记入志愿服务记录。")


def _rate(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    actions.request_rate(
        service_request=sr, actor=request.user, score=data["score"], comment=data["comment"]
    )
    return _("感谢您的评价！")


def _reopen(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    actions.request_reopen(service_request=sr, actor=request.user, reason=data["reason"])
    return _("已重新提交，等待工作人员处理。")


def _follow_up(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    followup = open_followup(sr)
    if followup is None:
        raise DomainError("already_closed", _("这次回访已经完成。"), status=409)
    actions.followup_close(followup=followup, actor=request.user, outcome=data["outcome"])
    return _("回访已完成。")


def _classify(request: HttpRequest, sr: ServiceRequest, data: dict[str, Any], form: Any) -> str:
    actions.request_classify(
        service_request=sr, actor=request.user, category=data["category"], item_id=data["item"]
    )
    return _("服务类别已更新。")


RUN: dict[str, Run] = {
    "dispatch": _dispatch,
    "reject": _reject,
    "cancel": _cancel,
    "accept": _accept,
    "start": _start,
    "complete": _complete,
    "photos": _photos,
    "confirm": _confirm,
    "rate": _rate,
    "reopen": _reopen,
    "follow_up": _follow_up,
    "classify": _classify,
}


@require_POST
@login_required
def request_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One action on a request, from its page's form."""
    if action not in ACTION_FORMS:
        raise Http404("action")
    service_request = access.get_request_for_user(request.user, pk)
    # Someone who may not act is refused before their input is read (403, not a form error).
    access.authorize(request.user, service_request, ACTION_FORMS[action][1])
    form = _form(action, service_request, request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, service_request, bound=form, bound_action=action, status=422)
    try:
        done = RUN[action](request, service_request, form.cleaned_data, form)
    except ValidationError as error:
        form.attach_errors(error)
        fresh = access.get_request_for_user(request.user, pk)
        return _page(request, fresh, bound=form, bound_action=action, status=422)
    except DomainError as error:
        fresh = access.get_request_for_user(request.user, pk)
        return _page(request, fresh, error=error.message, status=error.status)
    messages.success(request, done)
    return redirect("assistance:detail", pk=service_request.pk)


# --- photos --------------------------------------------------------------------------------------


@require_safe
@login_required
def request_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo of the work, to those who may open its request and see its photos (the gate's
    `Standing.sees_photos`, the same as the API); 404 to everyone else."""
    photo = get_object_or_404(RequestPhoto, pk=pk)
    service_request = access.get_request_for_user(request.user, photo.request_id)
    if not access.can_see_photos(request.user, service_request):
        raise Http404("photo")
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("photo") from error
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response
