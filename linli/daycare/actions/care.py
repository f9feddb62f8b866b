"""Care plans and care sessions of a centre's members.

A care plan (goals, services, review date) is written by staff or the centre's caregivers; a new
plan replaces the one in force (the history stays). A care session is care given to a member, by
a caregiver of the centre or by a volunteer who attended the centre's required course (助残帮困):
a volunteer's session is volunteer service, so its minutes go to the one ledger as hours, once
(`ledger_credit`, source `care_session:<id>`), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.daycare.actions.base import authorize, stored_user
from linli.daycare.models import CarePlan, CareSession, Membership, MemberStatus, SessionKind
from linli.ledger.actions import ledger_credit
from linli.ledger.models import Account, EntryKind
from linli.volunteers.models import TrainingAttendance, Volunteer


@dataclass(frozen=True)
class PlanInput:
    goals: str
    services: str
    starts_on: date
    review_on: date


@transaction.atomic
def care_plan_create(*, membership: Membership, data: PlanInput, actor: Any) -> CarePlan:
    """A new care plan for an active member; it is the one in force from `starts_on`."""
    authorize(actor, membership.centre, "care")
    if membership.status != MemberStatus.ACTIVE:
        raise DomainError("not_a_member", _("只能为在托人员制定照护计划。"), status=409)
    goals, services = data.goals.strip(), data.services.strip()
    errors: dict[str, list[str]] = {}
    if not goals or len(goals) > 500:
        errors["goals"] = [_("请填写照护目标（500 字以内）。")]
    if not services or len(services) > 500:
        errors["services"] = [_("请填写服务内容（500 字以内）。")]
    if not date(2000, 1, 1) <= data.starts_on <= date(2100, 12, 31):
        errors["starts_on"] = [_("开始日期有误。")]
    if not data.starts_on <= data.review_on <= data.starts_on + timedelta(days=3 * 366):
        errors["review_on"] = [_("复评日期须在开始日期之后的三年以内。")]
    if errors:
        raise ValidationError(errors)
    plan = CarePlan.objects.create(
        membership=membership,
        goals=goals,
        services=services,
        starts_on=data.starts_on,
        review_on=data.review_on,
        created_by=stored_user(actor),
    )
    audit_record(
        actor=actor,
        action="care_plan.create",
        target=plan,
        station=membership.centre.station,
        after={"membership": membership.pk, "review_on": data.review_on.isoformat()},
    )
    return plan


def volunteer_may_give_care(volunteer: Volunteer, membership: Membership) -> str | None:
    """Why this volunteer may not give care at the member's centre, or None."""
    centre = membership.centre
    if volunteer.status != Volunteer.Status.ACTIVE or volunteer.station_id != centre.station_id:
        return _("只有本站在册志愿者可以记录照料服务。")
    course_id = centre.volunteer_course_id
    if (
        course_id is not None
        and not TrainingAttendance.objects.filter(
            volunteer=volunteer, attended=True, session__course_id=course_id
        ).exists()
    ):
        return _("志愿者须先完成培训：%(course)s。") % {"course": centre.volunteer_course}
    return None


def session_hours(minutes: int) -> Decimal:
    """Minutes as ledger hours, to the hundredth."""
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def care_session_record(
    *,
    membership: Membership,
    kind: str,
    started_at: datetime,
    minutes: int,
    actor: Any,
    volunteer: Volunteer | None = None,
    note: str = "",
) -> CareSession:
    """Record care given to an active member. Without `volunteer` the actor gave it (a caregiver
    or staff); with one, the volunteer did and their hours go to the ledger once."""
    centre = membership.centre
    authorize(actor, centre, "care")
    if membership.status != MemberStatus.ACTIVE:
        raise DomainError("not_a_member", _("只能为在托人员记录照料服务。"), status=409)
    errors: dict[str, list[str]] = {}
    if kind not in SessionKind.values:
        errors["kind"] = [_("服务类型无效。")]
    if not 1 <= minutes <= 720:
        errors["minutes"] = [_("时长须在 1 到 720 分钟之间。")]
    if started_at > timezone.now() + timedelta(minutes=5):
        errors["started_at"] = [_("开始时间不能晚于现在。")]
    elif timezone.localdate(started_at) < centre.opened_on:
        errors["started_at"] = [_("开始时间早于中心开办日期。")]
    if len(note) > 300:
        errors["note"] = [_("记录不能超过 300 字。")]
    if errors:
        raise ValidationError(errors)
    if volunteer is not None:
        problem = volunteer_may_give_care(volunteer, membership)
        if problem:
            raise DomainError("not_qualified", problem, status=409)
    session = CareSession.objects.create(
        membership=membership,
        kind=kind,
        started_at=started_at,
        minutes=minutes,
        caregiver=None if volunteer is not None else stored_user(actor),
        volunteer=volunteer,
        note=note.strip(),
        recorded_by=stored_user(actor),
    )
    if volunteer is not None:
        entry, _created = ledger_credit(
            volunteer=volunteer,
            account=Account.HOURS,
            amount=session_hours(minutes),
            kind=EntryKind.CARE,
            served_on=timezone.localdate(started_at),
            description=f"{centre.name}：{session.get_kind_display()}",
            source_key=f"care_session:{session.pk}",
            actor=actor,
        )
        session.ledger_entry = entry
        session.save(update_fields=["ledger_entry"])
    audit_record(
        actor=actor,
        action="care_session.record",
        target=session,
        station=centre.station,
        after={
            "membership": membership.pk,
            "kind": kind,
            "minutes": minutes,
            "volunteer": volunteer.pk if volunteer is not None else None,
        },
    )
    return session
