"""A resident's own account: signing up by phone number, and linking the account to its person
record (Resident.user) at the station's desk.

Never automatic: a phone number typed at sign-up proves nothing about who lives where, so a new
account waits on the desk's list to match (`access.unlinked_resident_accounts`) until the
station's staff check the person and link the two. Linking gives the account the record's
address and household (the 点单 form and the canteen fill themselves from it).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.accounts import actions as account_actions
from linli.accounts.models import Role, User
from linli.audit.actions import audit_record
from linli.core.masking import mask_name
from linli.core.phone import mask_phone, normalize_phone, validate_mobile
from linli.org.models import Station
from linli.people import access
from linli.people.models import Resident

NAME_MAX = 50


def _sign_up_held(station: Station, phone: str, name: str, password: str) -> None:
    make_password(password)  # as long as a sign-up that goes through: the time tells nothing
    audit_record(
        actor=None,
        action="resident.sign_up_held",
        station=station,
        after={"phone": mask_phone(phone), "name": mask_name(name)},
    )


@transaction.atomic
def resident_sign_up(*, station: Station, phone: str, name: str, password: str) -> User | None:
    """A resident signs up with a mainland mobile number: an account holding the resident role
    at `station`, linked to no person record (the desk matches it). Everything that can be
    refused without looking the number up is refused first (the number's form, the name, the
    password's strength); a number that already has an account then changes nothing and gives
    None, audited for staff (`resident.sign_up_held`): the caller answers both the same, so
    nobody learns from the page whether a number is registered."""
    phone = normalize_phone(phone)
    name = name.strip()
    errors: dict[str, list[str]] = {}
    try:
        validate_mobile(phone)
    except ValidationError as error:
        errors["phone"] = error.messages
    if not name or len(name) > NAME_MAX or any(ord(char) < 32 for char in name):
        errors["name"] = [_("请填写您的姓名（最多 50 个字）。")]
    try:
        validate_password(password, User(phone=phone, name=name))
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    if User.objects.filter(phone=phone).exists():
        _sign_up_held(station, phone, name, password)
        return None
    try:
        with transaction.atomic():
            user = account_actions.user_create(
                phone=phone, password=password, name=name, actor=None
            )
    except (IntegrityError, ValidationError):
        # The same number signed up a moment ago, after the look-up above: user_create's own
        # look-up, full_clean's or the unique index saw it. Held like any other, so the one who
        # lost the race learns no more than the one who came a day late.
        if not User.objects.filter(phone=phone).exists():
            raise
        _sign_up_held(station, phone, name, password)
        return None
    account_actions.role_grant(user=user, role=Role.RESIDENT, station=station, actor=None)
    return user


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
