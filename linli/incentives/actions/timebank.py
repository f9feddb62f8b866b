"""时间银行: deposit verified hours (each verified hour once), give hours to a family member,
donate them to the station's pool, and pay for a service request with them.

Invariant: a time-bank balance is the sum of its ledger entries (`ledger_post` keeps the cached
balance under its row lock), never below zero and never above TIMEBANK_CAP_HOURS; deposits never
exceed the verified hours not deposited before. Accounts are county-wide (通存通兑): hours of one
station pay for a service at another station of the same deployment, and the pair of clearing
entries keeps each station's books balanced (their sum across the deployment is zero).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.incentives.models import TimebankPayment
from linli.ledger.actions import ledger_credit, ledger_post, lock_balance
from linli.ledger.models import Account, EntryKind, LedgerEntry
from linli.ledger.queries import balance
from linli.org.models import Station
from linli.volunteers.models import Volunteer

MAX_HOURS = Decimal("1500")


def cap() -> Decimal:
    return Decimal(settings.TIMEBANK_CAP_HOURS)


def deployment_of(station: Station) -> str:
    """The root of the station's tree: accounts are good anywhere under it (通存通兑)."""
    return station.path.strip("/").split("/")[0]


def serving_station(service_request: Any) -> Station:
    station: Station = service_request.station
    return station


def _hours(value: Decimal, field: str = "hours") -> Decimal:
    if value is None or value <= 0 or value > MAX_HOURS:
        raise ValidationError({field: [_("时长须大于 0、不超过 1500 小时。")]})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: [_("时长最多两位小数。")]})
    return value


def deposited_hours(volunteer: Volunteer) -> Decimal:
    from django.db.models import Sum

    total = LedgerEntry.objects.filter(
        volunteer=volunteer, account=Account.TIMEBANK, kind=EntryKind.DEPOSIT
    ).aggregate(total=Sum("amount"))["total"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def depositable_hours(volunteer: Volunteer) -> Decimal:
    """Verified hours (the hours account, corrections included) not yet deposited."""
    return max(balance(volunteer) - deposited_hours(volunteer), Decimal("0"))


@transaction.atomic
def timebank_deposit(*, volunteer: Volunteer, hours: Decimal, actor: Any) -> LedgerEntry:
    """存入: verified hours into the volunteer's account. Under the account's lock, the hours may
    not exceed those verified and not yet deposited (409 `not_depositable`) nor the cap (409
    `over_cap`)."""
    hours = _hours(hours)
    lock_balance(account=Account.TIMEBANK, volunteer_id=volunteer.pk)
    if hours > depositable_hours(volunteer):
        raise DomainError(
            "not_depositable",
            _("可存入的已核定时长只有 %(hours)s 小时。") % {"hours": depositable_hours(volunteer)},
            status=409,
        )
    entry = ledger_post(
        volunteer=volunteer,
        account=Account.TIMEBANK,
        amount=hours,
        kind=EntryKind.DEPOSIT,
        served_on=timezone.localdate(),
        description=_("存入已核定服务时长 %(hours)s 小时") % {"hours": hours},
        source_key=f"timebank:deposit:{uuid.uuid4().hex}",
        actor=actor,
        cap=cap(),
    )
    audit_record(
        actor=actor,
        action="timebank.deposit",
        target=entry,
        station=volunteer.station,
        after={"volunteer": volunteer.pk, "hours": str(hours)},
    )
    return entry


def is_family(giver: Volunteer, receiver: Volunteer) -> bool:
    """Family: the two people live in the same registered household."""
    household = giver.person.household_id
    return household is not None and household == receiver.person.household_id


@transaction.atomic
def timebank_transfer(
    *, giver: Volunteer, receiver: Volunteer, hours: Decimal, note: str, actor: Any
) -> tuple[LedgerEntry, LedgerEntry]:
    """转赠: hours from one account to a family member's (same household, same deployment);
    both balances locked in a fixed order; the receiver's cap holds."""
    hours = _hours(hours)
    if giver.pk == receiver.pk:
        raise ValidationError({"to_volunteer": [_("不能转赠给自己。")]})
    if not is_family(giver, receiver):
        raise DomainError("not_family", _("时间只能转赠给同户的家庭成员。"), status=409)
    if deployment_of(giver.station) != deployment_of(receiver.station):
        raise DomainError("other_deployment", _("对方的账户不在同一县域。"), status=409)
    for volunteer_id in sorted({giver.pk, receiver.pk}):
        lock_balance(account=Account.TIMEBANK, volunteer_id=volunteer_id)
    key = uuid.uuid4().hex
    note = note.strip()[:100]
    today = timezone.localdate()
    out = ledger_post(
        volunteer=giver,
        account=Account.TIMEBANK,
        amount=-hours,
        kind=EntryKind.TRANSFER_OUT,
        served_on=today,
        description=_("转赠给 %(name)s") % {"name": receiver.person.name}
        + (f"：{note}" if note else ""),
        source_key=f"timebank:transfer:{key}:out",
        actor=actor,
    )
    into = ledger_post(
        volunteer=receiver,
        account=Account.TIMEBANK,
        amount=hours,
        kind=EntryKind.TRANSFER_IN,
        served_on=today,
        description=_("%(name)s 转赠") % {"name": giver.person.name}
        + (f"：{note}" if note else ""),
        source_key=f"timebank:transfer:{key}:in",
        actor=actor,
        cap=cap(),
    )
    audit_record(
        actor=actor,
        action="timebank.transfer",
        target=out,
        station=giver.station,
        after={"from": giver.pk, "to": receiver.pk, "hours": str(hours), "note": note},
    )
    return out, into


@transaction.atomic
def timebank_donate(*, volunteer: Volunteer, hours: Decimal, actor: Any) -> LedgerEntry:
    """捐赠: hours from the volunteer's account into their station's pool (公益池)."""
    hours = _hours(hours)
    key = uuid.uuid4().hex
    today = timezone.localdate()
    out = ledger_post(
        volunteer=volunteer,
        account=Account.TIMEBANK,
        amount=-hours,
        kind=EntryKind.DONATION,
        served_on=today,
        description=_("捐入%(station)s时间银行公益池") % {"station": volunteer.station.name},
        source_key=f"timebank:donate:{key}:out",
        actor=actor,
    )
    ledger_post(
        station=volunteer.station,
        account=Account.TIMEBANK_POOL,
        amount=hours,
        kind=EntryKind.DONATION,
        served_on=today,
        description=_("%(name)s 捐赠") % {"name": volunteer.person.name},
        source_key=f"timebank:donate:{key}:in",
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="timebank.donate",
        target=out,
        station=volunteer.station,
        after={"volunteer": volunteer.pk, "hours": str(hours)},
    )
    return out


@transaction.atomic
def timebank_payment_open(*, service_request: Any, actor: Any) -> TimebankPayment:
    """A request submitted with `timebank: true` is paid by the requester's own account: refused
    (409) when they have none or it is empty, or when it belongs to another deployment."""
    payer = (
        Volunteer.objects.filter(
            user_id=service_request.requester_id or 0, status=Volunteer.Status.ACTIVE
        )
        .select_related("station")
        .first()
    )
    if payer is None:
        raise DomainError(
            "no_timebank_account", _("只有在册志愿者才能用时间银行支付。"), status=409
        )
    if deployment_of(payer.station) != deployment_of(service_request.station):
        raise DomainError("other_deployment", _("您的时间银行账户不在同一县域。"), status=409)
    if lock_balance(account=Account.TIMEBANK, volunteer_id=payer.pk).amount <= 0:
        raise DomainError("timebank_empty", _("您的时间银行余额为零，不能用时间支付。"), status=409)
    return TimebankPayment.objects.create(service_request=service_request, payer=payer)


# A request the pool may still pay for: not refused or cancelled. One already completed is
# settled at once (its hours are known); an open one when it is completed.
POOL_REFUSED_STATUSES = frozenset({"rejected", "cancelled"})
DONE_STATUSES = frozenset({"completed", "rated"})


@transaction.atomic
def timebank_pool_pay(*, service_request: Any, actor: Any) -> TimebankPayment:
    """Staff decide the station's pool pays for a request (an elder with no account of their
    own). The request's row is locked, so two decisions cannot both pay. Refused (409) when the
    request is already paid for, was rejected or cancelled, or the pool is empty. A request
    already completed is debited at once; an open one on completion."""
    from linli.assistance.models import ServiceRequest

    locked = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    if TimebankPayment.objects.filter(service_request=locked).exists():
        raise DomainError("already_paid", _("这项服务已经由时间银行支付。"), status=409)
    if locked.status in POOL_REFUSED_STATUSES:
        raise DomainError(
            "bad_state",
            _("该点单当前为「%(status)s」，不能支付。") % {"status": locked.get_status_display()},
            status=409,
        )
    station = locked.station
    if lock_balance(account=Account.TIMEBANK_POOL, station_id=station.pk).amount <= 0:
        raise DomainError("pool_empty", _("本站时间银行公益池余额为零。"), status=409)
    payment = TimebankPayment.objects.create(
        service_request=locked,
        pool_station=station,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="timebank.pool_pay",
        target=payment,
        station=station,
        after={"service_request": locked.pk},
    )
    if locked.status in DONE_STATUSES:
        return timebank_payment_settle(service_request=locked, actor=actor) or payment
    return payment


@transaction.atomic
def timebank_payment_settle(*, service_request: Any, actor: Any) -> TimebankPayment | None:
    """On completion, debit the hours served from the payer (at most its balance: never below
    zero), once. A payer of another station of the deployment adds the clearing pair: the
    payer's station owes the serving station those hours (+ at one, − at the other)."""
    payment = (
        # Only the payment row is locked: its payer and pool are nullable (an outer join).
        TimebankPayment.objects.select_for_update(of=("self",))
        .select_related("payer__station", "pool_station")
        .filter(service_request=service_request)
        .first()
    )
    if payment is None or payment.settled_at is not None or not service_request.hours:
        return None
    served_on = timezone.localdate(service_request.completed_at or timezone.now())
    what = _("支付服务：%(number)s") % {"number": service_request.pk}
    key = f"timebank:pay:{service_request.pk}"
    if payment.payer is not None:
        held = lock_balance(account=Account.TIMEBANK, volunteer_id=payment.payer.pk).amount
        paid = min(service_request.hours, held)
        home = payment.payer.station
        if paid > 0:
            ledger_post(
                volunteer=payment.payer,
                account=Account.TIMEBANK,
                amount=-paid,
                kind=EntryKind.WITHDRAWAL,
                served_on=served_on,
                description=what,
                source_key=key,
                actor=actor,
            )
    else:
        home = payment.pool_station or serving_station(service_request)
        held = lock_balance(account=Account.TIMEBANK_POOL, station_id=home.pk).amount
        paid = min(service_request.hours, held)
        if paid > 0:
            ledger_post(
                station=home,
                account=Account.TIMEBANK_POOL,
                amount=-paid,
                kind=EntryKind.WITHDRAWAL,
                served_on=served_on,
                description=what,
                source_key=key,
                actor=actor,
            )
    serving = service_request.station
    if paid > 0 and home.pk != serving.pk:
        for station, amount, side in ((home, paid, "out"), (serving, -paid, "in")):
            other = serving if side == "out" else home
            ledger_credit(
                volunteer=None,
                station=station,
                account=Account.CLEARING,
                amount=amount,
                kind=EntryKind.INTERSTATION,
                served_on=served_on,
                description=_("通存通兑：%(what)s（%(other)s）")
                % {"what": what, "other": other.name},
                source_key=f"{key}:clearing:{side}",
                actor=actor,
            )
    payment.hours_paid = paid
    payment.settled_at = timezone.now()
    payment.save(update_fields=["hours_paid", "settled_at"])
    audit_record(
        actor=actor,
        action="timebank.pay",
        target=payment,
        station=serving,
        after={"service_request": service_request.pk, "hours": str(paid)},
    )
    return payment
