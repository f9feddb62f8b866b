"""Who may see a service request, see its contact details, and do each action on it.

Built on accounts.access, the one gate. Station staff (and admin) run their station's requests;
supervisors read their subtree; the requester follows their own; a volunteer sees the requests
they may take and those dispatched to or taken by them. A request outside all of these answers
404. The resident's phone and address are shown to a volunteer only while the request is theirs.

Who a user is to a request (runs or reads its station, asked for it, holds it) is read once into
a `Standing`, which answers every question a page asks of it: which actions, contact, photos.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from linli.accounts.access import has_role, in_reach, is_admin, station_filter, visible_stations
from linli.accounts.models import Role
from linli.assistance.models import (
    ASSIGNED_STATES,
    DispatchMode,
    MenuCategory,
    RequestStatus,
    ServiceRequest,
)
from linli.org.models import Station
from linli.teams.models import TeamMembership
from linli.teams.qualification import is_qualified
from linli.volunteers.access import active_volunteer_of
from linli.volunteers.models import TrainingAttendance, Volunteer

READ_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF})
RUN_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})
# Who may post a request at a station: its residents (and relatives acting for one), and staff.
SUBMIT_ROLES = frozenset({Role.RESIDENT, Role.ADMIN, Role.STATION_STAFF})


def takeable_requests(volunteer: Volunteer) -> QuerySet[ServiceRequest]:
    """Dispatched requests this volunteer may accept: dispatched to them, to a team they are an
    active member of, or opened to the station; the item's required course must be attended
    and a team's training rule met (checked again in `can_accept`)."""
    teams = TeamMembership.objects.filter(
        volunteer=volunteer, status=TeamMembership.Status.ACTIVE
    ).values("team_id")
    attended = TrainingAttendance.objects.filter(volunteer=volunteer, attended=True).values(
        "session__course_id"
    )
    dispatched = ServiceRequest.objects.filter(status=RequestStatus.DISPATCHED)
    return dispatched.filter(
        Q(dispatch_mode=DispatchMode.VOLUNTEER, dispatch_volunteer=volunteer)
        | Q(dispatch_mode=DispatchMode.TEAM, dispatch_team__in=teams)
        | Q(dispatch_mode=DispatchMode.OPEN, station_id=volunteer.station_id)
    ).filter(Q(item__required_course__isnull=True) | Q(item__required_course__in=attended))


def requests_for_user(user: Any) -> QuerySet[ServiceRequest]:
    """Every request the user may open."""
    if not getattr(user, "is_authenticated", False):
        return ServiceRequest.objects.none()
    if is_admin(user):
        return ServiceRequest.objects.all()  # an empty Q (admin's reach) would vanish in an OR
    condition = station_filter(user, roles=READ_ROLES, prefix="station__")
    condition |= Q(requester_id=user.pk)
    volunteer = active_volunteer_of(user)
    if volunteer is not None:
        condition |= Q(volunteer=volunteer) | Q(dispatch_volunteer=volunteer)
        condition |= Q(pk__in=takeable_requests(volunteer).values("pk"))
    return ServiceRequest.objects.filter(condition)


# What a request's page and the API's answer read of it, joined in the same query.
REQUEST_RELATED = (
    "station",
    "item",
    "building__estate",
    "resident",
    "volunteer__person",
    "dispatch_team",
    "dispatch_volunteer__person",
)


def get_request_for_user(user: Any, pk: Any) -> ServiceRequest:
    """The request if the user may open it; else 404 (the same answer as a missing one)."""
    found = requests_for_user(user).filter(pk=pk).values_list("pk", flat=True).first()
    if found is None:
        raise Http404("service_request")
    return ServiceRequest.objects.select_related(*REQUEST_RELATED).get(pk=found)


def runs_station(user: Any, station: Station | int) -> bool:
    """Station staff or admin of that station: they review, dispatch and confirm."""
    station_id = station if isinstance(station, int) else station.pk
    return visible_stations(user, roles=RUN_ROLES, write=True).filter(pk=station_id).exists()


def is_requester(user: Any, service_request: ServiceRequest) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and service_request.requester_id is not None
        and service_request.requester_id == user.pk
    )


@dataclass(frozen=True)
class Standing:
    """Who a user is to one request, read once and then asked as often as a page needs (the
    request's page asks for every action it might offer). Made by `standing_of`; the rules
    that use it are its methods, below and in `ACTION_PEOPLE`."""

    runs_station: bool  # station staff or admin of the request's station
    reads_station: bool  # those, or a supervisor above the station
    requester: bool  # the account that follows the request
    volunteer: Volunteer | None  # the user's own volunteer record, if active
    assignee: bool  # that volunteer accepted the request
    in_hand: bool  # … and it is still theirs (accepted or in service)

    def may(self, action: str) -> bool:
        """Whether the user is among the people allowed to do `action` (ACTION_PEOPLE)."""
        people = ACTION_PEOPLE[action]
        return (
            ("staff" in people and self.runs_station)
            or ("requester" in people and self.requester)
            or ("assignee" in people and self.assignee)
            or ("volunteer" in people and self.volunteer is not None)
        )

    @property
    def sees_contact(self) -> bool:
        """Phone and address: staff who run or supervise the station, the requester, and the
        accepting volunteer only while the request is theirs (accepted or in service)."""
        return self.reads_station or self.requester or self.in_hand

    @property
    def sees_photos(self) -> bool:
        """Photos show the inside of someone's home: those who see the contact, and the
        volunteer who took them."""
        return self.sees_contact or self.assignee


def _stations_reached(user: Any, station_ids: set[int], roles: frozenset[str]) -> set[int]:
    if not station_ids:
        return set()
    reached = visible_stations(user, roles=roles).filter(pk__in=station_ids)
    return set(reached.values_list("pk", flat=True))


def standings_of(user: Any, service_requests: Iterable[ServiceRequest]) -> dict[int, Standing]:
    """The user's standing to each request, by id: at most three queries however many there
    are (the stations run, the stations read, the user's volunteer record)."""
    rows = list(service_requests)
    station_ids = {service_request.station_id for service_request in rows}
    runs = _stations_reached(user, station_ids, RUN_ROLES)
    reads = runs | _stations_reached(user, station_ids - runs, READ_ROLES)
    volunteer = active_volunteer_of(user)
    standings = {}
    for service_request in rows:
        assignee = volunteer is not None and service_request.volunteer_id == volunteer.pk
        standings[service_request.pk] = Standing(
            runs_station=service_request.station_id in runs,
            reads_station=service_request.station_id in reads,
            requester=is_requester(user, service_request),
            volunteer=volunteer,
            assignee=assignee,
            in_hand=assignee and service_request.status in ASSIGNED_STATES,
        )
    return standings


def standing_of(user: Any, service_request: ServiceRequest) -> Standing:
    """The user's standing to one request (see `standings_of`)."""
    return standings_of(user, [service_request])[service_request.pk]


def can_see_contact(user: Any, service_request: ServiceRequest) -> bool:
    """Phone and address (`Standing.sees_contact`)."""
    return standing_of(user, service_request).sees_contact


def can_see_photos(user: Any, service_request: ServiceRequest) -> bool:
    """The photos of the work (`Standing.sees_photos`)."""
    return standing_of(user, service_request).sees_photos


# Door numbers and mobile numbers inside free text: 3栋2单元502室, 8号楼101, 3-2-502, 13912345678.
_DOOR = re.compile(
    r"(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*(?:号楼|栋|幢|#)\s*(?:\d{1,2}\s*单元)?\s*\d{3,4}\s*室?"
    r"|\d{1,3}\s*-\s*\d{1,2}\s*-\s*\d{3,4}"
)
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")


def visible_description(service_request: ServiceRequest, contact: bool) -> str:
    """The description as a reader may see it: with `contact` (access.can_see_contact) in full;
    otherwise door and mobile numbers written into the text are hidden, so a volunteer deciding
    whether to take a request learns the estate, not the door (the contact comes with accepting)."""
    if contact:
        return service_request.description
    hidden = _MOBILE.sub(_("［电话接单后可见］"), service_request.description)
    return _DOOR.sub(_("［门牌接单后可见］"), hidden)


def accept_problem(volunteer: Volunteer | None, service_request: ServiceRequest) -> str | None:
    """Why this volunteer may not accept the request, or None. Does not look at the status."""
    if volunteer is None:
        return _("只有在册志愿者可以接单。")
    mode = service_request.dispatch_mode
    if mode == DispatchMode.VOLUNTEER and service_request.dispatch_volunteer_id != volunteer.pk:
        return _("这张单已指派给其他志愿者。")
    if mode == DispatchMode.TEAM:
        member = TeamMembership.objects.filter(
            team_id=service_request.dispatch_team_id or 0,
            volunteer=volunteer,
            status=TeamMembership.Status.ACTIVE,
        ).exists()
        if not member:
            return _("这张单只派给了%(team)s的队员。") % {"team": service_request.dispatch_team}
        if not is_qualified(volunteer, service_request.dispatch_team):  # type: ignore[arg-type]
            return _("须先完成本队要求的培训。")
    if mode == DispatchMode.OPEN and volunteer.station_id != service_request.station_id:
        return _("只能接本站的单。")
    item = service_request.item
    if (
        item is not None
        and item.required_course_id is not None
        and not TrainingAttendance.objects.filter(
            volunteer=volunteer, attended=True, session__course_id=item.required_course_id
        ).exists()
    ):
        return _("接这类单须先完成培训：%(course)s。") % {"course": item.required_course}
    return None


# The one table of who may do what: action → the kinds of people allowed.
#   staff: station staff or admin of the request's station
#   requester: the account that follows the request
#   assignee: the volunteer who accepted it
#   volunteer: a volunteer the dispatch reaches (checked in detail by accept_problem)
ACTION_PEOPLE: dict[str, frozenset[str]] = {
    "dispatch": frozenset({"staff"}),
    "reject": frozenset({"staff"}),
    "accept": frozenset({"volunteer"}),
    "start": frozenset({"staff", "assignee"}),
    "complete": frozenset({"staff", "assignee"}),
    "confirm": frozenset({"staff"}),
    "rate": frozenset({"staff", "requester"}),
    "cancel": frozenset({"staff", "requester"}),
    "reopen": frozenset({"staff", "requester"}),
    "follow_up": frozenset({"staff"}),
    "classify": frozenset({"staff"}),
}


def may(user: Any, service_request: ServiceRequest, action: str) -> bool:
    """Whether the user is among the people allowed to do `action` (the state is the action's
    own check). `user` None is the system itself (timers, the demo seed)."""
    return user is None or standing_of(user, service_request).may(action)


def authorize(user: Any, service_request: ServiceRequest, action: str) -> None:
    """Raise PermissionDenied (403) unless `may`; callers have already shown the user can see it."""
    if not may(user, service_request, action):
        raise PermissionDenied(action)


def submit_stations(user: Any) -> QuerySet[Station]:
    """Stations where the user may post a request: as a resident there, or as staff running it
    (open stations only: a closed one takes no new requests)."""
    return visible_stations(user, roles=SUBMIT_ROLES, write=True).filter(kind=Station.Kind.STATION)


def can_submit_at(user: Any, station: Station) -> bool:
    return submit_stations(user).filter(pk=station.pk).exists()


def can_run_any(user: Any) -> bool:
    return has_role(user, *RUN_ROLES)


def can_read_board(user: Any) -> bool:
    return has_role(user, *READ_ROLES)


def menu_categories_for_user(user: Any) -> QuerySet[MenuCategory]:
    """Menus of every station the user reaches (any role: residents read the menu to order)."""
    return in_reach(MenuCategory.objects.all(), user, roles=frozenset(Role.values))


def menu_stations_for_user(user: Any) -> QuerySet[Station]:
    """The stations whose menus `menu_categories_for_user` reads (the same reach)."""
    return visible_stations(user, roles=frozenset(Role.values))


def get_menu_category_for_user(user: Any, pk: Any, *, write: bool = False) -> MenuCategory:
    """A menu category of a station the user reaches, else 404; with `write`, only for station
    staff or admin of its station: anyone else who reads the menu gets 403."""
    found = menu_categories_for_user(user).select_related("station").filter(pk=pk).first()
    if found is None:
        raise Http404("menu_category")
    if write and not runs_station(user, found.station_id):
        raise PermissionDenied("menu")
    return found
