"""A request's timeline in plain words, for the requester as much as for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.assistance.models import RequestEvent, RequestStatus, ServiceRequest

# What each arrival in a state means to the person who asked.
SENTENCES = {
    RequestStatus.SUBMITTED: gettext_lazy("需求已提交，等待工作人员审核"),
    RequestStatus.DISPATCHED: gettext_lazy("工作人员已派单，等待志愿者接单"),
    RequestStatus.ACCEPTED: gettext_lazy("志愿者已接单"),
    RequestStatus.IN_SERVICE: gettext_lazy("志愿者开始服务"),
    RequestStatus.COMPLETED: gettext_lazy("服务完成"),
    RequestStatus.RATED: gettext_lazy("已评价"),
    RequestStatus.REJECTED: gettext_lazy("工作人员未受理"),
    RequestStatus.CANCELLED: gettext_lazy("需求已取消"),
}


@dataclass(frozen=True)
class Step:
    at: datetime
    kind: str
    from_status: str
    to_status: str
    who: str
    who_role: str  # self | resident | staff | volunteer | system
    text: str
    note: str


# How the people of a request are named on its timeline, by what they are to the request.
ROLE_WORDS = {
    "resident": gettext_lazy("居民"),
    "staff": gettext_lazy("工作人员"),
    "volunteer": gettext_lazy("志愿者"),
}


def _roles(
    service_request: ServiceRequest, actors: dict[int, Any]
) -> tuple[dict[int, str], dict[int, str]]:
    """What each acting account is to the request — the requester ("resident"), staff of its
    station ("staff"), or a volunteer ("volunteer") — and the volunteers' names as registered.
    A few accounts per request, one or two small reads each."""
    from linli.assistance.access import runs_station
    from linli.volunteers.models import Volunteer

    volunteers = dict(
        Volunteer.objects.filter(user_id__in=list(actors)).values_list("user_id", "person__name")
    )
    roles = {}
    for actor_id, actor in actors.items():
        if actor_id == service_request.requester_id:
            roles[actor_id] = "resident"
        elif runs_station(actor, service_request.station_id):
            roles[actor_id] = "staff"
        elif actor_id in volunteers:
            roles[actor_id] = "volunteer"
        else:
            roles[actor_id] = "staff"
    return roles, volunteers


def _who(
    event: RequestEvent, role: str, name: str, *, viewer_id: int | None, show_names: bool
) -> str:
    if event.actor is None:
        return _("系统")
    if viewer_id is not None and event.actor_id == viewer_id:
        return _("您")
    word = ROLE_WORDS[role]
    if show_names and name:
        return _("%(role)s %(name)s") % {"role": word, "name": name}
    return str(word)


def timeline(
    service_request: ServiceRequest, *, show_names: bool = True, viewer: Any = None
) -> list[Step]:
    """Every event in order, each actor named as the viewer may know them: "您" for the
    viewer's own steps, else 居民, 工作人员 or 志愿者 — with the name only when `show_names`
    (the gate's `sees_contact`)."""
    steps = []
    events = list(service_request.events.select_related("actor").order_by("at", "id"))
    actors = {event.actor_id: event.actor for event in events if event.actor_id is not None}
    roles, volunteer_names = _roles(service_request, actors) if actors else ({}, {})
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    for event in events:
        if event.kind == RequestEvent.Kind.TRANSITION:
            text = str(SENTENCES.get(RequestStatus(event.to_status), event.to_status))
            if event.from_status and event.from_status == event.to_status:
                text = _("已改派")
            elif event.to_status == RequestStatus.SUBMITTED and event.from_status:
                text = _("重新处理，等待工作人员审核")
        else:
            text = str(RequestEvent.Kind(event.kind).label)
        role, name = "", ""
        if event.actor is not None:
            role = roles.get(event.actor.pk, "")
            name = (
                volunteer_names.get(event.actor.pk, "")
                if role == "volunteer"
                else event.actor.name or event.actor.phone
            )
        steps.append(
            Step(
                at=event.at,
                kind=event.kind,
                from_status=event.from_status,
                to_status=event.to_status,
                who=_who(event, role, name, viewer_id=viewer_id, show_names=show_names),
                who_role="self" if viewer_id and event.actor_id == viewer_id else role or "system",
                text=text,
                note=event.shown_note,
            )
        )
    return steps
