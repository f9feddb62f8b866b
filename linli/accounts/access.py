"""The one permission gate. Every view, endpoint and command asks here; hiding a button is never
the check.

A user reaches a station through a role assignment: `admin` reaches every station, a `supervisor`
the subtree under their station, every other role exactly its own station. An object outside a
user's reach answers 404, the same as a missing one, so its existence is not revealed.

A closed station stays readable but takes no writes: every question asked with `write=True`
leaves closed stations out, so each write path that goes through the gate refuses them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from linli.accounts.models import STAFF_ROLES, Role, RoleAssignment, User
from linli.core.errors import DomainError
from linli.org.models import Station

# Roles that may change a station's own data (its people, its configuration).
STATION_WRITE_ROLES = frozenset({Role.STATION_STAFF})


@dataclass(frozen=True)
class Grant:
    role: str
    station_id: int | None
    station_path: str | None
    # The granting station lets its supervisors administer the stations under it.
    delegates: bool = False


def grants(user: Any) -> tuple[Grant, ...]:
    """The user's role assignments, read once per user object (one query, then cached on it)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_linli_grants", None)
    if cached is None:
        rows = RoleAssignment.objects.filter(user=user).select_related("station")
        cached = tuple(
            Grant(
                row.role,
                row.station_id,
                row.station.path if row.station else None,
                bool(row.station and row.station.delegates_administration),
            )
            for row in rows
        )
        user._linli_grants = cached
    return cached


def forget_grants(user: Any) -> None:
    """Drop the cached grants after a role change, so the next check reads them afresh."""
    if hasattr(user, "_linli_grants"):
        del user._linli_grants


def role_codes(user: Any) -> set[str]:
    return {grant.role for grant in grants(user)}


def has_role(user: Any, *roles: str) -> bool:
    return bool(role_codes(user) & set(roles))


def is_admin(user: Any) -> bool:
    return has_role(user, Role.ADMIN)


def needs_two_factor(user: Any) -> bool:
    """Staff roles see other people's data: under LINLI_REQUIRE_2FA they must sign in with TOTP."""
    return settings.REQUIRE_2FA and has_role(user, *STAFF_ROLES)


def station_filter(
    user: Any, *, roles: Iterable[str] | None = None, prefix: str = "", write: bool = False
) -> Q:
    """A Q that keeps the stations (or, with `prefix="station__"`, the objects) the user reaches.

    `roles` narrows the reach to what those roles give; an empty result matches nothing.
    `write` keeps only open stations: a closed one is read-only for everyone.
    """
    wanted = set(roles) if roles is not None else None
    condition = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    for grant in grants(user):
        if wanted is not None and grant.role not in wanted:
            continue
        if grant.role == Role.ADMIN:
            condition = Q()
            break
        if grant.role == Role.SUPERVISOR:
            condition |= Q(**{f"{prefix}path__startswith": grant.station_path})
            continue
        condition |= Q(**{f"{prefix}pk": grant.station_id})
    if write:
        condition &= Q(**{f"{prefix}closed_at__isnull": True})
    return condition


def visible_stations(
    user: Any, *, roles: Iterable[str] | None = None, write: bool = False
) -> QuerySet[Station]:
    return Station.objects.filter(station_filter(user, roles=roles, write=write))


def get_station_for_user(user: Any, code: str, *, write: bool = False) -> Station:
    """The station with `code` if the user reaches it (and, for `write`, may change it); else 404.

    Writing needs `admin` or station staff of exactly that station, and an open station;
    supervisors only read, and a closed station is read-only for everyone.
    """
    roles = {Role.ADMIN, *STATION_WRITE_ROLES} if write else None
    station = visible_stations(user, roles=roles, write=write).filter(code=code).first()
    if station is None:
        raise Http404("station")
    return station


def administered_station_filter(user: Any, *, prefix: str = "") -> Q:
    """Stations whose place in the tree the user may change (create under, rename, move, close).

    `admin` administers every station; a supervisor whose own station delegates administration
    administers the stations strictly below it (never their own station or anything above).
    """
    condition = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    for grant in grants(user):
        if grant.role == Role.ADMIN:
            return Q()
        if grant.role == Role.SUPERVISOR and grant.delegates:
            condition |= Q(**{f"{prefix}path__startswith": grant.station_path}) & ~Q(
                **{f"{prefix}pk": grant.station_id}
            )
    return condition


def administered_stations(user: Any) -> QuerySet[Station]:
    return Station.objects.filter(administered_station_filter(user))


def can_administer_stations(user: Any) -> bool:
    return is_admin(user) or any(
        grant.role == Role.SUPERVISOR and grant.delegates for grant in grants(user)
    )


def parent_choices(user: Any) -> QuerySet[Station]:
    """Open stations a new or moved station may go under: what the user administers, and for a
    delegating supervisor also their own station (a 中心's staff open 所 and 站 under it)."""
    condition = administered_station_filter(user)
    for grant in grants(user):
        if grant.role == Role.SUPERVISOR and grant.delegates:
            condition |= Q(pk=grant.station_id)
    return Station.objects.filter(condition, closed_at__isnull=True).exclude(
        kind=Station.Kind.STATION
    )


def get_administered_station(user: Any, code: str) -> Station:
    """The station `code` if the user administers it (closed ones too: they may reopen); else
    404 when they cannot even read it, 403 when they read it but do not administer it."""
    station = administered_stations(user).filter(code=code).first()
    if station is not None:
        return station
    if visible_stations(user).filter(code=code).exists():
        raise PermissionDenied("station")
    raise Http404("station")


def get_station_for_places(user: Any, code: str, *, write: bool = False) -> Station:
    """A station whose estates, buildings and grids the user reads (anyone it reaches) or, for
    `write`, changes: its own staff, admin, or a supervisor administering it; a closed station
    answers 409 `station_closed` to them (it is theirs, but read-only)."""
    if not write:
        return get_station_for_user(user, code)
    condition = station_filter(user, roles={Role.ADMIN, *STATION_WRITE_ROLES})
    condition |= administered_station_filter(user)
    station = Station.objects.filter(condition, code=code).first()
    if station is not None and station.is_closed:
        raise DomainError("station_closed", _("站点已关闭，不能再添加或修改。"), status=409)
    if station is not None:
        return station
    if visible_stations(user).filter(code=code).exists():
        raise PermissionDenied("station")
    raise Http404("station")


M = TypeVar("M", bound=Model)


def in_reach(
    queryset: QuerySet[M],
    user: Any,
    *,
    roles: Iterable[str],
    station_field: str = "station",
    write: bool = False,
) -> QuerySet[M]:
    """Rows of `queryset` that belong to a station the user reaches through one of `roles`
    (for `write`, an open one)."""
    return queryset.filter(
        station_filter(user, roles=roles, prefix=f"{station_field}__", write=write)
    )


def get_in_reach(
    queryset: QuerySet[M],
    user: Any,
    pk: Any,
    *,
    roles: Iterable[str],
    station_field: str = "station",
    write: bool = False,
) -> M:
    """One row in the user's reach (for `write`, of an open station), or 404 (the same answer as
    a row that does not exist)."""
    found = (
        in_reach(queryset, user, roles=roles, station_field=station_field, write=write)
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(queryset.model._meta.model_name)
    return found


def visible_users(user: Any) -> QuerySet[User]:
    """People the user may look up: themselves, and for staff everyone holding a role in reach."""
    if is_admin(user):
        return User.objects.all()
    staff_reach = station_filter(user, roles=STAFF_ROLES, prefix="role_assignments__station__")
    return User.objects.filter(Q(pk=user.pk) | staff_reach).distinct()


def get_user_for_user(user: Any, pk: int) -> User:
    """Another account, if the user may look it up; else 404."""
    found = visible_users(user).filter(pk=pk).first()
    if found is None:
        raise Http404("user")
    return found


# Who reads the summary figures, for the stations they reach.
STATS_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF})


def can_read_stats(user: Any) -> bool:
    return has_role(user, *STATS_ROLES)


# Who reads the audit log, for the stations they reach (admin: every row, also those of no station).
AUDIT_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF})


def can_read_audit(user: Any) -> bool:
    return has_role(user, *AUDIT_ROLES)


def audit_station_filter(user: Any) -> Q:
    """Audit rows a user may read: admin all; supervisors and staff their stations' rows."""
    return station_filter(user, roles=AUDIT_ROLES, prefix="station__")


View = TypeVar("View", bound=Callable[..., HttpResponse])


def role_required(*roles: str) -> Callable[[View], View]:
    """Page decorator: signed-in users without one of `roles` get 403 (a page, not an object)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def may_set_temporary_password(actor: Any, target: Any) -> bool:
    """Who hands out a temporary password at the desk (the holder must change it at sign-in):
    admin for anyone but themselves; station staff for people of their own stations (a role
    there, or a registry record there linked to the account) who hold no staff role themselves,
    so no desk can take over a colleague's account."""
    if actor.pk == target.pk:
        return False
    if is_admin(actor):
        return True
    if not has_role(actor, Role.STATION_STAFF):
        return False
    if has_role(target, *STAFF_ROLES):
        return False
    runs = station_filter(actor, roles={Role.STATION_STAFF}, prefix="role_assignments__station__")
    if User.objects.filter(runs, pk=target.pk).exists():
        return True
    runs_record = station_filter(actor, roles={Role.STATION_STAFF}, prefix="resident__station__")
    return User.objects.filter(runs_record, pk=target.pk).exists()


def get_stats_station_for_user(user: Any, code: str) -> Station:
    """A station whose dashboard, figures and rows the user may read (admin: any; a supervisor:
    their subtree; station staff: their own); any other station is a 404, like a missing one.
    Callers check `can_read_stats` first (a page: 403 for roles without statistics)."""
    station = visible_stations(user, roles=STATS_ROLES).filter(code=code).first()
    if station is None:
        raise Http404("station")
    return station


def subtree_ids(station: Station) -> Any:
    """The ids of a station and every station under it (a 所's stations, a 中心's 所)."""
    return Station.objects.filter(path__startswith=station.path).values("pk")
