"""Who may read and write a resident's health records (SPEC §7.1: staff and the caregivers of the
person's centre; everyone else 404). Built on accounts.access and daycare.access.

Health values are the most sensitive data of the system: station staff (and admin) of the
resident's station, and the caregivers of a centre the resident is an active member of, read and
write them; supervisors see how many records and alerts there are, never a value. Writing also
needs the resident's separate consent to sensitive data (checked by the action).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from linli.accounts.access import has_role, visible_stations
from linli.accounts.models import Role
from linli.daycare.access import is_caregiver_of
from linli.org.models import Station
from linli.people.models import Resident

STAFF_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})
COUNT_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF})


def runs_station(user: Any, station: Station | int) -> bool:
    """Station staff of that station, or admin."""
    station_id = station if isinstance(station, int) else station.pk
    return visible_stations(user, roles=STAFF_ROLES).filter(pk=station_id).exists()


def runs_station_of(user: Any, resident: Resident) -> bool:
    return runs_station(user, resident.station_id)


def may_read_health(user: Any, resident: Resident) -> bool:
    """Station staff of the resident's station, admin, or a caregiver of the resident's centre."""
    if not getattr(user, "is_authenticated", False):
        return False
    return runs_station_of(user, resident) or is_caregiver_of(user, resident.pk)


def get_health_resident_for_user(user: Any, pk: Any) -> Resident:
    """The resident whose health records the user may read and write; anyone else: 404."""
    resident = (
        Resident.objects.select_related("station", "household__building__estate")
        .filter(pk=pk)
        .first()
    )
    if resident is None or not may_read_health(user, resident):
        raise Http404("resident")
    return resident


def may_count_health(user: Any) -> bool:
    """Counts of records and alerts over the stations in reach (no values)."""
    return has_role(user, *COUNT_ROLES)


def may_set_thresholds(user: Any) -> bool:
    return has_role(user, *STAFF_ROLES)
