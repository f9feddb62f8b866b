"""Who may see an elder's care profile and log a visit. Built on accounts.access, the one gate.

Station staff (and admin) run their station's profiles: the list, the map of due visits, the care
level, emergency contacts, the visit interval and every visit. Supervisors read their subtree's
list. A volunteer sees the elders whose visits are offered to them — at their station, visited by
a team they are an active member of, or living in the estate where the volunteer lives — and, for
those, only what a visit needs: name, age, address, phone, the living situation (独居, 空巢 …) and
when they were last visited; never the care level, emergency contacts, others' notes, 残疾 or 低保.
Anyone else, and anything outside, answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from linli.accounts.access import has_role, in_reach, visible_stations
from linli.accounts.models import Role
from linli.elders.models import ElderProfile
from linli.people.models import Resident
from linli.teams.models import TeamMembership
from linli.volunteers.access import active_volunteer_of
from linli.volunteers.models import Volunteer

READ_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF})
RUN_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})
OFFER_AHEAD_DAYS = 7  # a volunteer is offered the visits due within this many days, and overdue


def profiles_for_user(user: Any) -> QuerySet[ElderProfile]:
    """Profiles of the stations the user runs or reads (living residents only)."""
    return in_reach(ElderProfile.objects.all(), user, roles=READ_ROLES).filter(
        resident__status=Resident.Status.LIVING
    )


def volunteer_reach(volunteer: Volunteer) -> QuerySet[ElderProfile]:
    """Profiles a volunteer may visit: their station's elders visited by one of their teams or
    living in the volunteer's own estate."""
    teams = TeamMembership.objects.filter(
        volunteer=volunteer, status=TeamMembership.Status.ACTIVE
    ).values("team_id")
    condition = Q(visit_team_id__in=teams)
    household = volunteer.person.household
    if household is not None:
        condition |= Q(resident__household__building__estate_id=household.building.estate_id)
    return ElderProfile.objects.filter(
        condition, station_id=volunteer.station_id, resident__status=Resident.Status.LIVING
    )


def offered_visits(volunteer: Volunteer) -> QuerySet[ElderProfile]:
    """The visits offered to a volunteer: in reach, overdue or due within OFFER_AHEAD_DAYS."""
    horizon = timezone.localdate() + timedelta(days=OFFER_AHEAD_DAYS)
    return volunteer_reach(volunteer).filter(next_visit_due__lte=horizon)


@dataclass(frozen=True)
class Standing:
    runs: bool  # station staff or admin of the elder's station
    reads: bool  # those, or a supervisor above it
    visitor: Volunteer | None  # the user as a volunteer who may visit this elder

    @property
    def sees_profile(self) -> bool:
        """Care level, emergency contacts, every visit's notes."""
        return self.reads

    @property
    def may_edit(self) -> bool:
        return self.runs

    @property
    def may_visit(self) -> bool:
        return self.runs or self.visitor is not None


def standing_of(user: Any, profile: ElderProfile) -> Standing:
    runs = visible_stations(user, roles=RUN_ROLES).filter(pk=profile.station_id).exists()
    reads = runs or visible_stations(user, roles=READ_ROLES).filter(pk=profile.station_id).exists()
    volunteer = active_volunteer_of(user)
    visitor = None
    if volunteer is not None and volunteer_reach(volunteer).filter(pk=profile.pk).exists():
        visitor = volunteer
    return Standing(runs=runs, reads=reads, visitor=visitor)


PROFILE_RELATED = ("resident__household__building__estate", "station", "visit_team")


def get_profile_for_user(
    user: Any, resident_id: Any, *, need: str = "read"
) -> tuple[ElderProfile, Standing]:
    """The elder's profile and the user's standing to it. `need` is `read` (staff, supervisors
    and the volunteers it is offered to), `visit` (staff and those volunteers) or `edit` (staff).
    A user who may not read it gets 404, the same as for a resident who is not an elder; one who
    may read it but not do `need` gets 403."""
    profile = (
        ElderProfile.objects.select_related(*PROFILE_RELATED)
        .filter(resident_id=resident_id, resident__status=Resident.Status.LIVING)
        .first()
    )
    if profile is None or not getattr(user, "is_authenticated", False):
        raise Http404("elder")
    standing = standing_of(user, profile)
    if not (standing.reads or standing.visitor is not None):
        raise Http404("elder")
    allowed = {"read": True, "visit": standing.may_visit, "edit": standing.may_edit}[need]
    if not allowed:
        raise PermissionDenied(need)
    return profile, standing


def can_read_list(user: Any) -> bool:
    return has_role(user, *READ_ROLES)


def can_offer_visits(user: Any) -> bool:
    return active_volunteer_of(user) is not None
