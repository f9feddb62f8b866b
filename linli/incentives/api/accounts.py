"""A volunteer's accounts (SPEC §7.2): `GET /api/v1/volunteers/{id}/points` → `{balance,
entries}`, `GET /api/v1/volunteers/{id}/timebank` → `{balance_hours, deposited_hours,
depositable_hours, entries}`, and staff's `POST /api/v1/volunteers/{id}/points/adjustments`.

Reach: the volunteer themself, or staff and supervisors of their station (incentives.access);
anyone else 404. Adjusting: staff who run the station only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Status

from linli.incentives import access
from linli.incentives.actions.points import points_adjust, recruitment_record
from linli.incentives.actions.timebank import depositable_hours, deposited_hours
from linli.incentives.api.output import ERRORS, caller, entry_out
from linli.incentives.queries import account_entries
from linli.incentives.schemas import (
    AdjustIn,
    EntryOut,
    PathId,
    PointsOut,
    RecruiterIn,
    TimebankOut,
)
from linli.ledger.models import Account

router = Router(tags=["points and time bank"])


@router.get(
    "/{volunteer_id}/points",
    response={200: PointsOut, **ERRORS},
    summary="积分: a volunteer's points balance and every entry with its reason",
)
def volunteer_points(request: HttpRequest, volunteer_id: PathId) -> Any:
    volunteer = access.get_account_holder(caller(request), volunteer_id)
    rows = list(account_entries(volunteer, Account.POINTS))
    total = sum((entry.amount for entry in rows), start=Decimal("0"))
    return {"balance": float(total), "entries": [entry_out(entry) for entry in rows]}


@router.post(
    "/{volunteer_id}/points/adjustments",
    response={201: EntryOut, **ERRORS},
    summary="Staff add (+) or take (−) points with a reason (audited)",
)
def volunteer_points_adjust(request: HttpRequest, volunteer_id: PathId, payload: AdjustIn) -> Any:
    user = caller(request)
    volunteer = access.get_account_holder(user, volunteer_id, write=True)
    entry = points_adjust(
        volunteer=volunteer, amount=payload.points, reason=payload.reason, actor=user
    )
    return Status(201, entry_out(entry))


@router.post(
    "/{volunteer_id}/recruiter",
    response={201: dict[str, int], **ERRORS},
    summary="推荐人: staff record who recruited the volunteer; once they are active, the "
    "recruiter earns the station's recruiting points (once)",
)
def volunteer_recruiter(request: HttpRequest, volunteer_id: PathId, payload: RecruiterIn) -> Any:
    user = caller(request)
    volunteer = access.get_account_holder(user, volunteer_id, write=True)
    recruiter = access.get_account_holder(user, payload.recruiter, write=True)
    recruitment = recruitment_record(volunteer=volunteer, recruiter=recruiter, actor=user)
    return Status(201, {"volunteer": volunteer.pk, "recruiter": recruitment.recruiter_id})


@router.get(
    "/{volunteer_id}/timebank",
    response={200: TimebankOut, **ERRORS},
    summary="时间银行: balance, hours deposited, verified hours still depositable, entries",
)
def volunteer_timebank(request: HttpRequest, volunteer_id: PathId) -> Any:
    volunteer = access.get_account_holder(caller(request), volunteer_id)
    rows = list(account_entries(volunteer, Account.TIMEBANK))
    total = sum((entry.amount for entry in rows), start=Decimal("0"))
    return {
        "balance_hours": float(total),
        "deposited_hours": float(deposited_hours(volunteer)),
        "depositable_hours": float(depositable_hours(volunteer)),
        "cap_hours": float(settings.TIMEBANK_CAP_HOURS),
        "entries": [entry_out(entry) for entry in rows],
    }
