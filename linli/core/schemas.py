"""Schema pieces shared by every API router."""

from datetime import datetime
from typing import Annotated

from django.utils import timezone
from pydantic import AfterValidator, Field, PlainSerializer


def _local_iso(value: datetime) -> str:
    return timezone.localtime(value).isoformat()


# SPEC §5: times are ISO 8601 with the station's offset (+08:00), though stored in UTC.
LocalDateTime = Annotated[datetime, PlainSerializer(_local_iso, return_type=str)]


# Bounds every schema can share: a primary key fits a signed 64-bit integer (anything larger
# would reach the database as an overflow, a 500), and text never carries a NUL character
# (PostgreSQL refuses it, SQLite keeps it where no one sees it).
MAX_DB_ID = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]


def refuse_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


NoNulStr = Annotated[str, AfterValidator(refuse_nul)]
