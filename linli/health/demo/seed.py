"""Writing the demo's health records: each quarterly free check (the activities' 健康义诊) gets
its half-hour slots, the elders booked into them and the records taken there; the elderly
centre's members are also measured by the caregiver once a month. Values follow each person's own
baseline (some have high blood pressure, a few high glucose), so trends and alerts come from the
rows. History is written in bulk, encrypted like any record; the last check's one alert for the
staff goes through the action."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.activities.demo.tables import ELDERLY_CENTRE
from linli.activities.models import Activity, ActivityStatus
from linli.core import crypto
from linli.core.categories import ServiceCategory
from linli.daycare.demo.seed import CAREGIVER_PHONE, joined
from linli.daycare.models import Centre, Membership, MemberStatus
from linli.elders.models import ElderProfile
from linli.health.actions import (
    HealthValues,
    health_record_create,
    out_of_range,
    thresholds_for,
)
from linli.health.models import CheckBooking, CheckSlot, HealthRecord
from linli.org.models import Station
from linli.people.models import Resident
from linli.volunteers.demo.tables import STAFF_PHONE, STATION_CODE

Progress = Callable[[str], None]
RANDOM_SEED = 20210610
CHECK_TITLE = "“健康义诊”老年人免费体检"
SLOT_MINUTES = 30
SLOT_CAPACITY = 10
BOOKED_SHARE = 0.85  # of the places of a check
NOTES = ("", "", "", "建议低盐饮食，坚持散步。", "建议复查血糖。", "嘱按时服用降压药。")


def _rng(*key: Any) -> random.Random:
    return random.Random(f"{RANDOM_SEED}:" + "|".join(map(str, key)))  # noqa: S311 (demo data)


class Baseline:
    """A person's usual values, from which each measurement wanders a little."""

    def __init__(self, resident: Resident) -> None:
        rng = _rng("baseline", resident.name, resident.birth_date)
        self.hypertensive = rng.random() < 0.32
        self.diabetic = rng.random() < 0.12
        self.systolic = rng.randrange(138, 158) if self.hypertensive else rng.randrange(112, 134)
        self.diastolic = rng.randrange(82, 95) if self.hypertensive else rng.randrange(68, 84)
        self.glucose = rng.uniform(7.0, 9.5) if self.diabetic else rng.uniform(4.6, 6.2)
        self.heart_rate = rng.randrange(62, 86)
        self.height = Decimal(rng.randrange(148, 176))
        self.weight = Decimal(rng.randrange(45, 78))

    def measure(self, rng: random.Random, full: bool) -> HealthValues:
        systolic = self.systolic + rng.randrange(-8, 9)
        return HealthValues(
            systolic=systolic,
            diastolic=min(systolic - 25, self.diastolic + rng.randrange(-5, 6)),
            glucose=Decimal(f"{self.glucose + rng.uniform(-0.6, 0.6):.1f}") if full else None,
            heart_rate=self.heart_rate + rng.randrange(-6, 7),
            weight_kg=self.weight + Decimal(rng.randrange(-15, 16)) / 10 if full else None,
            height_cm=self.height if full else None,
            note=rng.choice(NOTES) if full else "",
        )


def _record(
    resident: Resident,
    values: HealthValues,
    at: datetime,
    ranges: dict[str, tuple[Decimal, Decimal]],
    by: User | None,
    activity: Activity | None = None,
) -> HealthRecord:
    return HealthRecord(
        resident=resident,
        station_id=resident.station_id,
        measured_at=at,
        values_cipher=crypto.encrypt(values.to_json()),
        alert=bool(out_of_range(values, ranges)),
        check_activity=activity,
        recorded_by=by,
        created_at=at,
    )


@transaction.atomic
def _checks(station: Station, elders: list[Resident], report: Progress) -> int:
    """Slots, bookings and records of every past check; slots and a few bookings of the next."""
    now = timezone.now()
    staff = User.objects.filter(phone=STAFF_PHONE).first()
    ranges = thresholds_for(station)
    checks = list(
        Activity.objects.filter(station=station, title=CHECK_TITLE, category=ServiceCategory.HEALTH)
        .exclude(status=ActivityStatus.CANCELLED)
        .order_by("starts_at")
    )
    slots: list[CheckSlot] = []
    for activity in checks:
        start = activity.starts_at
        while start + timedelta(minutes=SLOT_MINUTES) <= activity.ends_at:
            slots.append(
                CheckSlot(
                    activity=activity,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=SLOT_MINUTES),
                    capacity=SLOT_CAPACITY,
                )
            )
            start += timedelta(minutes=SLOT_MINUTES)
    CheckSlot.objects.bulk_create(slots)
    by_activity: dict[int, list[CheckSlot]] = {}
    for slot in slots:
        by_activity.setdefault(slot.activity_id, []).append(slot)
    bookings: list[CheckBooking] = []
    records: list[HealthRecord] = []
    for activity in checks:
        rng = _rng("check", activity.starts_at.date())
        places = by_activity.get(activity.pk, [])
        past = activity.ends_at < now
        share = BOOKED_SHARE if past else 0.3
        wanted = int(len(places) * SLOT_CAPACITY * share)
        people = rng.sample(elders, min(wanted, len(elders)))
        for index, resident in enumerate(people):
            slot = places[index % len(places)]
            bookings.append(
                CheckBooking(slot=slot, activity=activity, resident=resident, booked_by=staff)
            )
            if past:
                at = slot.starts_at + timedelta(minutes=rng.randrange(0, SLOT_MINUTES))
                values = Baseline(resident).measure(rng, full=True)
                records.append(_record(resident, values, at, ranges, staff, activity))
    CheckBooking.objects.bulk_create(bookings, batch_size=1000)
    HealthRecord.objects.bulk_create(records, batch_size=1000)
    report(
        f"    免费体检 {len(checks)} 次：时段 {len(slots)}，预约 {len(bookings)}，体检记录 {len(records)}"
    )
    return len(slots) + len(bookings) + len(records)


@transaction.atomic
def _monthly(station: Station, report: Progress) -> int:
    """The elderly centre's members, measured by the caregiver on the first working week of each
    month they were in care (blood pressure and heart rate)."""
    centre = Centre.objects.filter(station=station, name=ELDERLY_CENTRE).first()
    if centre is None:
        return 0
    caregiver = User.objects.filter(phone=CAREGIVER_PHONE).first()
    ranges = thresholds_for(station)
    until = timezone.localdate() - timedelta(days=1)
    records = []
    for membership in Membership.objects.filter(
        centre=centre, status__in=(MemberStatus.ACTIVE, MemberStatus.LEFT)
    ).select_related("resident"):
        resident = membership.resident
        baseline = Baseline(resident)
        rng = _rng("monthly", resident.name, resident.birth_date)
        start = joined(membership)
        month = date(start.year, start.month, 1)
        end = membership.left_on or until
        while month <= end:
            day = month + timedelta(days=rng.randrange(1, 6))
            if start <= day <= end:
                at = timezone.make_aware(datetime.combine(day, time(9, rng.randrange(0, 59))))
                records.append(
                    _record(resident, baseline.measure(rng, full=False), at, ranges, caregiver)
                )
            month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    HealthRecord.objects.bulk_create(records, batch_size=1000)
    report(f"    照料中心每月测量 {len(records)}")
    return len(records)


def seed_health(progress: Progress | None = None) -> int:
    """The quarterly checks' slots, bookings and records, and the centre's monthly measurements,
    once: a station that has any check slot or record is left as it is."""
    report = progress or (lambda _message: None)
    station = Station.objects.get(code=STATION_CODE)
    if (
        CheckSlot.objects.filter(activity__station=station).exists()
        or HealthRecord.objects.filter(station=station).exists()
    ):
        return 0
    elders = [
        profile.resident
        for profile in ElderProfile.objects.filter(
            station=station, resident__status=Resident.Status.LIVING
        )
        .select_related("resident")
        .order_by("resident__name_pinyin", "resident__birth_date")
    ]
    if not elders:
        return 0
    added = _checks(station, elders, report) + _monthly(station, report)
    return added + _todays_alert(station, report)


def _todays_alert(station: Station, report: Progress) -> int:
    """This morning's measurement of a member with high blood pressure, through the action: the
    staff find its alert in their inbox."""
    caregiver = User.objects.filter(phone=CAREGIVER_PHONE).first()
    for membership in (
        Membership.objects.filter(
            centre__station=station, centre__name=ELDERLY_CENTRE, status=MemberStatus.ACTIVE
        )
        .select_related("resident__station")
        .order_by("resident__name_pinyin")
    ):
        baseline = Baseline(membership.resident)
        if not baseline.hypertensive:
            continue
        health_record_create(
            resident=membership.resident,
            values=HealthValues(
                systolic=baseline.systolic + 12,
                diastolic=baseline.diastolic + 4,
                heart_rate=baseline.heart_rate,
                note="今晨血压偏高，已提醒家属并建议就医复查。",
            ),
            measured_at=timezone.now() - timedelta(hours=1),
            actor=caregiver,
        )
        report(f"    今日超范围提醒：{membership.resident.name}")
        return 1
    return 0
