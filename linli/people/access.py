"""Who may read and change the registry. Built on accounts.access, the one gate."""

from typing import Any

from django.db.models import QuerySet

from linli.accounts.access import get_in_reach, has_role, in_reach
from linli.accounts.models import Role
from linli.people.models import Household, ImportJob, Resident

# Station staff run their station's registry; supervisors read their subtree; admin all.
READ_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF})
WRITE_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})
# Unmasked ID numbers, health and disability details: only those who serve the person directly.
REVEAL_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})


def residents_for_user(user: Any) -> QuerySet[Resident]:
    return in_reach(Resident.objects.all(), user, roles=READ_ROLES)


def get_resident_for_user(user: Any, pk: Any, *, write: bool = False) -> Resident:
    """The resident if the user's roles reach their station (write: staff of it); else 404."""
    roles = WRITE_ROLES if write else READ_ROLES
    return get_in_reach(
        Resident.objects.select_related("household__building__estate"), user, pk, roles=roles
    )


def get_household_for_user(user: Any, pk: Any) -> Household:
    return get_in_reach(
        Household.objects.select_related("building__estate", "building__grid__worker", "station"),
        user,
        pk,
        roles=READ_ROLES,
    )


def can_write_registry(user: Any) -> bool:
    return has_role(user, *WRITE_ROLES)


def may_reveal_somewhere(user: Any) -> bool:
    """Whether to offer unmasked values at all (the full export); each row is still checked."""
    return has_role(user, *REVEAL_ROLES)


def revealable(residents: QuerySet[Resident], user: Any) -> QuerySet[Resident]:
    """Those of `residents` whose sensitive fields the user may see unmasked (one query for all)."""
    return in_reach(residents, user, roles=REVEAL_ROLES)


def can_reveal_sensitive(user: Any, resident: Resident) -> bool:
    """Unmasked sensitive fields: admin, or station staff of the resident's own station."""
    return revealable(Resident.objects.filter(pk=resident.pk), user).exists()


def can_write_resident(user: Any, resident: Resident) -> bool:
    return in_reach(Resident.objects.filter(pk=resident.pk), user, roles=WRITE_ROLES).exists()


def import_jobs_for_user(user: Any) -> QuerySet[ImportJob]:
    """Import jobs of the stations whose registry the user may write."""
    return in_reach(
        ImportJob.objects.select_related("station", "uploaded_by", "committed_by"),
        user,
        roles=WRITE_ROLES,
    )


def get_import_job_for_user(user: Any, job_id: int) -> ImportJob:
    """A job of a station the user may write the registry of; anyone else's answers 404."""
    return get_in_reach(import_jobs_for_user(user), user, job_id, roles=WRITE_ROLES)
