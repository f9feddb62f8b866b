"""The study room itself: created by the station's staff, its times kept by them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.access import get_station_for_user
from linli.audit.actions import audit_record
from linli.org.models import Station
from linli.studyroom.models import StudyRoom


@dataclass(frozen=True)
class RoomInput:
    name: str
    place: str = ""
    opens_at: time = time(11, 30)
    closes_at: time = time(13, 30)
    still_in_alert_at: time = time(13, 45)
    retention_days: int = 180


def _check(data: RoomInput) -> None:
    errors: dict[str, list[str]] = {}
    if not data.name.strip() or len(data.name) > 100:
        errors["name"] = [_("请填写名称（不超过 100 字）。")]
    if data.closes_at <= data.opens_at:
        errors["closes_at"] = [_("结束时间须晚于开始时间。")]
    if data.still_in_alert_at < data.closes_at:
        errors["still_in_alert_at"] = [_("未接走提醒时间不能早于结束时间。")]
    if not 1 <= data.retention_days <= 3650:
        errors["retention_days"] = [_("保留天数须在 1 到 3650 之间。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def room_create(*, station: Station, data: RoomInput, actor: Any) -> StudyRoom:
    """Open the station's study room (one per station); staff of the station or admin."""
    if actor is not None:
        try:
            get_station_for_user(actor, station.code, write=True)
        except Exception as error:
            raise PermissionDenied("room") from error
    _check(data)
    if StudyRoom.objects.filter(station=station).exists():
        raise ValidationError({"name": [_("本站已有午间微学堂。")]})
    room = StudyRoom.objects.create(
        station=station,
        name=data.name.strip(),
        place=data.place.strip(),
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        still_in_alert_at=data.still_in_alert_at,
        retention_days=data.retention_days,
    )
    audit_record(
        actor=actor, action="study_room.create", target=room, station=station,
        after={"name": room.name, "retention_days": room.retention_days},
    )  # fmt: skip
    return room
