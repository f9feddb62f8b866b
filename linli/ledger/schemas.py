"""Shapes of the hours and certificate endpoints (SPEC §5)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from linli.core.schemas import LocalDateTime


class HoursEntryOut(Schema):
    id: int
    date: dt.date = Field(description="服务日期 (the day served).")
    activity: str = Field(description="活动名称; empty for entries not tied to an activity.")
    activity_id: int | None
    description: str = Field(description="服务内容.")
    hours: float = Field(description="Negative for a reversal (冲正).")
    kind: str = Field(description="activity | request | reversal | adjustment (补录).")
    reverses: int | None = Field(description="The id of the entry a reversal corrects.")
    reason: str = Field(description="Why a reversal was made; empty otherwise.")


class HoursOut(Schema):
    total_hours: float = Field(description="The sum of `entries[].hours`.")
    star_level: int = Field(description="星级: 0–5 by cumulative hours (SPEC §3).")
    entries: list[HoursEntryOut]


class CertificateOut(Schema):
    """What the public may see of a certificate: no ID number, phone or other personal data."""

    number: str
    valid: bool = Field(description="Always true: an unknown number answers 404.")
    name_masked: str = Field(description="e.g. 王*梅")
    volunteer_number: str
    period_start: dt.date
    period_end: dt.date
    total_hours: float
    entry_count: int
    station: str = Field(description="The issuing station's name.")
    station_code: str
    issued_at: LocalDateTime
    issued_on: dt.date
