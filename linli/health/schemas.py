"""Schemas of the health API (SPEC §7.2). Decimals are written as strings, e.g. "5.6"."""

from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from linli.core.schemas import DbId, DecimalText, LocalDateTime, Moment, NoNulStr


class RecordIn(Schema):
    resident: DbId
    measured_at: Moment
    systolic: int | None = Field(None, ge=40, le=300, description="mmHg")
    diastolic: int | None = Field(None, ge=20, le=200, description="mmHg")
    glucose: Annotated[
        Decimal, Field(ge=Decimal("0.5"), le=Decimal(40), max_digits=4, decimal_places=1),
        DecimalText,
    ] | None = Field(None, description="mmol/L")  # fmt: skip
    heart_rate: int | None = Field(None, ge=20, le=250, description="beats a minute")
    weight_kg: Annotated[
        Decimal, Field(ge=Decimal(2), le=Decimal(400), max_digits=4, decimal_places=1), DecimalText
    ] | None = None  # fmt: skip
    height_cm: Annotated[
        Decimal, Field(ge=Decimal(40), le=Decimal(250), max_digits=4, decimal_places=1), DecimalText
    ] | None = None  # fmt: skip
    note: Annotated[NoNulStr, Field(max_length=300)] = ""
    check_activity: DbId | None = Field(
        None, description="the free check (an activity) it was taken at"
    )


class RecordOut(Schema):
    id: int
    resident: int
    measured_at: LocalDateTime
    systolic: int | None
    diastolic: int | None
    glucose: Decimal | None
    heart_rate: int | None
    weight_kg: Decimal | None
    height_cm: Decimal | None
    bmi: Decimal | None = Field(description="derived from weight and height")
    note: str
    alert: bool = Field(description="a value is outside the station's range")
    out_of_range: list[str] = Field(description="the metrics outside their range")
    check_activity: int | None
    recorded_by: str | None


class HealthCountsOut(Schema):
    """What a supervisor may know: how many, never a value."""

    records: int
    residents: int
    alerts: int
