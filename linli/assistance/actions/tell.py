"""Who hears about each step of a request, and in what words. Called inside the action's
transaction: inbox rows commit with the change, outgoing messages are queued after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.models import Role, User
from linli.assistance import access
from linli.assistance.models import DispatchMode, ServiceRequest, Urgency
from linli.notifications.actions import notify
from linli.teams.models import TeamMembership
from linli.volunteers.models import Volunteer


def station_staff(service_request: ServiceRequest) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        role_assignments__role=Role.STATION_STAFF,
        role_assignments__station_id=service_request.station_id,
    ).distinct()


def _url(service_request: ServiceRequest) -> str:
    return reverse("assistance:detail", args=[service_request.pk])


def _what(service_request: ServiceRequest) -> str:
    return str(service_request.item or service_request.get_category_display())


def _send(
    service_request: ServiceRequest,
    users: Iterable[Any],
    kind: str,
    title: str,
    body: str = "",
    *,
    sms: bool = False,
    group: bool = False,
) -> None:
    notify(
        users=users,
        kind=f"request.{kind}",
        title=title,
        body=body,
        url=_url(service_request),
        station=service_request.station,
        sms=sms,
        station_channels=group,
    )


def _requester(service_request: ServiceRequest) -> list[Any]:
    return [service_request.requester] if service_request.requester_id else []


def _assignee(service_request: ServiceRequest) -> list[Any]:
    volunteer = service_request.volunteer
    return [volunteer.user] if volunteer is not None else []


def submitted(service_request: ServiceRequest) -> None:
    urgent = service_request.urgency == Urgency.URGENT
    title = (_("【急】") if urgent else "") + _("新的群众点单：%(what)s") % {
        "what": _what(service_request)
    }
    _send(
        service_request,
        station_staff(service_request),
        "submitted",
        title,
        service_request.description[:200],
        group=urgent,
    )
    _send(
        service_request,
        _requester(service_request),
        "received",
        _("您的需求已收到，工作人员会尽快处理"),
        _what(service_request),
    )


def dispatched(service_request: ServiceRequest) -> None:
    title = _("有一张可接的单：%(what)s") % {"what": _what(service_request)}
    # Volunteers deciding whether to take it: the door and the phone come with accepting.
    body = access.visible_description(service_request, contact=False)[:200]
    mode = service_request.dispatch_mode
    if mode == DispatchMode.VOLUNTEER and service_request.dispatch_volunteer is not None:
        _send(
            service_request,
            [service_request.dispatch_volunteer.user],
            "dispatched",
            _("工作人员给您派了一张单：%(what)s") % {"what": _what(service_request)},
            body,
            sms=True,
        )
    elif mode == DispatchMode.TEAM:
        members = User.objects.filter(
            volunteer__memberships__team_id=service_request.dispatch_team_id or 0,
            volunteer__memberships__status=TeamMembership.Status.ACTIVE,
            volunteer__status=Volunteer.Status.ACTIVE,
        ).distinct()
        _send(service_request, members, "dispatched", title, body)
    else:
        fitting = User.objects.filter(
            volunteer__station_id=service_request.station_id,
            volunteer__status=Volunteer.Status.ACTIVE,
            volunteer__categories__category=service_request.category,
        ).distinct()
        _send(service_request, fitting, "dispatched", _("抢单：") + title, body, group=True)
    _send(service_request, _requester(service_request), "dispatched", _("您的需求已派单"))


def accepted(service_request: ServiceRequest) -> None:
    volunteer = service_request.volunteer
    name = volunteer.person.name if volunteer is not None else ""
    _send(
        service_request,
        _requester(service_request),
        "accepted",
        _("志愿者%(name)s已接单，会与您联系") % {"name": name},
        sms=True,
    )
    _send(
        service_request,
        station_staff(service_request),
        "accepted",
        _("%(name)s 接了单：%(what)s") % {"name": name, "what": _what(service_request)},
    )


def started(service_request: ServiceRequest) -> None:
    _send(service_request, _requester(service_request), "started", _("志愿者已开始为您服务"))


def completed(service_request: ServiceRequest) -> None:
    _send(
        service_request,
        _requester(service_request),
        "completed",
        _("服务已完成，请您评价"),
        _what(service_request),
        sms=True,
    )
    _send(
        service_request,
        station_staff(service_request),
        "completed",
        _("待确认服务时长：%(what)s %(hours)s 小时")
        % {"what": _what(service_request), "hours": service_request.hours},
    )


def rated(service_request: ServiceRequest) -> None:
    score = service_request.score or 0
    _send(
        service_request,
        _assignee(service_request),
        "rated",
        _("居民评价了您的服务：%(label)s") % {"label": service_request.get_score_display()},
        service_request.rating_comment,
    )
    if score <= 2:
        _send(
            service_request,
            station_staff(service_request),
            "poor_rating",
            _("差评待回访：%(what)s") % {"what": _what(service_request)},
            service_request.rating_comment,
            group=True,
        )


def closed(service_request: ServiceRequest) -> None:
    people = [*_requester(service_request), *_assignee(service_request)]
    if service_request.dispatch_volunteer is not None:
        people.append(service_request.dispatch_volunteer.user)
    _send(
        service_request,
        people,
        service_request.status,
        _("需求%(status)s：%(what)s")
        % {"status": service_request.get_status_display(), "what": _what(service_request)},
        service_request.reason,
    )


def reopened(service_request: ServiceRequest) -> None:
    _send(
        service_request,
        station_staff(service_request),
        "reopened",
        _("需求重新处理：%(what)s") % {"what": _what(service_request)},
        service_request.reason,
    )


def alert(service_request: ServiceRequest, kind: str, title: str, body: str = "") -> None:
    """An escalation: station staff's inboxes and the station's group channels."""
    _send(service_request, station_staff(service_request), kind, title, body, group=True)


def remind_rating(service_request: ServiceRequest) -> None:
    _send(
        service_request,
        _requester(service_request),
        "rating_reminder",
        _("请为已完成的服务评价：%(what)s") % {"what": _what(service_request)},
        sms=True,
    )
