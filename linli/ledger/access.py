"""Who may read, correct and export the service records. Built on accounts.access, the one gate.

A volunteer's records are kept by whoever runs the volunteer's station: its station staff, and
admin everywhere (`volunteers.access.WRITE_ROLES`). They decide correction requests and export
the records with full ID numbers; supervisors, team leaders and volunteers do neither. A
volunteer asks for corrections of their own entries only.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from linli.accounts.access import has_role, in_reach
from linli.ledger.models import CorrectionRequest, LedgerEntry
from linli.volunteers.access import WRITE_ROLES

KEEPER_ROLES = WRITE_ROLES


def can_keep_records(user: Any) -> bool:
    """Station staff and admin: the correction queue and the national export."""
    return has_role(user, *KEEPER_ROLES)


def corrections_for_user(user: Any) -> QuerySet[CorrectionRequest]:
    """Correction requests of the volunteers of the stations the user keeps the records of."""
    return in_reach(
        CorrectionRequest.objects.all(),
        user,
        roles=KEEPER_ROLES,
        station_field="volunteer__station",
    )


def exportable_entries(user: Any) -> QuerySet[LedgerEntry]:
    """Ledger entries of the volunteers of the stations the user keeps the records of."""
    return in_reach(
        LedgerEntry.objects.all(), user, roles=KEEPER_ROLES, station_field="volunteer__station"
    )


def get_own_entry(user: Any, pk: Any) -> LedgerEntry:
    """One of the user's own entries (what a volunteer may ask to correct); anyone else's: 404."""
    found = LedgerEntry.objects.filter(pk=pk, volunteer__user_id=user.pk).first()
    if found is None:
        raise Http404("entry")
    return found
