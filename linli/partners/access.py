"""Who may see and keep a station's partners. Built on accounts.access, the one gate.

Station staff (and admin) keep their station's partners; supervisors read those of their
subtree. The partner pages name organisations, activities and volunteers' names with their
hours — the same as a team's page — and no one's personal details. Everyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from linli.accounts.access import get_in_reach, in_reach
from linli.accounts.models import Role
from linli.partners.models import Partner

KEEP_ROLES = frozenset({Role.ADMIN, Role.STATION_STAFF})
READ_ROLES = KEEP_ROLES | {Role.SUPERVISOR}


def partners_for_user(user: Any) -> QuerySet[Partner]:
    return in_reach(Partner.objects.all(), user, roles=READ_ROLES)


def get_partner_for_user(user: Any, pk: Any, *, write: bool = False) -> Partner:
    """The partner if the user reaches its station (write: keeps it); else 404."""
    roles = KEEP_ROLES if write else READ_ROLES
    return get_in_reach(Partner.objects.select_related("station"), user, pk, roles=roles)


def may_keep(user: Any, partner: Partner) -> bool:
    return in_reach(Partner.objects.filter(pk=partner.pk), user, roles=KEEP_ROLES).exists()
