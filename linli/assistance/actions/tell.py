"""Who hears about each step of a request, and in what words. Called inside the action's
transaction: inbox rows commit with the change, outgoing messages are queued after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from linli.accounts.models import Role, User
from linli.assistance import access
from linli.assistance.models import DispatchMode, ServiceRequest, Urgency
from linli.core.messages import Message, choice, words
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


def _what(service_request: ServiceRequest) -> Any:
    """The item's name (data), or the category's label (words, translated when read), or
    待归类 for a request left to staff to sort."""
    if service_request.item is not None:
        return str(service_request.item)
    if not service_request.category:
        return words(gettext_lazy("待归类"))
    return choice(service_request, "category")


def _send(
    service_request: ServiceRequest,
    users: Iterable[Any],
    kind: str,
    title: Message | str,
    body: Message | str = "",
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
    title = Message(
        "request.new_urgent" if urgent else "request.new", {"what": _what(service_request)}
    )
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
        Message("request.received"),
        Message("request.what", {"what": _what(service_request)}),
    )


def dispatched(service_request: ServiceRequest) -> None:
    what = {"what": _what(service_request)}
    # Volunteers deciding whether to take it: the door and the phone come with accepting.
    body = access.visible_description(service_request, contact=False)[:200]
    mode = service_request.dispatch_mode
    if mode == DispatchMode.VOLUNTEER and service_request.dispatch_volunteer is not None:
        _send(
            service_request,
            [service_request.dispatch_volunteer.user],
            "dispatched",
            Message("request.dispatched_to_you", what),
            body,
            sms=True,
        )
    elif mode == DispatchMode.TEAM:
        members = User.objects.filter(
            volunteer__memberships__team_id=service_request.dispatch_team_id or 0,
            volunteer__memberships__status=TeamMembership.Status.ACTIVE,
            volunteer__status=Volunteer.Status.ACTIVE,
        ).distinct()
        _send(service_request, members, "dispatched", Message("request.can_take", what), body)
    else:
        fitting = User.objects.filter(
            volunteer__station_id=service_request.station_id,
            volunteer__status=Volunteer.Status.ACTIVE,
            volunteer__categories__category=service_request.category,
        ).distinct()
        _send(
            service_request, fitting, "dispatched", Message("request.grab", what), body, group=True
        )
    _send(service_request, _requester(service_request), "dispatched", Message("request.dispatched"))


def accepted(service_request: ServiceRequest) -> None:
    volunteer = service_request.volunteer
    name = volunteer.person.name if volunteer is not None else ""
    _send(
        service_request,
        _requester(service_request),
        "accepted",
        Message("request.accepted_by", {"name": name}),
        sms=True,
    )
    _send(
        service_request,
        station_staff(service_request),
        "accepted",
        Message("request.took", {"name": name, "what": _what(service_request)}),
    )


def started(service_request: ServiceRequest) -> None:
    _send(service_request, _requester(service_request), "started", Message("request.started"))


def completed(service_request: ServiceRequest) -> None:
    _send(
        service_request,
        _requester(service_request),
        "completed",
        Message("request.completed"),
        Message("request.what", {"what": _what(service_request)}),
        sms=True,
    )
    _send(
        service_request,
        station_staff(service_request),
        "completed",
        Message(
            "request.hours_to_confirm",
            {"what": _what(service_request), "hours": str(service_request.hours)},
        ),
    )


def rated(service_request: ServiceRequest) -> None:
    score = service_request.score or 0
    _send(
        service_request,
        _assignee(service_request),
        "rated",
        Message("request.rated", {"label": choice(service_request, "score")}),
        service_request.rating_comment,
    )
    if score <= 2:
        _send(
            service_request,
            station_staff(service_request),
            "poor_rating",
            Message("request.poor_rating", {"what": _what(service_request)}),
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
        Message(
            "request.closed",
            {
                "status": choice(service_request, "status"),
                "what": _what(service_request),
            },
        ),
        service_request.reason,
    )


def reopened(service_request: ServiceRequest) -> None:
    _send(
        service_request,
        station_staff(service_request),
        "reopened",
        Message("request.reopened", {"what": _what(service_request)}),
        service_request.reason,
    )


def alert(service_request: ServiceRequest, kind: str, title: Message | str, body: str = "") -> None:
    """An escalation: station staff's inboxes and the station's group channels."""
    _send(service_request, station_staff(service_request), kind, title, body, group=True)


def remind_rating(service_request: ServiceRequest) -> None:
    _send(
        service_request,
        _requester(service_request),
        "rating_reminder",
        Message("request.rate_reminder", {"what": _what(service_request)}),
        sms=True,
    )
