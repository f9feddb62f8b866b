"""时间银行 (SPEC §7.2): `POST /api/v1/timebank/deposits` `{hours}`, `POST /timebank/transfers`
`{to_volunteer, hours, note}` (a family member: the same household), `POST /timebank/donations`
`{hours}` (to the station's pool), and staff's `POST /timebank/pool-payments` `{service_request}`.
The caller moves their own hours only; a request paid from the time bank is
`POST /api/v1/service-requests` with `timebank: true`."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status

from linli.incentives import access
from linli.incentives.actions.timebank import (
    timebank_deposit,
    timebank_donate,
    timebank_pool_pay,
    timebank_transfer,
)
from linli.incentives.api.output import ERRORS, caller
from linli.incentives.queries import account_total
from linli.incentives.schemas import DepositIn, MovedOut, PoolPayIn, PoolPaymentOut, TransferIn
from linli.ledger.models import Account
from linli.volunteers.models import Volunteer

router = Router(tags=["points and time bank"])


def _moved(entry: Any, volunteer: Volunteer) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "hours": float(entry.amount),
        "balance_hours": float(account_total(volunteer, Account.TIMEBANK)),
    }


@router.post(
    "/deposits",
    response={201: MovedOut, **ERRORS},
    summary="存入: the caller's verified hours, each once (beyond them or the cap: 409)",
)
def deposit(request: HttpRequest, payload: DepositIn) -> Any:
    user = caller(request)
    volunteer = access.own_volunteer(user)
    entry = timebank_deposit(volunteer=volunteer, hours=payload.hours, actor=user)
    return Status(201, _moved(entry, volunteer))


@router.post(
    "/transfers",
    response={201: MovedOut, **ERRORS},
    summary="转赠: to a family member's account (same household); not family: 409",
)
def transfer(request: HttpRequest, payload: TransferIn) -> Any:
    user = caller(request)
    giver = access.own_volunteer(user)
    receiver = (
        Volunteer.objects.select_related("person", "station")
        .filter(pk=payload.to_volunteer, status=Volunteer.Status.ACTIVE)
        .first()
    )
    if receiver is None:
        raise Http404("volunteer")
    out, _into = timebank_transfer(
        giver=giver, receiver=receiver, hours=payload.hours, note=payload.note, actor=user
    )
    return Status(201, _moved(out, giver))


@router.post(
    "/donations",
    response={201: MovedOut, **ERRORS},
    summary="捐赠: hours into the station's pool (公益池)",
)
def donate(request: HttpRequest, payload: DepositIn) -> Any:
    user = caller(request)
    volunteer = access.own_volunteer(user)
    entry = timebank_donate(volunteer=volunteer, hours=payload.hours, actor=user)
    return Status(201, _moved(entry, volunteer))


@router.post(
    "/pool-payments",
    response={201: PoolPaymentOut, **ERRORS},
    summary="Staff: the station's pool pays for a request (an elder with no account); a "
    "completed one is debited at once (`hours_paid`), an open one on completion",
)
def pool_payment(request: HttpRequest, payload: PoolPayIn) -> Any:
    user = caller(request)
    found = access.get_pool_request(user, payload.service_request)
    payment = timebank_pool_pay(service_request=found, actor=user)
    return Status(
        201,
        {
            "id": payment.pk,
            "service_request": found.pk,
            "pool": found.station.code,
            "hours_paid": None if payment.hours_paid is None else float(payment.hours_paid),
        },
    )
