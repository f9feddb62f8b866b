"""Every write and every clear read of health records, the thresholds, and the check's slots.

Health values are sensitive personal information (个人信息保护法 §28): a record is written only by
station staff or a caregiver of the person's centre (`health.access`), only with the person's
separate consent to sensitive data, and stored encrypted. Reading values in clear goes through
`health_records_read`, which audits the read. A value outside the station's range sets the
record's `alert` and tells the station's staff in their inbox — the message names the person,
never a value, and never goes to a group channel.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import Role, User
from linli.activities.models import Activity, ActivityStatus
from linli.audit.actions import audit_record
from linli.core import crypto
from linli.core.errors import DomainError
from linli.core.messages import Message
from linli.health import access
from linli.health.models import (
    DEFAULT_THRESHOLDS,
    CheckBooking,
    CheckSlot,
    HealthRecord,
    HealthThreshold,
    Metric,
)
from linli.notifications.actions import notify
from linli.org.models import Station
from linli.people.actions import has_sensitive_consent
from linli.people.models import Resident

# What a measurement may be: anything outside is a typing error, not a reading.
BOUNDS: dict[str, tuple[Decimal, Decimal]] = {
    "systolic": (Decimal(40), Decimal(300)),
    "diastolic": (Decimal(20), Decimal(200)),
    "glucose": (Decimal("0.5"), Decimal(40)),
    "heart_rate": (Decimal(20), Decimal(250)),
    "weight_kg": (Decimal(2), Decimal(400)),
    "height_cm": (Decimal(40), Decimal(250)),
}
NOTE_MAX = 300


@dataclass(frozen=True)
class HealthValues:
    """One measurement; every value may be missing, but not all of them."""

    systolic: int | None = None
    diastolic: int | None = None
    glucose: Decimal | None = None
    heart_rate: int | None = None
    weight_kg: Decimal | None = None
    height_cm: Decimal | None = None
    note: str = ""

    @property
    def bmi(self) -> Decimal | None:
        """Weight over height squared, to one decimal: derived, never typed."""
        if not self.weight_kg or not self.height_cm:
            return None
        metres = Decimal(self.height_cm) / 100
        return (Decimal(self.weight_kg) / (metres * metres)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    def measured(self) -> dict[str, Decimal]:
        """The values that were taken, by name, BMI included."""
        taken = {
            name: Decimal(value)
            for name, value in asdict(self).items()
            if name != "note" and value is not None
        }
        if self.bmi is not None:
            taken["bmi"] = self.bmi
        return taken

    def to_json(self) -> str:
        return json.dumps(
            {
                name: (str(value) if isinstance(value, Decimal) else value)
                for name, value in asdict(self).items()
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> HealthValues:
        raw: dict[str, Any] = json.loads(text)
        decimals = {"glucose", "weight_kg", "height_cm"}
        known = {field.name for field in fields(cls)}
        values: dict[str, Any] = {
            name: (Decimal(value) if name in decimals and value is not None else value)
            for name, value in raw.items()
            if name in known
        }
        return cls(**values)


def _check_values(values: HealthValues) -> None:
    errors: dict[str, list[str]] = {}
    for name, (low, high) in BOUNDS.items():
        value = getattr(values, name)
        if value is not None and not low <= Decimal(value) <= high:
            errors[name] = [_("数值须在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": high}]
    if len(values.note) > NOTE_MAX:
        errors["note"] = [_("备注不能超过 300 字。")]
    if not any(getattr(values, name) is not None for name in BOUNDS):
        errors["values"] = [_("请至少填写一项测量值。")]
    if (
        values.systolic is not None
        and values.diastolic is not None
        and values.diastolic >= values.systolic
    ):
        errors["diastolic"] = [_("舒张压应低于收缩压。")]
    if errors:
        raise ValidationError(errors)


def thresholds_for(station: Station | int) -> dict[str, tuple[Decimal, Decimal]]:
    """The station's normal ranges: its own where set, the defaults elsewhere."""
    station_id = station if isinstance(station, int) else station.pk
    ranges = dict(DEFAULT_THRESHOLDS)
    for metric, low, high in HealthThreshold.objects.filter(station_id=station_id).values_list(
        "metric", "low", "high"
    ):
        ranges[metric] = (low, high)
    return ranges


def out_of_range(values: HealthValues, ranges: dict[str, tuple[Decimal, Decimal]]) -> list[str]:
    """The metrics of `values` outside their range, in Metric order."""
    measured = values.measured()
    found = []
    for metric in Metric.values:
        if metric in measured and metric in ranges:
            low, high = ranges[metric]
            if not low <= measured[metric] <= high:
                found.append(metric)
    return found


def _station_staff(station_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.STATION_STAFF,
            role_assignments__station_id=station_id,
        ).distinct()
    )


@transaction.atomic
def health_record_create(
    *,
    resident: Resident,
    values: HealthValues,
    measured_at: datetime,
    actor: Any,
    check_activity: Activity | None = None,
) -> HealthRecord:
    """Write one measurement of a resident, encrypted; out-of-range values alert the staff."""
    if actor is not None and not access.may_read_health(actor, resident):
        raise PermissionDenied("health")
    if not has_sensitive_consent(resident):
        raise DomainError(
            "no_sensitive_consent",
            _("%(name)s 尚未签署敏感个人信息（健康信息）单独同意，不能记录健康数据。")
            % {"name": resident.name},
            status=409,
        )
    now = timezone.now()
    if measured_at > now + timedelta(minutes=5) or measured_at.year < 2000:
        raise ValidationError({"measured_at": [_("测量时间须在 2000 年之后，且不晚于现在。")]})
    if check_activity is not None and check_activity.station_id != resident.station_id:
        raise ValidationError({"check_activity": [_("只能关联本站的体检活动。")]})
    values = replace(values, note=values.note.strip())
    _check_values(values)
    flagged = out_of_range(values, thresholds_for(resident.station_id))
    record = HealthRecord.objects.create(
        resident=resident,
        station_id=resident.station_id,
        measured_at=measured_at,
        values_cipher=crypto.encrypt(values.to_json()),
        alert=bool(flagged),
        check_activity=check_activity,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="health_record.create",
        target=record,
        station=resident.station,
        after={"resident": resident.pk, "alert": bool(flagged)},
    )
    if flagged:
        notify(
            users=_station_staff(resident.station_id),
            kind="health.alert",
            title=Message("health.alert", {"name": resident.name}),
            body=Message("health.alert_body"),
            url=reverse("health:resident", args=[resident.pk]),
            station=resident.station,
        )
    return record


@dataclass(frozen=True)
class ReadRecord:
    """A health record in clear, for one reader, with the metrics out of range."""

    record: HealthRecord
    values: HealthValues
    flagged: tuple[str, ...]


def health_records_read(
    *, resident: Resident, actor: Any, records: Iterable[HealthRecord] | None = None
) -> list[ReadRecord]:
    """Decrypt a resident's records (all, or `records`) for a reader the gate let in; every
    read is one audit row naming the resident and how many records were shown."""
    if actor is not None and not access.may_read_health(actor, resident):
        raise PermissionDenied("health")
    rows = list(records if records is not None else resident.health_records.all())
    ranges = thresholds_for(resident.station_id)
    read = []
    for record in rows:
        values = HealthValues.from_json(crypto.decrypt(record.values_cipher))
        read.append(ReadRecord(record, values, tuple(out_of_range(values, ranges))))
    audit_record(
        actor=actor,
        action="health_record.read",
        target=resident,
        station=resident.station,
        after={"records": len(read)},
    )
    return read


@transaction.atomic
def threshold_set(
    *, station: Station, metric: str, low: Decimal, high: Decimal, actor: Any
) -> HealthThreshold:
    """A station's normal range for one metric (its staff or admin)."""
    if actor is not None and not access.runs_station(actor, station):
        raise PermissionDenied("thresholds")
    if metric not in Metric.values:
        raise ValidationError({"metric": [_("指标无效。")]})
    if not (Decimal(0) <= low < high <= Decimal(400)):
        raise ValidationError({"high": [_("上限须高于下限，且都在 0 到 400 之间。")]})
    threshold, _created = HealthThreshold.objects.update_or_create(
        station=station,
        metric=metric,
        defaults={
            "low": low,
            "high": high,
            "updated_by": actor if getattr(actor, "is_authenticated", False) else None,
            "updated_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor,
        action="health_threshold.set",
        target=threshold,
        station=station,
        after={"metric": metric, "low": str(low), "high": str(high)},
    )
    return threshold


@transaction.atomic
def check_slots_create(
    *, activity: Activity, minutes: int, capacity: int, actor: Any
) -> list[CheckSlot]:
    """Divide a health check's time into slots of `minutes` for `capacity` people each."""
    if actor is not None and not access.runs_station(actor, activity.station):
        raise PermissionDenied("slots")
    if not 10 <= minutes <= 240 or not 1 <= capacity <= 200:
        raise ValidationError({"minutes": [_("每段 10–240 分钟，每段 1–200 人。")]})
    if activity.status in (ActivityStatus.CANCELLED, ActivityStatus.VERIFIED):
        raise DomainError("activity_closed", _("活动已取消或已核定，不能再设时段。"), status=409)
    if activity.check_slots.exists():
        raise DomainError("slots_exist", _("这次体检已经设好时段。"), status=409)
    slots: list[CheckSlot] = []
    start = activity.starts_at
    while start + timedelta(minutes=minutes) <= activity.ends_at and len(slots) < 48:
        slots.append(
            CheckSlot(
                activity=activity,
                starts_at=start,
                ends_at=start + timedelta(minutes=minutes),
                capacity=capacity,
            )
        )
        start += timedelta(minutes=minutes)
    if not slots:
        raise ValidationError({"minutes": [_("每段时长超过了活动时长。")]})
    CheckSlot.objects.bulk_create(slots)
    audit_record(
        actor=actor,
        action="health_check.slots",
        target=activity,
        station=activity.station,
        after={"slots": len(slots), "capacity": capacity},
    )
    return slots


@transaction.atomic
def check_book(*, slot: CheckSlot, resident: Resident, actor: Any) -> CheckBooking:
    """Book a resident into a slot of a check: within its capacity (the slot row is locked while
    places are counted) and once per check."""
    locked = (
        CheckSlot.objects.select_for_update(of=("self",))
        .select_related("activity__station")
        .get(pk=slot.pk)
    )
    activity = locked.activity
    if actor is not None and not access.runs_station(actor, activity.station):
        raise PermissionDenied("book")
    if resident.station_id != activity.station_id:
        raise ValidationError({"resident": [_("本站没有这位居民。")]})
    if locked.bookings.count() >= locked.capacity:
        raise DomainError("slot_full", _("这个时段已约满，请选其他时段。"), status=409)
    try:
        with transaction.atomic():
            booking = CheckBooking.objects.create(
                slot=locked,
                activity=activity,
                resident=resident,
                booked_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    except IntegrityError as error:
        raise DomainError("already_booked", _("这位居民已预约了这次体检。"), status=409) from error
    audit_record(
        actor=actor,
        action="health_check.book",
        target=booking,
        station=activity.station,
        after={"resident": resident.pk, "slot": locked.pk},
    )
    return booking


@transaction.atomic
def check_booking_cancel(*, booking: CheckBooking, actor: Any) -> None:
    activity = booking.activity
    if actor is not None and not access.runs_station(actor, activity.station):
        raise PermissionDenied("book")
    audit_record(
        actor=actor,
        action="health_check.unbook",
        target=activity,
        station=activity.station,
        after={"resident": booking.resident_id},
    )
    CheckBooking.objects.filter(pk=booking.pk).delete()


def health_records_rotate_keys(*, batch_size: int = 500) -> int:
    """Re-encrypt every health record under the newest field key (`linli rotate_field_keys`).

    Safe to interrupt and run again: each batch commits on its own, and old keys still decrypt.
    """
    done = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                HealthRecord.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .only("pk", "values_cipher")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            for record in batch:
                record.values_cipher = crypto.rotate(record.values_cipher)
            HealthRecord.objects.bulk_update(batch, ["values_cipher"])
            last_pk = batch[-1].pk
            done += len(batch)
    audit_record(actor=None, action="keys.rotate", after={"health_records": done})
    return done
