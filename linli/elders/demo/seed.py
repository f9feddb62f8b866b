"""Writing the demo's elders: profiles (through the sync action), their care details, and the
visit history in bulk (plain rows, `linli.core.rows`: no signal listens to visits, and a visit
recorded afterwards has no audit row, as the bulk insert before it had none); the latest visits
and the morning alert through the actions."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.rows import insert_rows
from linli.elders.access import volunteer_reach
from linli.elders.actions import (
    elder_profiles_sync,
    overdue_visits_alert,
    visit_log,
)
from linli.elders.models import (
    CareLevel,
    ElderProfile,
    EmergencyContact,
    Visit,
    VisitMethod,
    default_interval,
)
from linli.org.models import Station
from linli.people.models import Resident, ResidentTag, Tag
from linli.teams.models import TeamMembership
from linli.volunteers.demo.tables import (
    BAOMU,
    JINGUO,
    PARTY,
    STAFF_PHONE,
    STATION_CODE,
    VOLUNTEER_PHONE,
)
from linli.volunteers.models import Volunteer

Progress = Callable[[str], None]
RANDOM_SEED = 20210601
PROGRAMME_START = date(2021, 6, 1)
# The programme began with those who need it most, visited monthly (living alone, dependent) or
# quarterly (the other elders with a tag, 80+ or not self-caring); from 2026 the rule of today
# (SPEC §7.1: every 7 days or every 30) covers every resident over 60.
RULE_FROM = date(2026, 1, 1)
EARLY_INTERVALS = {7: 30, 30: 90}
# Estates take turns: the team that visits the elders there (those living alone: the party members).
ESTATE_TEAMS = (PARTY, JINGUO, BAOMU)
MISSED = 0.06  # a visit that slipped: the next one comes a round later

NOTES_WELL = (
    "老人精神状态良好，饮食正常，家中整洁。",
    "血压按时测量，药品充足，嘱咐天冷注意保暖。",
    "检查了燃气阀门和电线插座，无安全隐患。",
    "老人说最近睡眠不错，每天到广场散步。",
    "子女上周回来探望过，冰箱里菜品充足。",
    "陪老人聊了一会儿家常，老人心情愉快。",
    "提醒老人防范电信诈骗，不给陌生人开门。",
    "帮老人更换了卫生间灯泡，清理了阳台杂物。",
)
NOTES_CONCERN = (
    "老人反映腿脚不便，下楼买菜困难，建议申请助餐送餐。",
    "老人近日咳嗽，已劝其到社区卫生服务站就诊。",
    "厨房水龙头滴水，已登记需要维修。",
    "老人独自在家时曾跌倒一次，建议安装扶手。",
)
PHONE_NOTES = (
    "电话问候，老人说一切都好。",
    "电话联系，老人在女儿家小住，下周回来。",
    "电话问候，提醒按时服药、注意防暑。",
)
RELATIONS = ("儿子", "女儿", "儿媳", "女婿", "侄子", "外甥女")
FOLLOW_UPS = (
    "老人腿脚不便，冰箱快空了，需要有人帮忙代买米面和蔬菜。",
    "卫生间水管漏水，地面湿滑，老人担心滑倒，需要尽快维修。",
    "老人想去县医院复查血压，子女不在身边，需要陪同就医。",
)


def _rng(*key: Any) -> random.Random:
    return random.Random(f"{RANDOM_SEED}:" + "|".join(map(str, key)))  # noqa: S311 (demo data)


def _care_level(rng: random.Random, age: int) -> str:
    shares = (0.55, 0.3, 0.15) if age >= 80 else (0.86, 0.1, 0.04)
    return rng.choices(CareLevel.values, shares)[0]


class Visitors:
    """Who may visit whom: each team's active volunteers by the estate they live in, and staff."""

    def __init__(self, station: Station) -> None:
        self.by_team: dict[str, list[tuple[int, int, str, int | None]]] = defaultdict(list)
        rows = TeamMembership.objects.filter(
            team__station=station,
            team__name__in=ESTATE_TEAMS,
            status=TeamMembership.Status.ACTIVE,
            volunteer__status=Volunteer.Status.ACTIVE,
        ).values_list(
            "team__name",
            "volunteer_id",
            "volunteer__user_id",
            "volunteer__person__name",
            "volunteer__person__household__building__estate_id",
        )
        for team, volunteer_id, user_id, name, estate_id in rows.order_by("volunteer_id"):
            self.by_team[team].append((volunteer_id, user_id, name, estate_id))
        # Each team's neighbours of an estate, sorted out once rather than at every visit.
        self.near: dict[tuple[str, int | None], list[tuple[int, int, str, int | None]]] = (
            defaultdict(list)
        )
        for team, members in self.by_team.items():
            for member in members:
                self.near[(team, member[3])].append(member)
        self.staff = User.objects.filter(phone=STAFF_PHONE).first()

    def pick(
        self, rng: random.Random, team: str, estate_id: int
    ) -> tuple[int | None, int | None, str]:
        """(volunteer, user, name) of a visitor: a neighbour of the team most often."""
        members = self.by_team.get(team, [])
        near = self.near.get((team, estate_id))
        if self.staff is not None and (not members or rng.random() < 0.12):
            return None, self.staff.pk, self.staff.name
        chosen = rng.choice(near if near and rng.random() < 0.75 else members)
        return chosen[0], chosen[1], chosen[2]


def _moment(day: date, rng: random.Random) -> datetime:
    minutes = rng.randrange(9 * 60, 17 * 60)
    # What timezone.make_aware gives, without its checks (tens of thousands of visits).
    return datetime.combine(
        day, time(minutes // 60, minutes % 60), tzinfo=timezone.get_current_timezone()
    )


# The columns of a history visit, in the order `_plan_visits` gives their values.
VISIT_COLUMNS = (
    "profile_id", "station_id", "visited_at", "method", "visitor_id", "volunteer_id",
    "visitor_name", "note", "follow_up", "created_at",
)  # fmt: skip


def _plan_visits(
    profile: ElderProfile,
    tags: set[str],
    estate_id: int,
    team: str,
    visitors: Visitors,
    rng: random.Random,
    until: date,
    now: datetime,
) -> list[tuple[Any, ...]]:
    """The profile's visits up to `until`, as values of VISIT_COLUMNS."""
    interval = profile.visit_interval_days
    needs_care = (
        bool(tags - {Tag.MINOR})
        or profile.care_level != CareLevel.SELF_CARE
        or profile.resident.age() >= 80
    )
    start = PROGRAMME_START if needs_care else RULE_FROM
    early = EARLY_INTERVALS.get(interval, interval)
    day = start + timedelta(days=rng.randrange(0, early if start < RULE_FROM else interval))
    visits = []
    while day <= until:
        span = early if day < RULE_FROM else interval
        if rng.random() >= MISSED:
            volunteer_id, user_id, name = visitors.pick(rng, team, estate_id)
            by_phone = volunteer_id is None and span > 7 and rng.random() < 0.5
            concern = rng.random() < 0.05
            note = (
                rng.choice(PHONE_NOTES)
                if by_phone
                else rng.choice(NOTES_CONCERN if concern else NOTES_WELL)
            )
            visits.append(
                (
                    profile.pk,
                    profile.station_id,
                    _moment(day, rng),
                    VisitMethod.PHONE if by_phone else VisitMethod.HOME,
                    user_id,
                    volunteer_id,
                    name,
                    note,
                    False,
                    now,
                )
            )
        day += timedelta(days=max(1, round(span * rng.uniform(0.85, 1.3))))
    return visits


def _contacts(
    profile: ElderProfile, household_members: list[tuple[str, str, date, str]], rng: random.Random
) -> list[EmergencyContact]:
    """The grown-up children in the household with a phone; else a child living elsewhere."""
    today = timezone.localdate()
    resident = profile.resident
    found = [
        (name, phone, relation)
        for name, phone, birth_date, relation in household_members
        if phone and name != resident.name and 18 <= today.year - birth_date.year < 60
    ][:2]
    if not found:
        surname = resident.name[0]
        given = rng.choice(("建华", "丽萍", "志刚", "晓燕", "海涛", "红梅", "文斌", "春燕"))
        phone = f"1{rng.choice('3589')}{rng.randrange(0, 10**9):09d}"
        found = [(surname + given, phone, rng.choice(RELATIONS))]
    else:
        found = [(name, phone, rng.choice(RELATIONS[:4])) for name, phone, _rel in found]
    return [
        EmergencyContact(profile=profile, name=name, phone=phone, relation=relation, position=i)
        for i, (name, phone, relation) in enumerate(found)
    ]


def plan_care(
    station: Station, profiles: list[ElderProfile], *, now: datetime
) -> tuple[list[EmergencyContact], list[tuple[Any, ...]]]:
    """Each profile's care level, visit interval and team (set on `profiles`), the emergency
    contacts, and the visits up to yesterday as values of VISIT_COLUMNS, the same on every call
    for the same community and day."""
    today = timezone.localdate()
    until = today - timedelta(days=1)
    resident_ids = [profile.resident_id for profile in profiles]
    tags: dict[int, set[str]] = defaultdict(set)
    for resident_id, tag in ResidentTag.objects.filter(resident_id__in=resident_ids).values_list(
        "resident_id", "tag"
    ):
        tags[resident_id].add(tag)
    households: dict[int, list[tuple[str, str, date, str]]] = defaultdict(list)
    household_of = {
        resident.pk: resident.household_id
        for resident in Resident.objects.filter(pk__in=resident_ids).only("household_id")
    }
    for household_id, name, phone, birth_date, relation in Resident.objects.filter(
        household_id__in={h for h in household_of.values() if h}
    ).values_list("household_id", "name", "phone", "birth_date", "relation"):
        households[household_id].append((name, phone, birth_date, relation))
    teams = {team.name: team for team in station.teams.filter(name__in=ESTATE_TEAMS)}
    estate_order = {
        estate_id: index
        for index, estate_id in enumerate(
            station.estates.order_by("name").values_list("pk", flat=True)
        )
    }
    visitors = Visitors(station)
    contacts: list[EmergencyContact] = []
    visits: list[tuple[Any, ...]] = []
    for profile in profiles:
        resident = profile.resident
        household = resident.household
        rng = _rng(
            resident.name,
            resident.birth_date,
            household.unit if household else "",
            household.room if household else "",
        )
        elder_tags = tags[resident.pk]
        profile.care_level = _care_level(rng, resident.age(today))
        profile.visit_interval_days = default_interval(profile.care_level, elder_tags)
        estate_id = household.building.estate_id if household is not None else 0
        team = (
            PARTY
            if Tag.LIVING_ALONE in elder_tags or Tag.BEREAVED_PARENT in elder_tags
            else ESTATE_TEAMS[estate_order.get(estate_id, 0) % len(ESTATE_TEAMS)]
        )
        profile.visit_team = teams.get(team)
        contacts.extend(
            _contacts(profile, households.get(household_of.get(resident.pk) or 0, []), rng)
        )
        visits.extend(_plan_visits(profile, elder_tags, estate_id, team, visitors, rng, until, now))
    return contacts, visits


@transaction.atomic
def _plan_and_write(station: Station, profiles: list[ElderProfile], report: Progress) -> int:
    contacts, visits = plan_care(station, profiles, now=timezone.now())
    # A handful of distinct (level, interval, team) triples: one UPDATE each, not a CASE per row.
    groups: dict[tuple[str, int, int | None], list[int]] = defaultdict(list)
    for profile in profiles:
        groups[(profile.care_level, profile.visit_interval_days, profile.visit_team_id)].append(
            profile.pk
        )
    for (level, interval, team_id), pks in groups.items():
        ElderProfile.objects.filter(pk__in=pks).update(
            care_level=level, visit_interval_days=interval, visit_team_id=team_id
        )
    EmergencyContact.objects.bulk_create(contacts, batch_size=1000)
    insert_rows(Visit, VISIT_COLUMNS, visits)
    report(f"    关爱档案 {len(profiles)}，紧急联系人 {len(contacts)}，走访记录 {len(visits)}")
    return len(visits)


def _recent_follow_ups(station: Station) -> int:
    """Three visits this week by the demo volunteer that asked for a follow-up: through the
    action, which makes the service requests."""
    volunteer = Volunteer.objects.filter(user__phone=VOLUNTEER_PHONE).select_related("user").first()
    if volunteer is None:
        return 0
    reach = list(
        volunteer_reach(volunteer).select_related("resident").order_by("next_visit_due", "pk")[:3]
    )
    now = timezone.now()
    made = 0
    for index, (profile, note) in enumerate(zip(reach, FOLLOW_UPS, strict=False)):
        visit_log(
            profile=profile,
            actor=volunteer.user,
            note=note,
            at=now - timedelta(days=index + 1, hours=2),
            follow_up=True,
        )
        made += 1
    return made


def seed_elders(progress: Progress | None = None) -> int:
    """Profiles for every 60+ resident and their visits since 2021-06-01; returns rows added."""
    report = progress or (lambda _message: None)
    station = Station.objects.get(code=STATION_CODE)
    created = elder_profiles_sync(station=station)
    fresh = list(
        ElderProfile.objects.filter(station=station, visits__isnull=True)
        .select_related("resident__household__building")
        .order_by("pk")
    )
    if not fresh:
        return created
    written = _plan_and_write(station, fresh, report)
    with transaction.atomic():
        elder_profiles_sync(station=station)
        follow_ups = _recent_follow_ups(station)
        alerted = overdue_visits_alert()
    report(f"    跟进需求 {follow_ups}，超期走访提醒 {alerted} 位")
    return created + written + follow_ups
