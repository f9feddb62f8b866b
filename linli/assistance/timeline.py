"""A request's timeline in plain words, for the requester as much as for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
    text: str
    note: str


def _who(event: RequestEvent, *, show_names: bool) -> str:
    if event.actor is None:
        return _("系统")
    if show_names:
        return event.actor.name or event.actor.phone
    return _("工作人员或志愿者")


def timeline(service_request: ServiceRequest, *, show_names: bool = True) -> list[Step]:
    """Every event in order. `show_names` False hides who acted (for a public or thin view)."""
    steps = []
    events = service_request.events.select_related("actor").order_by("at", "id")
    for event in events:
        if event.kind == RequestEvent.Kind.TRANSITION:
            text = str(SENTENCES.get(RequestStatus(event.to_status), event.to_status))
            if event.from_status and event.from_status == event.to_status:
                text = _("已改派")
            elif event.to_status == RequestStatus.SUBMITTED and event.from_status:
                text = _("重新处理，等待工作人员审核")
        else:
            text = str(RequestEvent.Kind(event.kind).label)
        steps.append(
            Step(
                at=event.at,
                kind=event.kind,
                from_status=event.from_status,
                to_status=event.to_status,
                who=str(_who(event, show_names=show_names)),
                text=text,
                note=event.note,
            )
        )
    return steps
