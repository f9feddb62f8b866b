"""Schemas of the canteen API (SPEC §7.2). Amounts are yuan as strings with two places ("12.00"),
read as strings or numbers with at most two decimals; never floats in the answers. Every text is
bounded and refuses NUL bytes; ids fit 64 bits; dates lie between 2000 and 2100.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Path, Schema
from pydantic import AfterValidator, Field, PlainSerializer

from linli.core.schemas import DecimalText, LocalDateTime, Moment, PageQuery

MAX_ID = 2**63 - 1


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain NUL bytes")
    return value


def _sane_date(value: date) -> date:
    if not date(2000, 1, 1) <= value <= date(2100, 12, 31):
        raise ValueError("date must be between 2000-01-01 and 2100-12-31")
    return value


Dish = Annotated[str, Field(min_length=1, max_length=30), AfterValidator(_no_nul)]
Note = Annotated[str, Field(max_length=100), AfterValidator(_no_nul)]
Reason = Annotated[str, Field(max_length=200), AfterValidator(_no_nul)]
StationCode = Annotated[str, Field(max_length=32), AfterValidator(_no_nul)]
SaneDate = Annotated[
    date,
    AfterValidator(_sane_date),
    Field(json_schema_extra={"x-range": ["2000-01-01", "2100-12-31"]}),
]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
MoneyIn = Annotated[
    Decimal, Field(ge=0, le=Decimal("999.99"), max_digits=5, decimal_places=2), DecimalText
]
Money = Annotated[Decimal, PlainSerializer(lambda value: f"{value:.2f}", return_type=str)]
MealCode = Literal["breakfast", "lunch", "dinner"]
ModeCode = Literal["dine_in", "pickup", "delivery"]


# --- menus ----------------------------------------------------------------------------------------


class MenuIn(Schema):
    date: SaneDate = Field(examples=["2026-12-08"])
    meal: MealCode
    dishes: list[Dish] = Field(min_length=1, max_length=12, examples=[["红烧鱼块", "清炒菠菜"]])
    price: MoneyIn = Field(examples=["12.00"], description="yuan, at most two decimals")
    notes: list[Literal["low_salt", "low_sugar", "soft"]] = Field(default=[], max_length=3)
    cutoff_at: Moment | None = Field(
        None,
        description="when ordering closes; default: breakfast the evening before at 18:00, "
        "lunch 09:30, dinner 14:30 (a time without offset is Asia/Shanghai)",
    )
    station: StationCode | None = Field(
        None, description="station code; required when the caller runs several canteens"
    )


class MealMenuOut(Schema):
    id: int
    station: str = Field(description="station code")
    date: date
    meal: str
    meal_label: str
    dishes: list[str]
    price: Money
    notes: list[str] = Field(description="low_salt, low_sugar, soft")
    cutoff_at: LocalDateTime
    open_for_orders: bool = Field(description="residents may still order it")
    orders: int | None = Field(
        description="orders not cancelled; only for those who run or read the canteen"
    )


class MenuPage(Schema):
    items: list[MealMenuOut]
    count: int


class MealMenuQuery(PageQuery):
    station: StationCode | None = None
    date_from: SaneDate | None = Field(None, alias="from")
    date_to: SaneDate | None = Field(None, alias="to")
    date: SaneDate | None = None
    meal: MealCode | None = None


# --- tiers ----------------------------------------------------------------------------------------


class FunderRef(Schema):
    id: int
    name: str


class TierOut(Schema):
    id: int
    station: str
    name: str
    funder: FunderRef
    amount: Money = Field(description="subsidy per meal, yuan")
    min_age: int | None
    max_age: int | None
    tag: str = Field(description="registry tag the tier requires, or empty")
    effective_from: date
    effective_until: date | None
    in_effect: bool = Field(description="applies on `on` (default today)")


class TierPage(Schema):
    items: list[TierOut]
    count: int


class TierQuery(PageQuery):
    station: StationCode | None = None
    on: SaneDate | None = Field(None, description="which day `in_effect` speaks of")
    current: bool = Field(False, description="only the tiers in effect on `on`")


# --- orders ---------------------------------------------------------------------------------------


class OrderIn(Schema):
    resident: Id
    date: SaneDate
    meal: MealCode
    mode: ModeCode = "dine_in"
    note: Note = Field("", description="e.g. 少放辣")
    channel: Literal["phone", "counter"] | None = Field(
        None,
        description="for those who run the canteen: phone (default) or counter (a walk-in "
        "today, served at once); residents ordering for themselves or their household leave it "
        "empty",
    )


class OrderCancelIn(Schema):
    reason: Reason = Field("", description="required when the canteen cancels after the cut-off")


class DinerRef(Schema):
    id: int
    name: str


class TierRef(Schema):
    id: int
    name: str
    funder: str
    amount: Money


class DeliveryRef(Schema):
    id: int
    status: str
    volunteer: DinerRef | None


class OrderOut(Schema):
    id: int
    station: str
    status: str = Field(description="ordered | served | cancelled")
    status_label: str
    resident: DinerRef
    date: date
    meal: str
    mode: str
    channel: str
    price: Money
    subsidy: Money
    payable: Money
    tier: TierRef | None
    note: str
    ordered_at: LocalDateTime
    served_at: LocalDateTime | None
    cancelled_at: LocalDateTime | None
    delivery: DeliveryRef | None


class OrderPage(Schema):
    items: list[OrderOut]
    count: int


class OrderQuery(PageQuery):
    station: StationCode | None = None
    date: SaneDate | None = None
    meal: MealCode | None = None
    status: Literal["ordered", "served", "cancelled"] | None = None
    resident: Id | None = None


# --- deliveries -----------------------------------------------------------------------------------


class DeliveryOut(Schema):
    id: int
    station: str
    status: str = Field(description="open | taken | delivered | cancelled")
    status_label: str
    date: date
    meal: str
    estate: str = Field(description="the estate; the door only with `address`")
    name: str = Field(description="the elder's name, masked until the task is the caller's")
    address: str | None = Field(description="only for the volunteer holding it, and staff")
    phone: str | None = Field(description="only for the volunteer holding it, and staff")
    volunteer: DinerRef | None
    taken_at: LocalDateTime | None
    delivered_at: LocalDateTime | None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    count: int


class DeliveryQuery(PageQuery):
    status: Literal["open", "taken", "delivered", "cancelled"] | None = None
    date: SaneDate | None = None
    mine: bool = Field(False, description="only the tasks the caller took")


# --- settlement -----------------------------------------------------------------------------------


class SettlementQuery(Schema):
    month: Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$", max_length=7)] = Field(
        description="YYYY-MM, e.g. 2026-05"
    )
    station: StationCode | None = None


class FunderLine(Schema):
    funder: str | None = Field(description="the funder's name; null: meals without a subsidy")
    funder_id: int | None
    meals: int
    price: Money
    subsidy: Money
    payable: Money


class TierLine(Schema):
    funder: str | None
    tier: str | None
    tier_id: int | None
    meals: int
    price: Money
    subsidy: Money
    payable: Money


class AdjustmentOut(Schema):
    id: int
    corrects_month: str
    funder: str | None
    tier: str | None
    meals: int
    price: Money
    subsidy: Money
    payable: Money
    reason: str


class SettlementOut(Schema):
    station: str
    month: str
    meals: int
    price_total: Money
    subsidy_total: Money
    payable_total: Money
    by_funder: list[FunderLine]
    by_tier: list[TierLine]
    adjustments: list[AdjustmentOut] = Field(description="corrections booked into this month")
    closed: bool
    closed_at: LocalDateTime | None
