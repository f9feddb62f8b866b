"""The actions on one service request (SPEC §4, §5), mounted under /api/v1/service-requests.

Each endpoint first gets the request through `access.get_request_for_user` (404 when the caller
may not see it), then calls the action, which asks the gate who may act (403) and checks the
state against REQUEST_TRANSITIONS (409). Each answers with the request as it is afterwards.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, UploadedFile

from linli.accounts.schemas import ErrorOut
from linli.assistance import access
from linli.assistance import actions as request_actions
from linli.assistance.actions.photos import MAX_PHOTOS
from linli.assistance.api.output import ERRORS, caller, reload, request_out
from linli.assistance.models import ASSIGNED_STATES, ServiceRequest
from linli.assistance.schemas import (
    CompleteIn,
    DispatchIn,
    FollowUpIn,
    RateIn,
    ReasonIn,
    RequestOut,
    SuggestionsOut,
)
from linli.assistance.suggestions import suggest_volunteers
from linli.core.errors import DomainError
from linli.core.schemas import NoNulStr, PathId
from linli.teams.models import Team
from linli.volunteers.models import Volunteer

router = Router(tags=["service requests"], by_alias=True)

RESPONSES = {200: RequestOut, **ERRORS}


def _act(
    request: HttpRequest,
    request_id: PathId,
    action: Callable[..., Any],
    **arguments: Any,
) -> dict[str, Any]:
    user = caller(request)
    service_request = access.get_request_for_user(user, request_id)
    action(service_request=service_request, actor=user, **arguments)
    return request_out(user, reload(service_request))


@router.post(
    "/{request_id}/dispatch",
    response=RESPONSES,
    summary="派单 (staff): to a team, to one volunteer, or open to all qualified (抢单)",
)
def service_request_dispatch(request: HttpRequest, request_id: PathId, payload: DispatchIn) -> Any:
    user = caller(request)
    service_request = access.get_request_for_user(user, request_id)
    # Asked before the lookups below, so that someone who may not dispatch learns nothing of
    # the station's teams and volunteers.
    access.authorize(user, service_request, "dispatch")
    team = volunteer = None
    if payload.team is not None:
        team = Team.objects.filter(pk=payload.team).first()
        if team is None:
            raise ValidationError({"team": [_("没有这支队伍。")]})
    if payload.volunteer is not None:
        volunteer = (
            Volunteer.objects.select_related("person", "user").filter(pk=payload.volunteer).first()
        )
        if volunteer is None:
            raise ValidationError({"volunteer": [_("没有这位志愿者。")]})
    request_actions.request_dispatch(
        service_request=service_request,
        actor=user,
        team=team,
        volunteer=volunteer,
        open_to_all=payload.open,
        note=payload.note.strip(),
    )
    return request_out(user, reload(service_request))


@router.post(
    "/{request_id}/accept",
    response=RESPONSES,
    summary="接单 (a volunteer the dispatch reaches); one wins, the others get 409 already_taken",
)
def service_request_accept(request: HttpRequest, request_id: PathId) -> Any:
    user = caller(request)
    try:
        service_request = access.get_request_for_user(user, request_id)
    except Http404:
        _refuse_if_taken_from_under(user, request_id)
        raise
    request_actions.request_accept(service_request=service_request, actor=user)
    return request_out(user, reload(service_request))


def _refuse_if_taken_from_under(user: Any, request_id: int) -> None:
    """A volunteer the dispatch reached who lost the race: once someone else has accepted, the
    request leaves their reach, but the answer they need is 409 already_taken, not 404."""
    volunteer = access.active_volunteer_of(user)
    taken = ServiceRequest.objects.filter(pk=request_id, status__in=ASSIGNED_STATES).first()
    if volunteer is None or taken is None or access.accept_problem(volunteer, taken) is not None:
        return
    raise DomainError("already_taken", _("这张单已被其他志愿者接走了。"), status=409)


@router.post(
    "/{request_id}/start",
    response=RESPONSES,
    summary="开始服务 (the volunteer who accepted, or staff)",
)
def service_request_start(request: HttpRequest, request_id: PathId) -> Any:
    return _act(request, request_id, request_actions.request_start)


@router.post(
    "/{request_id}/complete",
    response=RESPONSES,
    summary="完成: the hours served and what was done (the volunteer, or staff)",
)
def service_request_complete(request: HttpRequest, request_id: PathId, payload: CompleteIn) -> Any:
    return _act(
        request,
        request_id,
        request_actions.request_complete,
        hours=payload.hours,
        note=payload.note,
    )


@router.post(
    "/{request_id}/confirm",
    response=RESPONSES,
    summary="确认时长 (staff): the completed service's hours become one ledger entry",
)
def service_request_confirm(request: HttpRequest, request_id: PathId) -> Any:
    return _act(request, request_id, request_actions.request_confirm_hours)


@router.post(
    "/{request_id}/rate",
    response=RESPONSES,
    summary="评单 (the requester, or staff after a call): 5 … 1; 2 or less opens a follow-up",
)
def service_request_rate(request: HttpRequest, request_id: PathId, payload: RateIn) -> Any:
    return _act(
        request,
        request_id,
        request_actions.request_rate,
        score=payload.score,
        comment=payload.comment,
    )


@router.post(
    "/{request_id}/reject",
    response=RESPONSES,
    summary="不予受理 (staff), with a reason",
)
def service_request_reject(request: HttpRequest, request_id: PathId, payload: ReasonIn) -> Any:
    return _act(request, request_id, request_actions.request_reject, reason=payload.reason)


@router.post(
    "/{request_id}/cancel",
    response=RESPONSES,
    summary="取消 before completion (the requester, or staff), with a reason",
)
def service_request_cancel(request: HttpRequest, request_id: PathId, payload: ReasonIn) -> Any:
    return _act(request, request_id, request_actions.request_cancel, reason=payload.reason)


@router.post(
    "/{request_id}/reopen",
    response=RESPONSES,
    summary="重新处理 a completed or rated request (the requester, or staff), with a reason",
)
def service_request_reopen(request: HttpRequest, request_id: PathId, payload: ReasonIn) -> Any:
    return _act(request, request_id, request_actions.request_reopen, reason=payload.reason)


@router.post(
    "/{request_id}/follow-up",
    response=RESPONSES,
    summary="回访 done (staff): closes the open follow-up with its outcome",
)
def service_request_follow_up(request: HttpRequest, request_id: PathId, payload: FollowUpIn) -> Any:
    user = caller(request)
    service_request = access.get_request_for_user(user, request_id)
    # Asked before looking for the follow-up, so that only staff learn whether one is open.
    access.authorize(user, service_request, "follow_up")
    followup = service_request.followups.filter(closed_at__isnull=True).first()
    if followup is None:
        raise DomainError("no_open_follow_up", _("这张单没有待完成的回访。"), status=409)
    request_actions.followup_close(followup=followup, actor=user, outcome=payload.outcome)
    return request_out(user, reload(service_request))


@router.post(
    "/{request_id}/photos",
    response=RESPONSES,
    summary="Add photos of the work (multipart `photos`; the volunteer serving it, or staff)",
)
def service_request_photos(
    request: HttpRequest,
    request_id: PathId,
    photos: list[UploadedFile] = File(..., max_length=MAX_PHOTOS),  # noqa: B008
) -> Any:
    """JPG, PNG or WebP, read from the file itself; at most six a request; one bad file stores
    none."""
    return _act(request, request_id, request_actions.request_add_photos, photos=list(photos))


@router.get(
    "/{request_id}/suggestions",
    response={200: SuggestionsOut, 403: ErrorOut, 404: ErrorOut},
    summary="Volunteers suited to the request, best first, with reasons (staff who dispatch)",
)
def service_request_suggestions(
    request: HttpRequest,
    request_id: PathId,
    limit: int = Query(10, ge=1, le=50),  # noqa: B008
    q: NoNulStr = Query("", max_length=50, description="Name, pinyin or number (the picker)."),  # noqa: B008
) -> Any:
    user = caller(request)
    service_request = access.get_request_for_user(user, request_id)
    access.authorize(user, service_request, "dispatch")
    suggestions = suggest_volunteers(service_request, limit=limit, search=q)
    return {"items": suggestions, "count": len(suggestions)}
