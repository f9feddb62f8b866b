"""Who may read and change the registry. Built on accounts.access, the one gate."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from linli.accounts.access import get_in_reach, has_role, in_reach, visible_stations
from linli.accounts.models import Role
from linli.org.models import Station
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
        Resident.objects.select_related("household__building__estate"),
        user,
        pk,
        roles=roles,
        write=write,
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


def writable_stations(user: Any) -> QuerySet[Station]:
    """The 站 (not districts) whose registry the user writes: their own as station staff, every
    one for admin. Where a new resident is registered and a sheet is imported."""
    return visible_stations(user, roles=WRITE_ROLES, write=True).filter(kind=Station.Kind.STATION)


def get_writable_station(user: Any, code: str | None) -> Station:
    """The station `code` names among those whose registry the user writes (404 when it is not
    one of them), or without a code the first of them; PermissionDenied when there is none."""
    stations = writable_stations(user)
    if code:
        station = stations.filter(code=code).first()
        if station is None:
            raise Http404("station")
        return station
    first = stations.first()
    if first is None:
        raise PermissionDenied
    return first


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
    residents = Resident.objects.filter(pk=resident.pk)
    return in_reach(residents, user, roles=WRITE_ROLES, write=True).exists()


def _import_jobs() -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("station", "uploaded_by", "committed_by")


def import_jobs_for_user(user: Any) -> QuerySet[ImportJob]:
    """Import jobs of the stations whose registry the user may write."""
    return in_reach(_import_jobs(), user, roles=WRITE_ROLES)


def get_import_job_for_user(user: Any, job_id: int) -> ImportJob:
    """A job of a station the user may write the registry of; anyone else's answers 404."""
    return get_in_reach(_import_jobs(), user, job_id, roles=WRITE_ROLES, write=True)


# Linking an account to its person record (the desk checks who the person is first): staff of
# the record's station, among the accounts that hold a role at that station and have no record.
MAX_ACCOUNT_MATCHES = 10


def linkable_accounts(user: Any, resident: Resident, search: str) -> QuerySet[Any]:
    """Accounts `user` may link to `resident` matching `search` (phone digits or name); none
    unless the user writes the record, and never an administrator's or an account already
    linked to a record."""
    from linli.accounts.models import User

    if not can_write_resident(user, resident):
        return User.objects.none()
    accounts = User.objects.filter(
        is_active=True, resident__isnull=True, role_assignments__station_id=resident.station_id
    ).exclude(role_assignments__role=Role.ADMIN)
    search = search.strip()[:50]
    digits = "".join(char for char in search if char.isdigit())
    if not search:
        return User.objects.none()
    if digits and len(digits) >= 4:
        accounts = accounts.filter(phone__contains=digits)
    else:
        accounts = accounts.filter(name__icontains=search)
    return accounts.distinct().order_by("phone")


def unlinked_resident_accounts(user: Any) -> QuerySet[Any]:
    """Accounts holding the resident role at a station whose registry `user` writes, not yet
    linked to a person record: the desk's list to match."""
    from linli.accounts.models import User

    stations = writable_stations(user)
    return (
        User.objects.filter(
            is_active=True,
            resident__isnull=True,
            role_assignments__role=Role.RESIDENT,
            role_assignments__station__in=stations,
        )
        .distinct()
        .order_by("-date_joined")
    )
