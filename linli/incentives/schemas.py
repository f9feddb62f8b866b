"""Schemas of the points, 爱心超市, time-bank and honour endpoints (SPEC §7.2). Points and hours
are numbers with at most two decimals; every text is bounded and refuses NUL bytes; ids fit 64
bits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Path, Schema
from pydantic import Field

from linli.core.schemas import DbId, DecimalText, LocalDateTime, NoNulStr

PathId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Reason = Annotated[NoNulStr, Field(min_length=1, max_length=200)]
StationCode = Annotated[NoNulStr, Field(max_length=32)]
Hours = Annotated[
    Decimal, Field(gt=0, le=Decimal("1500"), max_digits=6, decimal_places=2), DecimalText
]


class StationQuery(Schema):
    station: StationCode | None = None


class EntryOut(Schema):
    id: int
    date: dt.date = Field(description="The day of the event.")
    kind: str = Field(
        description="earn | reward | penalty | staff_adjust | redeem | refund | "
        "reversal (points); deposit | withdrawal | transfer_out | transfer_in | "
        "donation (time bank)"
    )
    kind_label: str
    amount: float = Field(description="Points or hours; negative when taken.")
    description: str = Field(description="Why: a reason the volunteer reads.")
    created_at: LocalDateTime


class PointsOut(Schema):
    balance: float = Field(description="The sum of `entries[].amount`; never below zero.")
    entries: list[EntryOut]


class AdjustIn(Schema):
    points: Annotated[
        Decimal,
        Field(ge=Decimal("-100000"), le=Decimal("100000"), max_digits=8, decimal_places=2),
        DecimalText,
    ]
    reason: Reason


class RecruiterIn(Schema):
    recruiter: DbId = Field(description="The active volunteer of the same station who recruited.")


class RulesOut(Schema):
    station: str
    points_per_hour: float
    well_rated_points: float
    recruit_points: float
    no_show_points: float


RuleValue = Annotated[Decimal, Field(ge=0, le=1000, max_digits=6, decimal_places=2), DecimalText]


class RulesIn(Schema):
    points_per_hour: RuleValue | None = None
    well_rated_points: RuleValue | None = None
    recruit_points: RuleValue | None = None
    no_show_points: RuleValue | None = None


# --- the shop -----------------------------------------------------------------------------------------


class ItemIn(Schema):
    name: Annotated[NoNulStr, Field(min_length=1, max_length=60)] = Field(examples=["大米 5kg"])
    points: int = Field(ge=1, le=100000)
    stock: int = Field(0, ge=0, le=100000)
    unit: Annotated[NoNulStr, Field(max_length=10)] = "件"
    station: StationCode | None = Field(None, description="Needed when staff run several.")


class ItemOut(Schema):
    id: int
    station: str
    name: str
    unit: str
    points: int
    stock: int
    active: bool
    photo_url: str


class ItemPage(Schema):
    items: list[ItemOut]
    count: int


class StockIn(Schema):
    quantity: int = Field(ge=-100000, le=100000, description="+ into stock (入库), − out (出库).")
    reason: Reason
    kind: Literal["in", "out", "write_off"] | None = Field(
        None, description="Default: `in` for a positive quantity, `out` for a negative one."
    )


class StockOut(Schema):
    id: int
    item: int
    kind: str
    quantity: int
    reason: str
    stock: int = Field(description="The item's stock after this move.")


class RedeemIn(Schema):
    item: DbId
    quantity: int = Field(1, ge=1, le=99)
    volunteer: DbId | None = Field(None, description="Staff at the counter, for a volunteer.")


class RedemptionOut(Schema):
    id: int
    item: int
    item_name: str
    volunteer: int
    quantity: int
    points: int
    status: str
    pickup_code: str | None = Field(
        description="Only for the volunteer (and in the answer to "
        "the reservation); staff must be told it."
    )
    reserved_at: LocalDateTime
    expires_at: LocalDateTime
    handed_over_at: LocalDateTime | None


class RedemptionPage(Schema):
    items: list[RedemptionOut]
    count: int


class HandoverIn(Schema):
    pickup_code: Annotated[NoNulStr, Field(pattern=r"^[0-9]{6}$", max_length=6)] = Field(
        description="The 6 digits the volunteer tells; not 6 digits: 422, the wrong ones: 409."
    )


class RedemptionCancelIn(Schema):
    reason: Annotated[NoNulStr, Field(max_length=200)] = ""


# --- the time bank --------------------------------------------------------------------------------


class TimebankOut(Schema):
    balance_hours: float
    deposited_hours: float = Field(description="All hours ever deposited.")
    depositable_hours: float = Field(description="Verified hours not yet deposited.")
    cap_hours: float
    entries: list[EntryOut]


class DepositIn(Schema):
    hours: Hours


class TransferIn(Schema):
    to_volunteer: DbId
    hours: Hours
    note: Annotated[NoNulStr, Field(max_length=100)] = ""


class PoolPayIn(Schema):
    service_request: DbId


class PoolPaymentOut(Schema):
    id: int
    service_request: int
    pool: str = Field(description="The code of the station whose pool pays.")
    hours_paid: float | None = Field(
        description="Debited from the pool: at once for a completed request, else null until "
        "it is completed."
    )


class MovedOut(Schema):
    id: int
    hours: float
    balance_hours: float


# --- honours --------------------------------------------------------------------------------------------


class HonourIn(Schema):
    title: Annotated[NoNulStr, Field(min_length=1, max_length=60)] = Field(
        examples=["社区优秀防疫志愿者"]
    )
    year: int = Field(ge=2000, le=2100)
    kind: Literal["volunteer", "team", "family"]
    granted_by: Annotated[NoNulStr, Field(max_length=100)] = ""
    station: StationCode | None = None


class NominationIn(Schema):
    volunteer: DbId | None = None
    team: DbId | None = None
    household: DbId | None = None
    reason: Annotated[NoNulStr, Field(min_length=1, max_length=500)]


class ReviewIn(Schema):
    accept: bool


class NominationOut(Schema):
    id: int
    name: str
    volunteer: int | None
    team: int | None
    household: int | None
    reason: str
    status: str


class HonourOut(Schema):
    id: int
    station: str
    title: str
    year: int
    kind: str
    granted_by: str
    status: str
    notice_starts_at: LocalDateTime | None
    notice_ends_at: LocalDateTime | None
    awarded_on: dt.date | None
    nominations: list[NominationOut]


class HonourPage(Schema):
    items: list[HonourOut]
    count: int
