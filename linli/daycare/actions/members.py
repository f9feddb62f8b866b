"""A resident's way into and out of a centre: application, assessment, agreement, leaving.

Each action locks the membership row, asks the centre's gate (`base.authorize`: staff manage
members; caregivers may record an application and an assessment), checks the move against
MEMBER_TRANSITIONS, saves only the fields it changed and writes an audit row. `member_admit` is the
desk's (and the API's) shortcut: application, assessment and agreement at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.daycare.actions.base import authorize, check_move, lock_membership, stored_user
from linli.daycare.models import (
    OPEN_MEMBER_STATES,
    Centre,
    FeeTier,
    Membership,
    MemberStatus,
)
from linli.elders.models import CareLevel
from linli.people.models import Resident


def _check_resident(centre: Centre, resident: Resident) -> None:
    if resident.station_id != centre.station_id:
        raise ValidationError({"resident": [_("本站没有这位居民。")]})
    if resident.status != Resident.Status.LIVING:
        raise ValidationError({"resident": [_("这位居民已不在本社区居住。")]})


def _check_open(centre: Centre, resident: Resident) -> None:
    if Membership.objects.filter(
        centre=centre, resident=resident, status__in=OPEN_MEMBER_STATES
    ).exists():
        raise DomainError(
            "already_member", _("这位居民已在本中心登记（申请中或在托）。"), status=409
        )


def _audit(membership: Membership, actor: Any, action: str, **after: Any) -> None:
    audit_record(
        actor=actor,
        action=f"daycare_member.{action}",
        target=membership,
        station=membership.centre.station,
        after={"status": membership.status, "resident": membership.resident_id, **after},
    )


def _create(centre: Centre, resident: Resident, actor: Any, **fields: Any) -> Membership:
    _check_resident(centre, resident)
    _check_open(centre, resident)
    now = timezone.now()
    try:
        with transaction.atomic():
            return Membership.objects.create(
                centre=centre,
                resident=resident,
                created_by=stored_user(actor),
                created_at=now,
                updated_at=now,
                **fields,
            )
    except IntegrityError as error:  # the same resident admitted twice at the same instant
        raise DomainError(
            "already_member", _("这位居民已在本中心登记（申请中或在托）。"), status=409
        ) from error


@transaction.atomic
def member_apply(
    *, centre: Centre, resident: Resident, actor: Any, note: str = "", on: date | None = None
) -> Membership:
    """A resident (or a relative, through staff or a caregiver) applies for a place."""
    authorize(actor, centre, "attend")
    if len(note) > 300:
        raise ValidationError({"note": [_("申请说明不能超过 300 字。")]})
    membership = _create(
        centre,
        resident,
        actor,
        status=MemberStatus.APPLIED,
        applied_on=on or timezone.localdate(),
        application_note=note.strip(),
    )
    _audit(membership, actor, "apply")
    return membership


def _check_assessment(care_level: str, needs: str) -> None:
    if care_level not in CareLevel.values:
        raise ValidationError({"care_level": [_("请选择评估结果：自理、半失能或失能。")]})
    if len(needs) > 300:
        raise ValidationError({"needs": [_("照料需求不能超过 300 字。")]})


@transaction.atomic
def member_assess(
    *,
    membership: Membership,
    actor: Any,
    care_level: str,
    needs: str,
    on: date | None = None,
) -> Membership:
    """The assessment: the applicant's care level and what care they need."""
    locked = lock_membership(membership)
    authorize(actor, locked.centre, "attend")
    _check_assessment(care_level, needs)
    check_move(locked, MemberStatus.ASSESSED)
    locked.status = MemberStatus.ASSESSED
    locked.care_level = care_level
    locked.needs = needs.strip()
    locked.assessed_on = on or timezone.localdate()
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "care_level", "needs", "assessed_on", "updated_at"])
    _audit(locked, actor, "assess", care_level=care_level)
    return locked


def _check_agreement(fee_tier: str, agreement_number: str) -> None:
    if fee_tier not in FeeTier.values:
        raise ValidationError({"fee_tier": [_("请选择收费档次：无偿、低偿或有偿。")]})
    if len(agreement_number) > 30:
        raise ValidationError({"agreement_number": [_("协议编号不能超过 30 个字符。")]})


@transaction.atomic
def member_agree(
    *,
    membership: Membership,
    actor: Any,
    fee_tier: str,
    agreement_number: str = "",
    on: date | None = None,
) -> Membership:
    """The agreement is signed: the member is in (staff only)."""
    locked = lock_membership(membership)
    authorize(actor, locked.centre, "manage")
    _check_agreement(fee_tier, agreement_number)
    check_move(locked, MemberStatus.ACTIVE)
    locked.status = MemberStatus.ACTIVE
    locked.fee_tier = fee_tier
    locked.agreement_number = agreement_number.strip()
    locked.joined_on = on or timezone.localdate()
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "fee_tier", "agreement_number", "joined_on", "updated_at"])
    _audit(locked, actor, "agree", fee_tier=fee_tier)
    return locked


@transaction.atomic
def member_decline(*, membership: Membership, actor: Any, reason: str) -> Membership:
    """The centre cannot take the applicant (staff only; a reason is required)."""
    locked = lock_membership(membership)
    authorize(actor, locked.centre, "manage")
    reason = reason.strip()
    if not reason or len(reason) > 200:
        raise ValidationError({"reason": [_("请填写原因（200 字以内）。")]})
    check_move(locked, MemberStatus.DECLINED)
    locked.status = MemberStatus.DECLINED
    locked.status_reason = reason
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "status_reason", "updated_at"])
    _audit(locked, actor, "decline", reason=reason)
    return locked


@transaction.atomic
def member_leave(
    *, membership: Membership, actor: Any, reason: str, on: date | None = None
) -> Membership:
    """The member leaves (moved, into a care home, passed away …): staff only; a stay still
    open is refused, so the day's attendance is checked out first."""
    locked = lock_membership(membership)
    authorize(actor, locked.centre, "manage")
    reason = reason.strip()
    if not reason or len(reason) > 200:
        raise ValidationError({"reason": [_("请填写离托原因（200 字以内）。")]})
    check_move(locked, MemberStatus.LEFT)
    if locked.attendance.filter(out_at__isnull=True).exists():
        raise DomainError("still_checked_in", _("请先为这位老人签退，再办理离托。"), status=409)
    locked.status = MemberStatus.LEFT
    locked.status_reason = reason
    locked.left_on = on or timezone.localdate()
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "status_reason", "left_on", "updated_at"])
    _audit(locked, actor, "leave", reason=reason)
    return locked


@transaction.atomic
def member_admit(
    *,
    centre: Centre,
    resident: Resident,
    fee_tier: str,
    actor: Any,
    care_level: str = CareLevel.SELF_CARE,
    needs: str = "",
    on: date | None = None,
) -> Membership:
    """Staff admit a member at once (SPEC §7.2): application, assessment and agreement in one."""
    authorize(actor, centre, "manage")
    _check_assessment(care_level, needs)
    _check_agreement(fee_tier, "")
    day = on or timezone.localdate()
    membership = _create(
        centre,
        resident,
        actor,
        status=MemberStatus.ACTIVE,
        applied_on=day,
        assessed_on=day,
        joined_on=day,
        care_level=care_level,
        needs=needs.strip(),
        fee_tier=fee_tier,
    )
    _audit(membership, actor, "admit", fee_tier=fee_tier)
    return membership
