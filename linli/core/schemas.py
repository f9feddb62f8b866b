"""Schema pieces shared by every API router."""

from datetime import datetime
from typing import Annotated

from django.utils import timezone
from pydantic import PlainSerializer


def _local_iso(value: datetime) -> str:
    return timezone.localtime(value).isoformat()


# SPEC §5: times are ISO 8601 with the station's offset (+08:00), though stored in UTC.
LocalDateTime = Annotated[datetime, PlainSerializer(_local_iso, return_type=str)]
