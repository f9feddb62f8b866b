"""Writing the demo's two day-care centres: the centres and their caregiver through the actions,
the years of members, attendance, care plans, sessions and loans in bulk; the volunteers' care
sessions reach the ledger through `ledger_credit_bulk`, with the same source key as the action.
The two long histories, attendance and sessions, are written as plain rows (`linli.core.rows`):
no signal listens to them, and like the other bulk rows they carry no audit row (the actions
audit a desk's single check-in, not a history recorded afterwards)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.activities.demo.tables import DISABLED_CENTRE, DISABLED_CENTRE_OPENED, ELDERLY_CENTRE
from linli.core.rows import insert_rows, reserve_ids
from linli.core.workdays import is_working_day
from linli.daycare.actions.care import session_hours
from linli.daycare.actions.centres import CentreInput, centre_create, centre_staff_add
from linli.daycare.models import (
    AttendanceMethod,
    CarePlan,
    CareSession,
    Centre,
    CentreAttendance,
    CentreKind,
    CentreStaff,
    Equipment,
    EquipmentKind,
    EquipmentLoan,
    FeeTier,
    Membership,
    MemberStatus,
    SessionKind,
)
from linli.elders.models import CareLevel, ElderProfile, elder_born_by
from linli.ledger.actions import Credit, ledger_credit_bulk
from linli.ledger.models import Account, EntryKind
from linli.org.models import Station
from linli.people.models import Resident, Tag
from linli.volunteers.demo.tables import DISABILITY_COURSE, STAFF_PHONE, STATION_CODE
from linli.volunteers.models import Course, TrainingAttendance, Volunteer

Progress = Callable[[str], None]
# The columns of the history rows written without model instances (`linli.core.rows`).
ATTENDANCE_COLUMNS = (
    "centre_id", "membership_id", "resident_id", "day", "in_at", "out_at", "in_method",
    "out_method", "in_by_id", "out_by_id",
)  # fmt: skip
SESSION_COLUMNS = (
    "id", "membership_id", "kind", "started_at", "minutes", "caregiver_id", "volunteer_id",
    "note", "ledger_entry_id", "recorded_by_id", "created_at",
)  # fmt: skip
RANDOM_SEED = 20220110
CAREGIVER_PHONE = "13900000007"  # SPEC §6: 赵兰芳, caregiver
ELDERLY_OPENED = date(2021, 6, 1)
ELDERLY_MEMBERS = 38  # over the years; about 30 in care at a time
ELDERLY_LEAVERS = 8
# Each member's chance of coming on a working day is drawn from this range, once per member.
ATTENDANCE_CHANCE: dict[str, tuple[float, float]] = {
    CentreKind.ELDERLY: (0.25, 0.56),
    CentreKind.DISABLED: (0.06, 0.14),
}
SESSIONS_A_MONTH: dict[str, float] = {CentreKind.ELDERLY: 1.0, CentreKind.DISABLED: 1.5}

PLAN_GOALS: dict[str, tuple[str, ...]] = {
    CentreKind.ELDERLY: (
        "保持日常生活自理能力，按时服药，血压稳定在正常范围。",
        "增加社交活动，缓解独居带来的孤独感，每周参加两次集体活动。",
        "预防跌倒：加强下肢力量训练，家中安装扶手。",
    ),
    CentreKind.DISABLED: (
        "通过康复训练改善肢体活动能力，能借助助行器独立行走十米。",
        "提高生活自理能力：独立进食、穿衣，减少家属照护负担。",
        "参加手工和集体活动，增强社会交往，保持情绪稳定。",
        "维持现有功能，预防压疮和肌肉萎缩，定期检查辅具。",
    ),
}
PLAN_SERVICES: dict[str, tuple[str, ...]] = {
    CentreKind.ELDERLY: (
        "日间照料、午餐、血压监测、健身操、读书读报",
        "日间照料、午餐、手工活动、生日会、电话问候",
        "日间照料、康复训练、助浴、每月健康监测",
    ),
    CentreKind.DISABLED: (
        "康复训练每周两次、生活护理、助浴助洁、心理疏导",
        "生活护理、陪伴关怀、理发、手工康复",
        "康复训练、辅具适配与维修、家属照护培训",
    ),
}
SESSION_NOTES = {
    SessionKind.NURSING: "协助进食和如厕，状态平稳。",
    SessionKind.REHABILITATION: "上下肢康复训练，配合良好。",
    SessionKind.COMPANIONSHIP: "陪同聊天、读报，情绪愉快。",
    SessionKind.HAIRCUT: "理发修面。",
    SessionKind.BATHING: "助浴，检查皮肤无压疮。",
}
CAREGIVER_KINDS = (SessionKind.NURSING, SessionKind.REHABILITATION, SessionKind.BATHING)
VOLUNTEER_KINDS = (SessionKind.COMPANIONSHIP, SessionKind.HAIRCUT, SessionKind.REHABILITATION)

EQUIPMENT: dict[str, tuple[tuple[str, str, int], ...]] = {
    CentreKind.ELDERLY: ((EquipmentKind.BED, "护理床", 6), (EquipmentKind.WHEELCHAIR, "轮椅", 4)),
    CentreKind.DISABLED: (
        (EquipmentKind.WHEELCHAIR, "轮椅", 12),
        (EquipmentKind.WALKER, "助行器", 8),
        (EquipmentKind.CRUTCHES, "拐杖", 6),
        (EquipmentKind.COMMODE, "坐便椅", 4),
        (EquipmentKind.BED, "护理床", 4),
        (EquipmentKind.REHAB, "康复训练器", 3),
    ),
}


def joined(membership: Membership) -> date:
    """The day a member came into care (the demo writes only members who did)."""
    return membership.joined_on or membership.applied_on


def _rng(*key: Any) -> random.Random:
    return random.Random(f"{RANDOM_SEED}:" + "|".join(map(str, key)))  # noqa: S311 (demo data)


def _at(day: date, minutes: int) -> datetime:
    """The moment in the station's time zone (what timezone.make_aware gives, cheaper)."""
    return datetime.combine(
        day, time(minutes // 60, minutes % 60), tzinfo=timezone.get_current_timezone()
    )


def _working_days(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def centres(station: Station) -> tuple[Centre, Centre]:
    """The two centres of the report, made through the action when missing."""
    course = Course.objects.filter(station=station, name=DISABILITY_COURSE).first()
    specs = [
        CentreInput(ELDERLY_CENTRE, CentreKind.ELDERLY, ELDERLY_OPENED, 40,
                    "周一至周五 8:00–17:00", "焦家社区党群服务中心一楼"),
        CentreInput(DISABLED_CENTRE, CentreKind.DISABLED, DISABLED_CENTRE_OPENED, 30,
                    "周一至周五 8:30–16:30", "焦家社区党群服务中心二楼", course),
    ]  # fmt: skip
    made = []
    for spec in specs:
        centre = Centre.objects.filter(station=station, name=spec.name).first()
        made.append(centre or centre_create(station=station, data=spec, actor=None))
    caregiver = User.objects.filter(phone=CAREGIVER_PHONE).first()
    if caregiver is not None:
        for centre in made:
            if not CentreStaff.objects.filter(centre=centre, user=caregiver).exists():
                centre_staff_add(centre=centre, user=caregiver, actor=None)
    return made[0], made[1]


def _fee(rng: random.Random, tags: set[str], age: int) -> str:
    if Tag.LOW_INCOME in tags:
        return FeeTier.FREE
    if age >= 80 or Tag.DISABLED in tags:
        return FeeTier.LOW
    return rng.choice((FeeTier.LOW, FeeTier.PAID, FeeTier.PAID))


class Writer:
    """Everything of one centre after its members are chosen, written in bulk."""

    def __init__(self, centre: Centre, until: date) -> None:
        self.centre = centre
        self.until = until
        self.caregiver = User.objects.filter(phone=CAREGIVER_PHONE).first()
        self.staff = User.objects.filter(phone=STAFF_PHONE).first()
        self.now = timezone.now()

    def members(
        self, chosen: list[tuple[Resident, date, date | None, str, str]]
    ) -> list[Membership]:
        rows: list[Membership] = []
        for resident, joined_on, left, level, fee in chosen:
            applied = joined_on - timedelta(days=14)
            rows.append(
                Membership(
                    centre=self.centre,
                    resident=resident,
                    status=MemberStatus.LEFT if left else MemberStatus.ACTIVE,
                    applied_on=applied,
                    application_note="家属代为申请" if len(rows) % 3 else "本人申请",
                    assessed_on=applied + timedelta(days=7),
                    care_level=level,
                    needs="日间照料、午餐"
                    if self.centre.kind == CentreKind.ELDERLY
                    else "康复训练、生活护理",
                    fee_tier=fee,
                    agreement_number=f"{self.centre.kind[:3].upper()}{joined_on:%Y%m}{len(rows) + 1:03d}",
                    joined_on=joined_on,
                    left_on=left,
                    status_reason="随子女迁居外地" if left else "",
                    created_by=self.staff,
                )
            )
        return Membership.objects.bulk_create(rows)

    def attendance(self, memberships: list[Membership], chance: dict[int, float]) -> int:
        rows = self.attendance_rows(memberships, chance)
        insert_rows(CentreAttendance, ATTENDANCE_COLUMNS, rows)
        return len(rows)

    def attendance_rows(
        self, memberships: list[Membership], chance: dict[int, float]
    ) -> list[tuple[Any, ...]]:
        """Each working day's attendance, as values of ATTENDANCE_COLUMNS."""
        opening = 8 * 60 if self.centre.kind == CentreKind.ELDERLY else 8 * 60 + 30
        closing = 17 * 60 if self.centre.kind == CentreKind.ELDERLY else 16 * 60 + 30
        rows = []
        by = self.caregiver.pk if self.caregiver else None
        methods = (AttendanceMethod.CARD, AttendanceMethod.ROSTER, AttendanceMethod.MANUAL)
        # (membership, resident, first day, last day, chance) read once, not per working day.
        members = [
            (m.pk, m.resident_id, joined(m), m.left_on or date.max, chance[m.pk])
            for m in memberships
        ]
        centre_id = self.centre.pk
        for day in _working_days(self.centre.opened_on, self.until):
            rng = _rng(self.centre.kind, day)
            for membership_id, resident_id, first, last, likely in members:
                if day < first or day > last:
                    continue
                if rng.random() >= likely:
                    continue
                arrive = opening + rng.randrange(0, 90)
                leave = closing - rng.randrange(0, 120)
                method = rng.choices(methods, (0.5, 0.42, 0.08))[0]
                rows.append(
                    (centre_id, membership_id, resident_id, day, _at(day, arrive),
                     _at(day, leave), method, method, by, by)
                )  # fmt: skip
        return rows

    def plans(self, memberships: list[Membership]) -> int:
        rows = []
        for membership in memberships:
            rng = _rng("plan", membership.resident_id)
            start = joined(membership)
            end = membership.left_on or self.until
            while start <= end:
                review = start + timedelta(days=182)
                rows.append(
                    CarePlan(
                        membership=membership,
                        goals=rng.choice(PLAN_GOALS[self.centre.kind]),
                        services=rng.choice(PLAN_SERVICES[self.centre.kind]),
                        starts_on=start,
                        review_on=review,
                        created_by=self.caregiver,
                    )
                )
                start = review
        CarePlan.objects.bulk_create(rows, batch_size=1000)
        return len(rows)

    def sessions(
        self,
        memberships: list[Membership],
        volunteers: list[tuple[Volunteer, date]],
        per_month: float,
    ) -> tuple[int, int]:
        """Care sessions, about `per_month` a member; a fifth by trained volunteers, whose hours
        go to the ledger once each."""
        planned = self.planned_sessions(memberships, volunteers, per_month)
        # The sessions' keys first: the volunteers' entries carry them in their source keys (the
        # same entries care_session_record posts), and each session points at its entry.
        ids = reserve_ids(CareSession, len(planned))
        kinds: dict[str, str] = {value: str(label) for value, label in SessionKind.choices}
        entries = ledger_credit_bulk(
            credits=[
                Credit(
                    volunteer_id=volunteer.pk,
                    account=Account.HOURS,
                    amount=session_hours(minutes),
                    kind=EntryKind.CARE,
                    served_on=timezone.localdate(started_at),
                    description=f"{self.centre.name}：{kinds[kind]}",
                    source_key=f"care_session:{pk}",
                )
                for pk, (_m, kind, started_at, minutes, volunteer) in zip(ids, planned, strict=True)
                if volunteer is not None
            ],
            actor=None,
        )
        entry_of = {entry.source_key: entry.id for entry in entries}
        caregiver_id = self.caregiver.pk if self.caregiver else None
        insert_rows(
            CareSession,
            SESSION_COLUMNS,
            [
                (pk, membership_id, kind, started_at, minutes,
                 None if volunteer else caregiver_id, volunteer.pk if volunteer else None,
                 SESSION_NOTES[kind], entry_of.get(f"care_session:{pk}"), caregiver_id,
                 self.now)
                for pk, (membership_id, kind, started_at, minutes, volunteer)
                in zip(ids, planned, strict=True)
            ],
        )  # fmt: skip
        return len(planned), len(entries)

    def planned_sessions(
        self,
        memberships: list[Membership],
        volunteers: list[tuple[Volunteer, date]],
        per_month: float,
    ) -> list[tuple[int, SessionKind, datetime, int, Volunteer | None]]:
        """(membership, kind, start, minutes, volunteer or None for the caregiver) of each
        session, the same on every call for the same members and day."""
        planned: list[tuple[int, SessionKind, datetime, int, Volunteer | None]] = []
        for membership in memberships:
            rng = _rng("sessions", membership.resident_id)
            day = joined(membership) + timedelta(days=rng.randrange(1, 20))
            end = membership.left_on or self.until
            while day <= end:
                if is_working_day(day):
                    trained = [v for v, since in volunteers if since <= day]
                    by_volunteer = bool(trained) and rng.random() < 0.2
                    kind = rng.choice(VOLUNTEER_KINDS if by_volunteer else CAREGIVER_KINDS)
                    started_at = _at(day, 9 * 60 + rng.randrange(0, 6) * 60)
                    minutes = rng.choice((30, 45, 60, 90))
                    volunteer = rng.choice(trained) if by_volunteer else None
                    planned.append((membership.pk, kind, started_at, minutes, volunteer))
                day += timedelta(days=max(1, round(rng.expovariate(per_month / 30))))
        return planned

    def equipment(self, memberships: list[Membership]) -> int:
        pieces = []
        for kind, label, count in EQUIPMENT[self.centre.kind]:
            for number in range(1, count + 1):
                pieces.append(
                    Equipment(centre=self.centre, kind=kind, label=f"{label}-{number:02d}",
                              created_at=_at(self.centre.opened_on, 9 * 60))
                )  # fmt: skip
        Equipment.objects.bulk_create(pieces)
        loans = []
        rng = _rng("loans", self.centre.kind)
        for piece in pieces:
            day = self.centre.opened_on + timedelta(days=rng.randrange(5, 120))
            while day < self.until:
                borrowers = [
                    m for m in memberships
                    if joined(m) <= day and (m.left_on is None or m.left_on > day)
                ]  # fmt: skip
                if not borrowers:
                    day += timedelta(days=30)
                    continue
                length = rng.randrange(30, 240)
                due = day + timedelta(days=length)
                back = day + timedelta(days=length + rng.randrange(-20, 25))
                still_out = back >= self.until
                loans.append(
                    EquipmentLoan(
                        equipment=piece,
                        resident_id=rng.choice(borrowers).resident_id,
                        lent_on=day,
                        due_on=due,
                        returned_on=None if still_out else max(back, day),
                        lent_by=self.caregiver,
                        returned_by=None if still_out else self.caregiver,
                    )
                )
                if still_out:
                    break
                day = max(back, day) + timedelta(days=rng.randrange(3, 60))
        EquipmentLoan.objects.bulk_create(loans)
        return len(pieces) + len(loans)


def _trained_volunteers(station: Station) -> list[tuple[Volunteer, date]]:
    firsts: dict[int, date] = {}
    for volunteer_id, held_on in TrainingAttendance.objects.filter(
        volunteer__station=station,
        volunteer__status=Volunteer.Status.ACTIVE,
        attended=True,
        session__course__name=DISABILITY_COURSE,
    ).values_list("volunteer_id", "session__held_on"):
        firsts[volunteer_id] = min(held_on, firsts.get(volunteer_id, held_on))
    volunteers = Volunteer.objects.in_bulk(list(firsts))
    return [(volunteers[pk], firsts[pk]) for pk in sorted(firsts)]


def _seed_order(resident: Resident) -> tuple[str, date, int]:
    """The order the seed draws residents in, sorted here rather than by the database: PostgreSQL
    sorts text by its locale's collation, SQLite by code point, and the draws must pick the same
    people on both."""
    return (resident.name_pinyin, resident.birth_date or date.min, resident.pk)


def _elderly_members(
    station: Station, until: date
) -> list[tuple[Resident, date, date | None, str, str]]:
    """Elders of 65 and over who needed day care, chosen from a fixed seed: most joined in the
    first summer, the rest over the years; a few left."""
    today = timezone.localdate()
    profiles = sorted(
        ElderProfile.objects.filter(
            station=station,
            resident__status=Resident.Status.LIVING,
            resident__birth_date__lte=elder_born_by(today) - timedelta(days=5 * 365),
        )
        .exclude(care_level=CareLevel.DEPENDENT)
        .select_related("resident")
        .prefetch_related("resident__tags"),
        key=lambda profile: _seed_order(profile.resident),
    )
    rng = _rng("elderly-members")
    chosen = rng.sample(profiles, min(ELDERLY_MEMBERS, len(profiles)))
    leavers = set(rng.sample(range(len(chosen)), min(ELDERLY_LEAVERS, len(chosen))))
    rows = []
    for index, profile in enumerate(chosen):
        resident = profile.resident
        if index < 24:
            joined = ELDERLY_OPENED + timedelta(days=rng.randrange(0, 90))
        else:
            joined = ELDERLY_OPENED + timedelta(
                days=rng.randrange(120, (until - ELDERLY_OPENED).days - 60)
            )
        left = None
        if index in leavers:
            left = joined + timedelta(days=rng.randrange(200, 900))
            left = left if left < until - timedelta(days=30) else None
        tags = {tag.tag for tag in resident.tags.all()}
        rows.append(
            (resident, joined, left, profile.care_level, _fee(rng, tags, resident.age(today)))
        )
    return rows


def _disabled_members(
    station: Station, until: date
) -> list[tuple[Resident, date, date | None, str, str]]:
    """Every registered disabled resident (SPEC §1: 104): most in the first months of 2022."""
    today = timezone.localdate()
    residents = sorted(
        Resident.objects.filter(
            station=station, status=Resident.Status.LIVING, tags__tag=Tag.DISABLED
        ).prefetch_related("tags"),
        key=_seed_order,
    )
    rng = _rng("disabled-members")
    opened = DISABLED_CENTRE_OPENED
    rows: list[tuple[Resident, date, date | None, str, str]] = []
    for index, resident in enumerate(residents):
        if index % 5 < 3:
            joined = opened + timedelta(days=rng.randrange(0, 80))
        else:
            joined = opened + timedelta(days=rng.randrange(80, min(1200, (until - opened).days)))
        tags = {tag.tag for tag in resident.tags.all()}
        level = rng.choices(CareLevel.values, (0.45, 0.4, 0.15))[0]
        rows.append((resident, joined, None, level, _fee(rng, tags, resident.age(today))))
    return rows


def attendance_chances(centre: Centre, memberships: list[Membership]) -> dict[int, float]:
    """How likely each member comes on a working day, drawn once per member."""
    low, high = ATTENDANCE_CHANCE[centre.kind]
    return {m.pk: _rng("chance", m.resident_id).uniform(low, high) for m in memberships}


@transaction.atomic
def _write(centre: Centre, chosen: list[Any], volunteers: list[tuple[Volunteer, date]],
           report: Progress) -> int:  # fmt: skip
    until = timezone.localdate() - timedelta(days=1)
    writer = Writer(centre, until)
    memberships = writer.members(chosen)
    chance = attendance_chances(centre, memberships)
    attended = writer.attendance(memberships, chance)
    plans = writer.plans(memberships)
    sessions, credited = writer.sessions(memberships, volunteers, SESSIONS_A_MONTH[centre.kind])
    things = writer.equipment(memberships)
    report(
        f"    {centre.name}：托管 {len(memberships)}，出勤 {attended}，照护计划 {plans}，"
        f"照料服务 {sessions}（志愿者 {credited}，计入时长），器材与借用 {things}"
    )
    return len(memberships) + attended + plans + sessions + things


def seed_daycare(progress: Progress | None = None) -> int:
    """The elderly centre since 2021-06-01 and the disabled centre since 2022-01; rows added."""
    report = progress or (lambda _message: None)
    station = Station.objects.get(code=STATION_CODE)
    elderly, disabled = centres(station)
    until = timezone.localdate() - timedelta(days=1)
    added = 0
    if not elderly.members.exists():
        added += _write(elderly, _elderly_members(station, until), [], report)
    if not disabled.members.exists():
        added += _write(disabled, _disabled_members(station, until), _trained_volunteers(station),
                        report)  # fmt: skip
    return added
