"""Who may see and do what at a day-care centre. Built on accounts.access, the one gate.

Station staff (and admin) run their station's centres: they admit members, keep the caregivers'
list and do everything a caregiver does. A caregiver — the `caregiver` role at the centre's station
*and* an active place on the centre's staff list (`CentreStaff`) — keeps the day's attendance and
the care records of the centre's members. Supervisors read a centre's figures (counts, never a
member's care records). Everyone else, and anyone outside the station, gets 404.

Who a user is to a centre is read once into a `Standing`; pages and the API ask it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from linli.accounts.access import has_role, is_admin, station_filter, visible_stations
from linli.accounts.models import Role
from linli.daycare.models import Centre, CentreStaff, Membership, MemberStatus

RUN_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})
READ_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF})
CENTRE_ROLES = READ_ROLES | {Role.CAREGIVER}


def caregiver_centre_ids(user: Any) -> set[int]:
    """Centres the user works at as a caregiver: an active staff place, at a station where the
    user holds the `caregiver` role (revoking the role ends the access without touching the list)."""
    if not has_role(user, Role.CAREGIVER):
        return set()
    stations = visible_stations(user, roles={Role.CAREGIVER}).values("pk")
    return set(
        CentreStaff.objects.filter(
            user=user, active=True, centre__station_id__in=stations
        ).values_list("centre_id", flat=True)
    )


def centres_for_user(user: Any) -> QuerySet[Centre]:
    """Centres the user may open: those of stations they run or read, and their own as caregiver."""
    if not getattr(user, "is_authenticated", False):
        return Centre.objects.none()
    if is_admin(user):
        return Centre.objects.all()
    condition = station_filter(user, roles=READ_ROLES, prefix="station__")
    condition |= Q(pk__in=caregiver_centre_ids(user))
    return Centre.objects.filter(condition)


@dataclass(frozen=True)
class Standing:
    """Who a user is to one centre."""

    runs: bool  # station staff or admin of the centre's station
    reads: bool  # those, or a supervisor above the station
    caregiver: bool  # works at the centre

    @property
    def keeps_attendance(self) -> bool:
        return self.runs or self.caregiver

    @property
    def sees_care(self) -> bool:
        """Members' care records (plans, sessions, needs): staff and the centre's caregivers."""
        return self.runs or self.caregiver

    @property
    def manages(self) -> bool:
        """Admitting, leaving, the caregivers' list, the centre's own details."""
        return self.runs


def standing_of(user: Any, centre: Centre) -> Standing:
    # Running (admitting, recording) needs an open station; a closed one's records still read.
    runs = visible_stations(user, roles=RUN_ROLES, write=True).filter(pk=centre.station_id).exists()
    reads = runs or visible_stations(user, roles=READ_ROLES).filter(pk=centre.station_id).exists()
    return Standing(runs=runs, reads=reads, caregiver=centre.pk in caregiver_centre_ids(user))


# What each kind of request on a centre needs of the standing.
NEEDS = {
    "read": lambda standing: standing.reads or standing.caregiver,
    "attend": lambda standing: standing.keeps_attendance,
    "care": lambda standing: standing.sees_care,
    "manage": lambda standing: standing.manages,
}


def get_centre_for_user(user: Any, pk: Any, *, need: str = "read") -> tuple[Centre, Standing]:
    """The centre and the user's standing to it; 404 when the user may not open it at all, 403
    when they may open it but not do `need` (a supervisor keeping attendance)."""
    centre = centres_for_user(user).select_related("station").filter(pk=pk).first()
    if centre is None:
        raise Http404("centre")
    standing = standing_of(user, centre)
    if not NEEDS[need](standing):
        if need == "care":
            # Members' care records: a supervisor learns nothing of them, not even that they exist.
            raise Http404("centre")
        raise PermissionDenied(need)
    return centre, standing


def get_membership(centre: Centre, pk: Any) -> Membership:
    """A membership of `centre`, which the caller opened with `get_centre_for_user`; else 404."""
    found = (
        Membership.objects.select_related("resident__household__building__estate", "centre")
        .filter(centre=centre, pk=pk)
        .first()
    )
    if found is None:
        raise Http404("membership")
    return found


def care_reader_centres(user: Any, resident_id: int) -> QuerySet[Membership]:
    """The resident's active memberships at centres where the user is a caregiver."""
    return Membership.objects.filter(
        resident_id=resident_id,
        status=MemberStatus.ACTIVE,
        centre_id__in=caregiver_centre_ids(user),
    )


def is_caregiver_of(user: Any, resident_id: int) -> bool:
    """Whether the user is a caregiver of a centre the resident is an active member of."""
    return care_reader_centres(user, resident_id).exists()


def can_open_daycare(user: Any) -> bool:
    """Whether the day-care section is worth a link for the user (the pages check again)."""
    return has_role(user, *READ_ROLES) or bool(caregiver_centre_ids(user))
