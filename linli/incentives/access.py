"""Who may see and do what with points, the 爱心超市, the time bank and honours. Built on
accounts.access, the one gate.

- A volunteer reads their own points and time bank, redeems at their station's shop, cancels
  their own reservations, deposits, gives and donates their own hours. Nobody else's: another
  volunteer's accounts answer 404.
- Station staff and admin run their station: point rules and adjustments, goods and stock,
  the counter's hand-over, stock-takes, the pool's payments, honours from creation to award.
  Supervisors read their subtree's accounts, shop and honours.
- The honour roll and the 公示 are public (names only).

Anything outside a user's reach answers 404, like a missing row; what they see but may not do
answers 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from linli.accounts.access import has_role, in_reach, is_admin, station_filter, visible_stations
from linli.accounts.models import Role
from linli.incentives.models import Honour, Nomination, Redemption, ShopItem
from linli.org.models import Station
from linli.volunteers.access import active_volunteer_of
from linli.volunteers.models import Volunteer

RUN_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})
READ_ROLES = RUN_ROLES | {Role.SUPERVISOR}


def run_stations(user: Any) -> QuerySet[Station]:
    return visible_stations(user, roles=RUN_ROLES).filter(kind=Station.Kind.STATION)


def runs_station(user: Any, station: Station | int) -> bool:
    station_id = station if isinstance(station, int) else station.pk
    return run_stations(user).filter(pk=station_id).exists()


def can_run_any(user: Any) -> bool:
    return has_role(user, *RUN_ROLES)


def can_read_any(user: Any) -> bool:
    return has_role(user, *READ_ROLES)


def get_run_station(user: Any, code: str | None) -> Station:
    """The station `code` names among those the user runs (404 otherwise), or without a code the
    only/first one; 403 when they run none."""
    stations = run_stations(user).order_by("path")
    if code:
        if len(code) > 32 or not code.isprintable():
            raise Http404("station")
        found = stations.filter(code=code).first()
        if found is None:
            raise Http404("station")
        return found
    first = stations.first()
    if first is None:
        raise PermissionDenied("station")
    return first


# --- a volunteer's accounts -----------------------------------------------------------------------

VOLUNTEER_RELATED = ("person", "station", "user")


def get_account_holder(user: Any, pk: Any, *, write: bool = False) -> Volunteer:
    """The volunteer whose points and time bank the user may read: themselves, or (staff and
    supervisors) a volunteer of a station in reach; with `write` (adjusting points) only staff
    who run the volunteer's station. Anyone else: 404."""
    queryset = Volunteer.objects.select_related(*VOLUNTEER_RELATED)
    if not write:
        found = queryset.filter(pk=pk, user_id=getattr(user, "pk", 0) or 0).first()
        if found is not None:
            return found
    return get_in_reach_volunteer(queryset, user, pk, roles=RUN_ROLES if write else READ_ROLES)


def get_in_reach_volunteer(
    queryset: QuerySet[Volunteer], user: Any, pk: Any, *, roles: frozenset[str]
) -> Volunteer:
    found = in_reach(queryset, user, roles=roles).filter(pk=pk).first()
    if found is None:
        raise Http404("volunteer")
    return found


def own_volunteer(user: Any) -> Volunteer:
    """The user's own active volunteer record (the account they act on), else 403."""
    volunteer = active_volunteer_of(user)
    if volunteer is None:
        raise PermissionDenied("volunteer")
    return Volunteer.objects.select_related(*VOLUNTEER_RELATED).get(pk=volunteer.pk)


def redeemer_for(user: Any, volunteer_id: int | None) -> Volunteer:
    """Who a redemption is for: the user themselves, or — named by staff at the counter — a
    volunteer of a station the user runs (anyone else: 404)."""
    if volunteer_id is None:
        return own_volunteer(user)
    own = active_volunteer_of(user)
    if own is not None and own.pk == volunteer_id:
        return own_volunteer(user)
    return get_in_reach_volunteer(
        Volunteer.objects.select_related(*VOLUNTEER_RELATED), user, volunteer_id, roles=RUN_ROLES
    )


def get_pool_request(user: Any, pk: Any) -> Any:
    """A service request the station's pool may pay for, by decision of staff who run the
    request's station; anyone else (and a missing request) 404."""
    from linli.assistance.models import ServiceRequest

    found = (
        ServiceRequest.objects.select_related("station", "resident")
        .filter(pk=pk, station__in=run_stations(user))
        .first()
    )
    if found is None:
        raise Http404("service_request")
    return found


# --- the shop ---------------------------------------------------------------------------------------


def items_for_user(user: Any) -> QuerySet[ShopItem]:
    """The goods of the stations the user reads as staff, and of their own station."""
    if is_admin(user):
        return ShopItem.objects.all()
    condition = station_filter(user, roles=READ_ROLES, prefix="station__")
    volunteer = active_volunteer_of(user)
    if volunteer is not None:
        condition |= Q(station_id=volunteer.station_id)
    return ShopItem.objects.filter(condition)


def get_item_for_user(user: Any, pk: Any, *, write: bool = False) -> ShopItem:
    found = items_for_user(user).select_related("station").filter(pk=pk).first()
    if found is None:
        raise Http404("item")
    if write and not runs_station(user, found.station_id):
        raise PermissionDenied("item")
    return found


def redemptions_for_user(user: Any) -> QuerySet[Redemption]:
    """Staff: their stations' redemptions; a volunteer: their own."""
    if not getattr(user, "is_authenticated", False):
        return Redemption.objects.none()
    if is_admin(user):
        return Redemption.objects.all()
    condition = station_filter(user, roles=READ_ROLES, prefix="station__")
    condition |= Q(volunteer__user_id=user.pk)
    return Redemption.objects.filter(condition)


REDEMPTION_RELATED = ("item", "station", "volunteer__person")

# The one table of who may do what to a redemption (the state is the action's own check).
REDEMPTION_ACTION_PEOPLE: dict[str, frozenset[str]] = {
    "hand_over": frozenset({"staff"}),
    "cancel": frozenset({"staff", "owner"}),
}


def get_redemption_for_user(user: Any, pk: Any) -> Redemption:
    found = redemptions_for_user(user).filter(pk=pk).values_list("pk", flat=True).first()
    if found is None:
        raise Http404("redemption")
    return Redemption.objects.select_related(*REDEMPTION_RELATED).get(pk=found)


def authorize_redemption(user: Any, redemption: Redemption, action: str) -> None:
    """PermissionDenied unless the user may do `action` to the redemption."""
    people = REDEMPTION_ACTION_PEOPLE[action]
    if "staff" in people and runs_station(user, redemption.station_id):
        return
    if "owner" in people and redemption.volunteer.user_id == getattr(user, "pk", None):
        return
    raise PermissionDenied(action)


# --- honours ----------------------------------------------------------------------------------------


def honours_for_user(user: Any) -> QuerySet[Honour]:
    """Staff and supervisors: their stations' honours; a volunteer: their own station's."""
    if is_admin(user):
        return Honour.objects.all()
    condition = station_filter(user, roles=READ_ROLES, prefix="station__")
    volunteer = active_volunteer_of(user)
    if volunteer is not None:
        condition |= Q(station_id=volunteer.station_id)
    return Honour.objects.filter(condition)


def get_honour_for_user(user: Any, pk: Any, *, write: bool = False) -> Honour:
    """An honour in reach, else 404; `write` (nominate, review, publicize, award): only staff who
    run its station, else 403."""
    found = honours_for_user(user).select_related("station").filter(pk=pk).first()
    if found is None:
        raise Http404("honour")
    if write and not runs_station(user, found.station_id):
        raise PermissionDenied("honour")
    return found


def get_nomination_for_user(user: Any, pk: Any) -> Nomination:
    """A nomination of an honour the user runs (reviewing it), else 404."""
    found = (
        Nomination.objects.select_related("honour__station")
        .filter(pk=pk, honour__station__in=run_stations(user))
        .first()
    )
    if found is None:
        raise Http404("nomination")
    return found
