"""The study room itself: created by the station's staff, its times kept by them.

The times are bounded: the room opens and closes within the day's working hours
(`EARLIEST`–`LATEST`), closes after it opens, and the still-in alert comes at or after closing
and at most `ALERT_AFTER_CLOSING_MAX` later (an alert at midnight would help nobody). A change
applies from then on: shifts already on the rota keep their times, pupils who already left keep
their anonymisation date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.access import get_station_for_user
from linli.audit.actions import audit_record
from linli.org.models import Station
from linli.studyroom.actions.base import authorize
from linli.studyroom.models import StudyRoom

EARLIEST = time(6, 0)
LATEST = time(22, 0)
ALERT_AFTER_CLOSING_MAX = timedelta(hours=3)


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
    if len(data.place) > 200:
        errors["place"] = [_("地点不超过 200 字。")]
    for name in ("opens_at", "closes_at", "still_in_alert_at"):
        moment = getattr(data, name)
        if moment.tzinfo is not None or moment.second or moment.microsecond:
            errors[name] = [_("请填写时和分，如 11:30。")]
        elif not EARLIEST <= moment <= LATEST:
            errors[name] = [_("时间须在 06:00 到 22:00 之间。")]
    if errors:
        raise ValidationError(errors)
    if data.closes_at <= data.opens_at:
        errors["closes_at"] = [_("结束时间须晚于开始时间。")]
    if data.still_in_alert_at < data.closes_at:
        errors["still_in_alert_at"] = [_("未接走提醒时间不能早于结束时间。")]
    elif _minutes_between(data.closes_at, data.still_in_alert_at) > ALERT_AFTER_CLOSING_MAX:
        errors["still_in_alert_at"] = [_("未接走提醒时间不能晚于结束后 3 小时。")]
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


def _minutes_between(earlier: time, later: time) -> timedelta:
    day = date(2000, 1, 1)
    return datetime.combine(day, later) - datetime.combine(day, earlier)


ROOM_FIELDS = ("name", "place", "opens_at", "closes_at", "still_in_alert_at", "retention_days")


@transaction.atomic
def room_update(*, room: StudyRoom, data: RoomInput, actor: Any) -> StudyRoom:
    """Change the room's name, place, times and retention period (its station's staff), all
    checked together; the row is locked, only what changed is saved and audited."""
    authorize(actor, room, "manage")
    _check(data)
    locked = StudyRoom.objects.select_for_update().select_related("station").get(pk=room.pk)
    values = {
        "name": data.name.strip(),
        "place": data.place.strip(),
        "opens_at": data.opens_at,
        "closes_at": data.closes_at,
        "still_in_alert_at": data.still_in_alert_at,
        "retention_days": data.retention_days,
    }
    changed = [name for name in ROOM_FIELDS if getattr(locked, name) != values[name]]
    if not changed:
        return locked
    before = {name: _plain(getattr(locked, name)) for name in changed}
    for name in changed:
        setattr(locked, name, values[name])
    locked.save(update_fields=changed)
    audit_record(
        actor=actor, action="study_room.update", target=locked, station=locked.station,
        before=before, after={name: _plain(values[name]) for name in changed},
    )  # fmt: skip
    return locked


def _plain(value: Any) -> Any:
    return value.strftime("%H:%M") if isinstance(value, time) else value
