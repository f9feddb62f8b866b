"""Who may see and do what in the canteen. Built on accounts.access, the one gate.

- The canteen operator, station staff and admin run their station's canteen: menus, orders for
  anyone of the station (phone and counter), serving, deliveries, the board and the settlement.
- Station staff and admin also set its policy: funders, subsidy tiers, closing a month and
  booking corrections. Supervisors read everything in their subtree.
- A resident whose account is linked to their person record (`Resident.user`) orders for
  themselves and for the members of their household (a relative acting for an elder), and sees
  those orders only.
- A volunteer sees the delivery tasks offered at their station and the ones they took — and the
  door and phone of an elder only while the task is theirs.

Anything outside a user's reach answers 404, like a missing row; something they see but may not
do answers 403. Who a user is to an order or a delivery is read once into a `Standing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from linli.accounts.access import has_role, is_admin, station_filter, visible_stations
from linli.accounts.models import Role
from linli.canteen.models import (
    DeliveryStatus,
    DeliveryTask,
    Funder,
    MealOrder,
    Menu,
    SubsidyTier,
)
from linli.org.models import Station
from linli.people.models import Resident
from linli.volunteers.access import active_volunteer_of
from linli.volunteers.models import Volunteer

MAX_CODE = 32  # Station.code's length
RUN_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF, Role.CANTEEN_OPERATOR})
READ_ROLES = RUN_ROLES | {Role.SUPERVISOR}
POLICY_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})
# Menus and tiers are read by those who order as well (what is cooked, what it costs them).
MENU_ROLES = READ_ROLES | {Role.RESIDENT}


# --- stations -------------------------------------------------------------------------------------


def run_stations(user: Any) -> QuerySet[Station]:
    """Stations (站) whose canteen the user runs."""
    return visible_stations(user, roles=RUN_ROLES, write=True).filter(kind=Station.Kind.STATION)


def read_stations(user: Any) -> QuerySet[Station]:
    return visible_stations(user, roles=READ_ROLES).filter(kind=Station.Kind.STATION)


def policy_stations(user: Any) -> QuerySet[Station]:
    return visible_stations(user, roles=POLICY_ROLES, write=True).filter(kind=Station.Kind.STATION)


def runs_station(user: Any, station: Station | int) -> bool:
    station_id = station if isinstance(station, int) else station.pk
    return run_stations(user).filter(pk=station_id).exists()


def sets_policy(user: Any, station: Station | int) -> bool:
    station_id = station if isinstance(station, int) else station.pk
    return policy_stations(user).filter(pk=station_id).exists()


def can_run_any(user: Any) -> bool:
    return has_role(user, *RUN_ROLES)


def can_read_any(user: Any) -> bool:
    return has_role(user, *READ_ROLES)


def pick_station(stations: QuerySet[Station], code: str | None, *, one: bool = False) -> Station:
    """The station named by `code` among `stations` (404 if not there), or without a code the
    first of them (with `one`, the API's rule: the only one, 422 if there are several); 403 if
    there are none."""
    stations = stations.order_by("path", "code")
    if code and (len(code) > MAX_CODE or not code.isprintable()):
        raise Http404("station")
    if code:
        station = stations.filter(code=code).first()
        if station is None:
            raise Http404("station")
        return station
    found = list(stations[:2])
    if not found:
        raise PermissionDenied("canteen")
    if one and len(found) > 1:
        raise ValidationError({"station": [_("请用 station 指明是哪个站点的食堂。")]})
    return found[0]


def get_run_station(user: Any, code: str | None, *, one: bool = False) -> Station:
    """A station whose canteen the user runs (see `pick_station`)."""
    return pick_station(run_stations(user), code, one=one)


def get_read_station(user: Any, code: str | None, *, one: bool = False) -> Station:
    """A station whose canteen the user reads: supervisors too (see `pick_station`)."""
    return pick_station(read_stations(user), code, one=one)


# --- the resident and their household -------------------------------------------------------------


def own_person(user: Any) -> Resident | None:
    """The signed-in resident's own person record: linked to the account, living, at a station
    where the account holds the `resident` role."""
    if not has_role(user, Role.RESIDENT):
        return None
    person = (
        Resident.objects.filter(user_id=user.pk, status=Resident.Status.LIVING)
        .select_related("household__building__estate", "station")
        .first()
    )
    if person is None:
        return None
    at_station = visible_stations(user, roles={Role.RESIDENT}).filter(pk=person.station_id)
    return person if at_station.exists() else None


def family_of(user: Any) -> list[Resident]:
    """The people this resident orders for: themselves first, then the living members of their
    household (the relative acting for an elder)."""
    person = own_person(user)
    if person is None:
        return []
    if person.household_id is None:
        return [person]
    others = (
        Resident.objects.filter(household_id=person.household_id, status=Resident.Status.LIVING)
        .exclude(pk=person.pk)
        .select_related("household__building__estate", "station")
        .order_by("birth_date", "pk")
    )
    return [person, *others]


def family_ids(user: Any) -> set[int]:
    return {person.pk for person in family_of(user)}


# --- menus, funders and tiers --------------------------------------------------------------------


def menus_for_user(user: Any) -> QuerySet[Menu]:
    return Menu.objects.filter(station_filter(user, roles=MENU_ROLES, prefix="station__"))


def get_menu_for_user(user: Any, pk: Any, *, write: bool = False) -> Menu:
    """A menu of a station the user reaches, else 404; with `write`, only for those who run
    that canteen (anyone else who reads it gets 403)."""
    found = menus_for_user(user).select_related("station").filter(pk=pk).first()
    if found is None:
        raise Http404("menu")
    if write and not runs_station(user, found.station_id):
        raise PermissionDenied("menu")
    return found


def tiers_for_user(user: Any) -> QuerySet[SubsidyTier]:
    return SubsidyTier.objects.filter(station_filter(user, roles=MENU_ROLES, prefix="station__"))


def get_tier_for_user(user: Any, pk: Any, *, write: bool = False) -> SubsidyTier:
    """A tier in reach, else 404; with `write`, only for station staff or admin (else 403)."""
    found = tiers_for_user(user).select_related("station", "funder").filter(pk=pk).first()
    if found is None:
        raise Http404("tier")
    if write and not sets_policy(user, found.station_id):
        raise PermissionDenied("tier")
    return found


def funders_for_user(user: Any) -> QuerySet[Funder]:
    return Funder.objects.filter(station_filter(user, roles=READ_ROLES, prefix="station__"))


def get_funder_for_user(user: Any, pk: Any, *, write: bool = False) -> Funder:
    found = funders_for_user(user).select_related("station").filter(pk=pk).first()
    if found is None:
        raise Http404("funder")
    if write and not sets_policy(user, found.station_id):
        raise PermissionDenied("funder")
    return found


# --- orders ----------------------------------------------------------------------------------------


def orders_for_user(user: Any) -> QuerySet[MealOrder]:
    """Every order the user may open: their stations' (staff, operator, supervisor), or their
    own and their household's (a resident)."""
    if not getattr(user, "is_authenticated", False):
        return MealOrder.objects.none()
    if is_admin(user):
        return MealOrder.objects.all()
    condition = station_filter(user, roles=READ_ROLES, prefix="station__")
    family = family_ids(user)
    if family:
        condition |= Q(resident_id__in=family)
    return MealOrder.objects.filter(condition)


ORDER_RELATED = ("station", "menu", "resident", "tier", "funder", "delivery__volunteer__person")


def get_order_for_user(user: Any, pk: Any) -> MealOrder:
    """The order if the user may open it; else 404 (the same answer as a missing one)."""
    found = orders_for_user(user).filter(pk=pk).values_list("pk", flat=True).first()
    if found is None:
        raise Http404("meal_order")
    return MealOrder.objects.select_related(*ORDER_RELATED).get(pk=found)


@dataclass(frozen=True)
class OrderStanding:
    """Who a user is to one order: runs its canteen, reads it, or is the person or family."""

    runs: bool
    reads: bool
    family: bool

    def may(self, action: str) -> bool:
        people = ORDER_ACTION_PEOPLE[action]
        return ("staff" in people and self.runs) or ("family" in people and self.family)


# The one table of who may do what to an order (the state is the action's own check).
ORDER_ACTION_PEOPLE: dict[str, frozenset[str]] = {
    "serve": frozenset({"staff"}),
    "cancel": frozenset({"staff", "family"}),
}


def order_standing(user: Any, order: MealOrder) -> OrderStanding:
    runs = runs_station(user, order.station_id)
    reads = runs or read_stations(user).filter(pk=order.station_id).exists()
    return OrderStanding(runs=runs, reads=reads, family=order.resident_id in family_ids(user))


def authorize_order(user: Any, order: MealOrder, action: str) -> None:
    """PermissionDenied (403) unless the user may do `action`; None is the system itself."""
    if user is not None and not order_standing(user, order).may(action):
        raise PermissionDenied(action)


def ordering_channel(user: Any, resident: Resident) -> str | None:
    """How `user` may order for `resident`: "phone" (those who run its canteen), "self" or
    "family" (a resident for themselves or their household), or None."""
    if runs_station(user, resident.station_id):
        return "phone"
    family = family_of(user)
    if family and family[0].pk == resident.pk:
        return "self"
    if resident.pk in {person.pk for person in family}:
        return "family"
    return None


def orderable_resident(user: Any, pk: Any) -> Resident:
    """A resident the user may order for (else 404, as a resident they cannot see)."""
    resident = (
        Resident.objects.filter(pk=pk, status=Resident.Status.LIVING)
        .select_related("household__building__estate", "station")
        .first()
    )
    if resident is None or ordering_channel(user, resident) is None:
        raise Http404("resident")
    return resident


# --- delivery tasks --------------------------------------------------------------------------------


def deliveries_for_user(user: Any) -> QuerySet[DeliveryTask]:
    """Staff and operators: their stations' tasks. A volunteer: the open tasks of their station
    and the ones they took, nobody else's."""
    if not getattr(user, "is_authenticated", False):
        return DeliveryTask.objects.none()
    if is_admin(user):
        return DeliveryTask.objects.all()
    condition = station_filter(user, roles=READ_ROLES, prefix="station__")
    volunteer = active_volunteer_of(user)
    if volunteer is not None:
        condition |= Q(volunteer=volunteer)
        condition |= Q(status=DeliveryStatus.OPEN, station_id=volunteer.station_id)
    return DeliveryTask.objects.filter(condition)


DELIVERY_RELATED = (
    "station",
    "order__resident__household__building__estate",
    "order__menu",
    "volunteer__person",
)


def get_delivery_for_user(user: Any, pk: Any) -> DeliveryTask:
    found = deliveries_for_user(user).filter(pk=pk).values_list("pk", flat=True).first()
    if found is None:
        raise Http404("delivery")
    return DeliveryTask.objects.select_related(*DELIVERY_RELATED).get(pk=found)


@dataclass(frozen=True)
class DeliveryStanding:
    runs: bool  # operator, station staff or admin of the task's station
    volunteer: Volunteer | None  # the user's active volunteer record at the task's station
    holder: bool  # that volunteer took the task

    def may(self, action: str) -> bool:
        people = DELIVERY_ACTION_PEOPLE[action]
        return (
            ("staff" in people and self.runs)
            or ("volunteer" in people and self.volunteer is not None)
            or ("holder" in people and self.holder)
        )

    @property
    def sees_contact(self) -> bool:
        """The door and the phone: those who run the canteen, and the volunteer holding it."""
        return self.runs or self.holder


DELIVERY_ACTION_PEOPLE: dict[str, frozenset[str]] = {
    "take": frozenset({"volunteer"}),
    "release": frozenset({"staff", "holder"}),
    "deliver": frozenset({"staff", "holder"}),
}


def delivery_standings(user: Any, tasks: list[DeliveryTask]) -> dict[int, DeliveryStanding]:
    """The user's standing to each task, in at most two queries however many tasks."""
    station_ids = {task.station_id for task in tasks}
    runs = (
        set(run_stations(user).filter(pk__in=station_ids).values_list("pk", flat=True))
        if station_ids
        else set()
    )
    volunteer = active_volunteer_of(user)
    standings = {}
    for task in tasks:
        own = (
            volunteer if volunteer is not None and volunteer.station_id == task.station_id else None
        )
        standings[task.pk] = DeliveryStanding(
            runs=task.station_id in runs,
            volunteer=own,
            holder=own is not None and task.volunteer_id == own.pk,
        )
    return standings


def delivery_standing(user: Any, task: DeliveryTask) -> DeliveryStanding:
    return delivery_standings(user, [task])[task.pk]


def authorize_delivery(user: Any, task: DeliveryTask, action: str) -> None:
    if user is not None and not delivery_standing(user, task).may(action):
        raise PermissionDenied(action)


def can_deliver(user: Any) -> bool:
    """Whether the deliveries page is for this user: a volunteer (the page says so when their
    record is not active), or someone who runs a canteen."""
    return has_role(user, Role.VOLUNTEER) or can_run_any(user)
