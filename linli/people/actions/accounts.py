"""Linking a sign-in account to its person record (Resident.user), at the station's desk.

Never automatic: a phone number typed at sign-up proves nothing about who lives where, so the
station's staff check the person and link the two. Linking gives the account the record's
address and household (the 点单 form and the canteen fill themselves from it).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.people import access
from linli.people.models import Resident


@transaction.atomic
def resident_link_account(*, resident: Resident, account: Any, actor: Any) -> Resident:
    """Link `account` to `resident`. Only an account the gate offers (a role at the record's
    station, no record yet, not an administrator); a record already linked is refused."""
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    if not access.can_write_resident(actor, locked):
        raise PermissionDenied("resident")
    if locked.user_id is not None:
        raise ValidationError({"account": [_("这份档案已关联了账号，请先解除。")]})
    allowed = access.linkable_accounts(actor, locked, account.phone).filter(pk=account.pk)
    if not allowed.exists():
        raise ValidationError({"account": [_("这个账号不能关联到这份档案。")]})
    locked.user = account
    locked.save(update_fields=["user"])
    audit_record(
        actor=actor,
        action="resident.link_account",
        target=locked,
        station=locked.station,
        after={"account": account.pk},
    )
    return locked


@transaction.atomic
def resident_unlink_account(*, resident: Resident, actor: Any) -> Resident:
    """Undo a link (a wrong match, a phone number handed on): the account keeps its roles."""
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    if not access.can_write_resident(actor, locked):
        raise PermissionDenied("resident")
    if locked.user_id is None:
        raise ValidationError({"account": [_("这份档案没有关联账号。")]})
    before = {"account": locked.user_id}
    locked.user = None
    locked.save(update_fields=["user"])
    audit_record(
        actor=actor,
        action="resident.unlink_account",
        target=locked,
        station=locked.station,
        before=before,
    )
    return locked
