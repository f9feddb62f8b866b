"""积分: what verified hours, a well-rated request and a no-show do to a volunteer's points, the
staff's adjustment with a reason, and the station's rules.

Invariant: every change of points is a ledger entry with a reason the volunteer reads, posted in
the transaction of the event that earns or costs it, and the balance never goes below zero (a
penalty or a reversal takes at most what is there; an adjustment that would go below is 409).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.incentives.hooks import points_value
from linli.incentives.models import PointRule, Recruitment
from linli.incentives.rules import rule_for
from linli.ledger.actions import ledger_post, lock_balance
from linli.ledger.models import Account, EntryKind, LedgerEntry
from linli.volunteers.models import Volunteer

MAX_ADJUST = Decimal("100000")


def _hours_text(hours: Decimal) -> str:
    return f"{hours.normalize():f}"


@transaction.atomic
def points_for_hours(*, entry: LedgerEntry, actor: Any) -> LedgerEntry | None:
    """The points of one hours entry at the volunteer's station's rate: a credit for verified
    hours, a debit (at most the balance) for a reversal of them. Once per entry."""
    volunteer = entry.volunteer
    if volunteer is None:
        return None
    rule = rule_for(volunteer.station_id)
    amount = points_value(entry.amount, rule.points_per_hour)
    if amount == 0:
        return None
    if amount > 0:
        description = _("服务 %(hours)s 小时（每小时 %(rate)s 分）：%(what)s") % {
            "hours": _hours_text(entry.amount),
            "rate": _hours_text(rule.points_per_hour),
            "what": entry.description,
        }
        kind = EntryKind.EARN
    else:
        held = lock_balance(account=Account.POINTS, volunteer_id=volunteer.pk).amount
        amount = max(amount, -held)
        if amount == 0:
            return None
        description = _("服务时长冲正，扣回积分：%(what)s") % {"what": entry.description}
        kind = EntryKind.REVERSAL
    return ledger_post(
        volunteer=volunteer,
        account=Account.POINTS,
        amount=amount,
        kind=kind,
        served_on=entry.served_on,
        description=description,
        source_key=f"points:{entry.pk}",
        actor=actor,
    )


@transaction.atomic
def points_reward_well_rated(
    *, volunteer: Volunteer, service_request: Any, score: int, actor: Any
) -> LedgerEntry | None:
    """A request the resident rated 满意 or better earns the volunteer the station's reward, once."""
    if score < 4:
        return None
    rule = rule_for(volunteer.station_id)
    if rule.well_rated_points <= 0:
        return None
    return ledger_post(
        volunteer=volunteer,
        account=Account.POINTS,
        amount=rule.well_rated_points,
        kind=EntryKind.REWARD,
        served_on=timezone.localdate(),
        description=_("服务获群众好评（%(score)s 分）：%(number)s")
        % {
            "score": score,
            "number": getattr(service_request, "number", "") or service_request.pk,
        },
        source_key=f"points:well_rated:{service_request.pk}",
        actor=actor,
    )


@transaction.atomic
def points_penalize_no_show(*, attendance: Any, actor: Any) -> LedgerEntry | None:
    """A confirmed volunteer who never came costs the station's no-show points, at most what
    they hold (the balance never goes below zero), once per activity."""
    volunteer = attendance.volunteer
    rule = rule_for(volunteer.station_id)
    held = lock_balance(account=Account.POINTS, volunteer_id=volunteer.pk).amount
    amount = min(rule.no_show_points, held)
    if amount <= 0:
        return None
    activity = attendance.activity
    return ledger_post(
        volunteer=volunteer,
        account=Account.POINTS,
        amount=-amount,
        kind=EntryKind.PENALTY,
        served_on=timezone.localdate(activity.starts_at),
        description=_("报名后未到场（爽约）：%(title)s") % {"title": activity.title},
        source_key=f"points:no_show:{activity.pk}:{volunteer.pk}",
        actor=actor,
    )


@transaction.atomic
def points_adjust(*, volunteer: Volunteer, amount: Decimal, reason: str, actor: Any) -> LedgerEntry:
    """Staff add or take points by hand, with a reason; audited. Taking more than the balance is
    409 `insufficient_balance`."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写调整原因。")]})
    if amount == 0 or abs(amount) > MAX_ADJUST or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({"amount": [_("调整积分须为非零数，最多两位小数。")]})
    now = timezone.now()
    entry = ledger_post(
        volunteer=volunteer,
        account=Account.POINTS,
        amount=amount,
        kind=EntryKind.STAFF_ADJUST,
        served_on=timezone.localdate(now),
        description=_("工作人员调整：%(reason)s") % {"reason": reason},
        source_key=f"points:adjust:{uuid.uuid4().hex}",
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="points.adjust",
        target=entry,
        station=volunteer.station,
        after={"volunteer": volunteer.pk, "amount": str(amount), "reason": reason},
    )
    return entry


@transaction.atomic
def recruitment_record(*, volunteer: Volunteer, recruiter: Volunteer, actor: Any) -> Recruitment:
    """Staff record who recruited a volunteer (an active volunteer of the same station, once);
    if the recruit is already active, the recruiter earns the points at once."""
    if recruiter.pk == volunteer.pk:
        raise ValidationError({"recruiter": [_("推荐人不能是本人。")]})
    if recruiter.station_id != volunteer.station_id or recruiter.status != Volunteer.Status.ACTIVE:
        raise ValidationError({"recruiter": [_("推荐人须是本站在册志愿者。")]})
    if Recruitment.objects.filter(volunteer=volunteer).exists():
        raise DomainError("already_recorded", _("已经登记过推荐人。"), status=409)
    recruitment = Recruitment.objects.create(
        volunteer=volunteer,
        recruiter=recruiter,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="points.recruitment",
        target=recruitment,
        station=volunteer.station,
        after={"volunteer": volunteer.pk, "recruiter": recruiter.pk},
    )
    if volunteer.status == Volunteer.Status.ACTIVE:
        points_reward_recruiter(volunteer=volunteer, actor=actor)
    return recruitment


@transaction.atomic
def points_reward_recruiter(*, volunteer: Volunteer, actor: Any) -> LedgerEntry | None:
    """A recruit who has become active earns their recruiter the station's points, once (called
    by `volunteer_approve` in its transaction, and by `recruitment_record`)."""
    recruitment = (
        Recruitment.objects.select_related("recruiter__station").filter(volunteer=volunteer).first()
    )
    if recruitment is None or volunteer.status != Volunteer.Status.ACTIVE:
        return None
    rule = rule_for(volunteer.station_id)
    if rule.recruit_points <= 0:
        return None
    return ledger_post(
        volunteer=recruitment.recruiter,
        account=Account.POINTS,
        amount=rule.recruit_points,
        kind=EntryKind.REWARD,
        served_on=timezone.localdate(),
        description=_("推荐的志愿者 %(name)s 已成为在册志愿者") % {"name": volunteer.person.name},
        source_key=f"points:recruit:{volunteer.pk}",
        actor=actor,
    )


RULE_FIELDS = ("points_per_hour", "well_rated_points", "recruit_points", "no_show_points")


@transaction.atomic
def point_rule_save(*, station: Any, values: dict[str, Decimal], actor: Any) -> PointRule:
    """Staff set their station's rules; applies to what is earned from now on. Audited."""
    for name, value in values.items():
        if name not in RULE_FIELDS:
            raise ValidationError({name: [_("未知的规则。")]})
        if value < 0 or value > 1000:
            raise ValidationError({name: [_("积分须在 0 到 1000 之间。")]})
    rule, _created = PointRule.objects.get_or_create(station=station)
    rule = PointRule.objects.select_for_update().get(pk=rule.pk)
    before = {name: str(getattr(rule, name)) for name in RULE_FIELDS}
    for name, value in values.items():
        setattr(rule, name, value)
    rule.updated_at = timezone.now()
    rule.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    rule.save(update_fields=[*values, "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action="points.rules",
        target=rule,
        station=station,
        before=before,
        after={name: str(getattr(rule, name)) for name in RULE_FIELDS},
    )
    return rule
