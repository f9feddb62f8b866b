"""A county on PostgreSQL, and each role's main reads on it next to the same reads on the demo.

    # 1. the demo, seeded into a PostgreSQL database (DIR keeps its field keys)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/linli_demo LINLI_DATA_DIR=DIR linli demo --seed-only
    # 2. the county: a copy of it, plus --stations stations (50 by default) written with COPY
    uv run python bench/county.py build --template linli_demo \\
        --database-url postgres://postgres@127.0.0.1:5432/linli_county --data-dir DIR
    # 3. p50/p95 of each role's reads on both, served by gunicorn
    uv run python bench/county.py bench --data-dir DIR \\
        --demo-url postgres://…/linli_demo --county-url postgres://…/linli_county

`build` copies the demo database (CREATE DATABASE … TEMPLATE, so 焦家社区 and its accounts are
there as in the demo), then adds 所 under the demo's 中心 and 站 under them (`station_create`,
audited), and for each station in bulk, with COPY: estates, buildings, households, residents,
volunteers with their accounts, teams and memberships, a service menu, activities, attendance,
hours- and points-ledger entries, service requests, the canteen's lunches (30 a day), a day-care
centre (20 members in each weekday) and a 午间微学堂 (10 pupils each school day) over six years. `--scale 1` writes per station what
the issue asks of a county of 50 (4,000+ residents, 600 volunteers, 40,000 ledger entries, 4,000
requests); a smaller scale is for trying it out. Then the rollups are refreshed and ANALYZE run.

`bench` serves each database with `gunicorn --workers 2` in turn and reads, one request at a
time after a warm-up, as the county's supervisor (陈建国, 中心) and as 焦家社区's staff, volunteer
and resident: p50 and p95 per read on the demo and on the county, and their ratio. Targets
(issue 16): a supervisor's summary and lists p95 under 300 ms; a station's staff no slower on the
county than on the demo by more than 1.5×.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadgen import Figures, Load, serve, table  # noqa: E402

SUPERVISOR_PHONE = "13900000001"
STAFF_PHONE = "13900000002"
VOLUNTEER_PHONE = "13900000004"
RESIDENT_PHONE = "13900000005"
SUMMARY_TARGET_MS = 300.0
STATION_SLOWDOWN = 1.5
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏"
)
GIVEN = "秀英桂兰芳敏静丽强磊军洋勇艳杰娟涛明超霞平刚玉华建国志伟德文红梅春燕海波宇浩子涵梓轩"
CATEGORIES = ["community", "elderly_disabled", "education", "health", "legal", "culture",
              "science", "environment", "safety", "civility", "family"]  # fmt: skip
TEAM_NAMES = ["党员志愿服务队", "巾帼志愿服务队", "科普宣传志愿服务队", "法律援助志愿服务队",
              "助残帮困志愿服务队", "文体志愿服务队"]  # fmt: skip
YEARS = 6


def admin_url(database_url: str) -> tuple[str, str]:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def copy_database(template_url: str, database_url: str) -> None:
    """DROP the county database if it exists and CREATE it from the demo's."""
    import psycopg

    maintenance, name = admin_url(database_url)
    _maintenance, template = admin_url(template_url)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def setup_django(database_url: str, data_dir: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["LINLI_DATA_DIR"] = data_dir
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    import django

    django.setup()


# --- writing with COPY ----------------------------------------------------------------------------


class Table:
    """COPY rows of one model: every concrete column, those not given taking the field's default
    (evaluated once), "" for a blank text field, NULL for a nullable one. Ids are handed out here,
    after the table's current maximum, and the sequence is moved past them at the end."""

    def __init__(self, model: Any) -> None:
        from django.db import connection
        from django.db.models import JSONField, Max
        from django.db.models.fields import NOT_PROVIDED

        self.model = model
        self.fields = [field for field in model._meta.concrete_fields]
        self.columns = [field.column for field in self.fields]
        self.defaults: dict[str, Any] = {}
        self.json = {field.attname for field in self.fields if isinstance(field, JSONField)}
        for field in self.fields:
            if field.primary_key:
                continue
            if field.default is not NOT_PROVIDED:
                self.defaults[field.attname] = field.get_default()
            elif field.null:
                self.defaults[field.attname] = None
            elif field.get_internal_type() in ("CharField", "TextField"):
                self.defaults[field.attname] = ""
        self.next_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.connection = connection

    def add(self, **values: Any) -> int:
        from psycopg.types.json import Jsonb

        pk = self.next_id
        self.next_id += 1
        row = []
        for field in self.fields:
            if field.primary_key:
                row.append(pk)
                continue
            value = (
                values[field.attname] if field.attname in values else self.defaults[field.attname]
            )
            if field.attname in self.json and value is not None:
                value = Jsonb(value)
            row.append(value)
        self.rows.append(tuple(row))
        if len(self.rows) >= 20000:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        table = self.model._meta.db_table
        columns = ", ".join(f'"{column}"' for column in self.columns)
        with self.connection.cursor() as cursor:
            with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in self.rows:
                    copy.write_row(row)
        self.written += len(self.rows)
        self.rows = []

    def finish(self) -> None:
        self.flush()
        table = self.model._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(  # the table names are the models' own
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                f'(SELECT coalesce(max(id), 1) FROM "{table}"))'
            )


def aware(day: date, hour: int, minute: int = 0) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, clock(hour, minute)))


class County:
    """Everything `build` writes, one station at a time."""

    def __init__(self, scale: float, seed: int = 16) -> None:
        from linli.accounts.models import RoleAssignment, User
        from linli.activities.models import Activity, Attendance
        from linli.assistance.models import MenuCategory, ServiceRequest
        from linli.canteen.models import MealOrder, Menu
        from linli.daycare.models import Centre, CentreAttendance, Membership
        from linli.ledger.models import LedgerEntry
        from linli.org.models import Building, Estate
        from linli.people.models import Household, Resident
        from linli.studyroom.models import Pupil, Stay, StudyRoom
        from linli.teams.models import Team, TeamMembership
        from linli.volunteers.models import Volunteer, VolunteerCategory

        self.rng = random.Random(seed)
        self.scale = scale
        self.pinyin: dict[str, tuple[str, str]] = {}
        self.tables = {
            name: Table(model)
            for name, model in [
                ("estate", Estate), ("building", Building), ("household", Household),
                ("resident", Resident), ("user", User), ("role", RoleAssignment),
                ("volunteer", Volunteer), ("category", VolunteerCategory), ("team", Team),
                ("membership", TeamMembership), ("menu", MenuCategory), ("activity", Activity),
                ("attendance", Attendance), ("ledger", LedgerEntry), ("request", ServiceRequest),
                ("menu_day", Menu), ("meal", MealOrder), ("centre", Centre),
                ("member", Membership), ("stay", CentreAttendance), ("room", StudyRoom),
                ("pupil", Pupil), ("room_day", Stay),
            ]
        }  # fmt: skip
        self.phone = 16000000000 + User.objects.count()
        from django.utils import timezone

        self.today = timezone.localdate()
        self.first_day = self.today.replace(year=self.today.year - YEARS + 1, month=1, day=1)
        self.days = (self.today - timedelta(days=1) - self.first_day).days

    def count(self, per_station: int) -> int:
        return max(1, round(per_station * self.scale))

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.randint(1, 2))
        )

    def keys(self, name: str) -> tuple[str, str]:
        """The name's pinyin keys, as registering a resident writes them (the lists sort by
        them: a county of empty keys would sort as no real one does)."""
        from linli.core.pinyin import pinyin_keys

        if name not in self.pinyin:
            self.pinyin[name] = pinyin_keys(name)
        return self.pinyin[name]

    def day(self) -> date:
        return self.first_day + timedelta(days=self.rng.randrange(self.days))

    def station(self, station: Any) -> None:
        from django.contrib.auth.hashers import make_password

        rng, t = self.rng, self.tables
        now = datetime.now().astimezone()
        password = make_password(None)
        # The registry: 9 estates, 90 buildings, households of 2–4 people.
        buildings: list[int] = []
        for estate_number in range(9):
            estate = t["estate"].add(
                station_id=station.pk, name=f"{station.name[:6]}{estate_number + 1}号小区"
            )
            for number in range(10):
                buildings.append(t["building"].add(estate_id=estate, number=str(number + 1)))
        residents: list[int] = []
        households = 0
        while len(residents) < self.count(4300):
            household = t["household"].add(
                station_id=station.pk,
                building_id=buildings[households % len(buildings)],
                unit=str(households // len(buildings) % 4 + 1),
                room=str(101 + households // (len(buildings) * 4)),
            )
            households += 1
            for _ in range(rng.randint(2, 4)):
                born = date(rng.randint(1935, 2020), rng.randint(1, 12), rng.randint(1, 28))
                name = self.name()
                pinyin, initials = self.keys(name)
                residents.append(
                    t["resident"].add(
                        station_id=station.pk,
                        household_id=household,
                        name=name,
                        name_pinyin=pinyin,
                        name_initials=initials,
                        gender=rng.choice("MF"),
                        birth_date=born,
                        id_number_cipher="",
                        id_number_hash=f"county-{station.code}-{len(residents)}",
                        id_number_masked="3405**********0000",
                        phone=f"1{rng.randint(3000000000, 9999999999)}",
                        sensitive_cipher="",
                        note="",
                    )
                )
        # The corps: 600 volunteers, each with an account, in teams.
        teams = [
            t["team"].add(station_id=station.pk, name=name, description="") for name in TEAM_NAMES
        ]
        for code in CATEGORIES:
            t["menu"].add(station_id=station.pk, code=code, response_hours=24)
        people = rng.sample(residents, self.count(600))
        volunteers: list[int] = []
        for index, person in enumerate(people):
            self.phone += 1
            user = t["user"].add(phone=str(self.phone), name="", password=password, is_active=True)
            t["role"].add(user_id=user, role="volunteer", station_id=station.pk)
            status = "active" if index % 20 else "suspended"
            volunteer = t["volunteer"].add(
                station_id=station.pk,
                person_id=person,
                user_id=user,
                number=f"{station.code}{index:07d}",
                status=status,
                skills=rng.choice(["水电", "护理", "驾驶", "法律", "书法", "理发", ""]),
                availability=rng.randrange(1 << 21),
                political_status="masses",
                consent_version="2026-01",
                consent_at=now,
                channel="import",
                registered_at=now,
            )
            volunteers.append(volunteer)
            for code in rng.sample(CATEGORIES, 2):
                t["category"].add(volunteer_id=volunteer, category=code)
            t["membership"].add(
                team_id=rng.choice(teams), volunteer_id=volunteer, status="active", role="member"
            )
        # Activities over six years, attendance and the hours ledger.
        activities: list[tuple[int, date]] = []
        for index in range(self.count(500)):
            day = self.day()
            starts = aware(day, rng.randint(8, 16))
            activities.append(
                (
                    t["activity"].add(
                        station_id=station.pk,
                        team_id=rng.choice(teams),
                        title=f"志愿服务活动{index + 1}",
                        category=rng.choice(CATEGORIES),
                        description="",
                        place="社区广场",
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=3),
                        capacity=20,
                        responsible_name=self.name(),
                        status="verified",
                        verified_at=starts + timedelta(days=2),
                        created_at=starts - timedelta(days=5),
                    ),
                    day,
                )
            )
        ledger = 0
        for activity, day in activities:
            for volunteer in rng.sample(volunteers, min(len(volunteers), 16)):
                hours = Decimal(rng.choice(["2.00", "2.50", "3.00"]))
                t["attendance"].add(
                    activity_id=activity,
                    volunteer_id=volunteer,
                    checked_in_at=aware(day, 9),
                    checkin_method="qr",
                    checked_out_at=aware(day, 12),
                    checkout_method="qr",
                    hours=hours,
                )
                t["ledger"].add(
                    volunteer_id=volunteer,
                    account="hours",
                    kind="activity",
                    amount=hours,
                    served_on=day,
                    activity_id=activity,
                    description="志愿服务活动",
                    source_key=f"county-a{activity}-v{volunteer}",
                    created_at=aware(day, 18),
                )
                ledger += 1
        while ledger < self.count(40000):
            day = self.day()
            volunteer = rng.choice(volunteers)
            account = rng.choice(["points", "timebank", "hours"])
            # Points: earned for service, some spent in the 爱心超市.
            kind, amount = "adjustment", Decimal(rng.randint(1, 6))
            if account == "points":
                kind = "earn" if rng.random() < 0.8 else "redeem"
                amount = amount * 10 if kind == "earn" else -amount * 5
            t["ledger"].add(
                volunteer_id=volunteer,
                account=account,
                kind=kind,
                amount=amount,
                served_on=day,
                description="补录",
                reason="补录",
                source_key=f"county-{station.code}-{ledger}",
                created_at=aware(day, 18),
            )
            ledger += 1
        # Service requests over six years, most of them served and rated.
        for _ in range(self.count(4000)):
            day = self.day()
            submitted = aware(day, rng.randint(8, 19), rng.randint(0, 59))
            volunteer = rng.choice(volunteers)
            fate = rng.random()
            fields: dict[str, Any] = {}
            status = "rated"
            if fate < 0.05:
                status, fields = "rejected", {"closed_at": submitted + timedelta(hours=2)}
            elif fate < 0.1:
                status, fields = "cancelled", {"closed_at": submitted + timedelta(hours=1)}
            else:
                dispatched = submitted + timedelta(minutes=rng.randint(5, 600))
                accepted = dispatched + timedelta(minutes=rng.randint(1, 240))
                completed = accepted + timedelta(hours=rng.randint(1, 30))
                fields = {
                    "dispatch_mode": "volunteer",
                    "dispatch_volunteer_id": volunteer,
                    "volunteer_id": volunteer,
                    "first_dispatched_at": dispatched,
                    "dispatched_at": dispatched,
                    "accepted_at": accepted,
                    "started_at": accepted + timedelta(minutes=30),
                    "completed_at": completed,
                    "hours": Decimal("1.50"),
                    "hours_confirmed_at": completed + timedelta(hours=2),
                }
                if fate < 0.3:
                    status = "completed"
                else:
                    fields |= {
                        "score": rng.choice([5, 5, 5, 4, 4, 3, 2]),
                        "rated_at": completed + timedelta(days=1),
                        "closed_at": completed + timedelta(days=1),
                    }
            t["request"].add(
                station_id=station.pk,
                channel=rng.choice(["phone", "web", "visit"]),
                requester_name=self.name(),
                resident_id=rng.choice(residents),
                building_id=rng.choice(buildings),
                category=rng.choice(CATEGORIES),
                description="需要上门帮忙",
                status=status,
                submitted_at=submitted,
                **fields,
            )
        elders = residents[: self.count(400)]
        self.canteen(station, elders)
        self.daycare(station, elders)
        self.study_room(station, residents)

    def canteen(self, station: Any, elders: list[int]) -> None:
        """The 银龄爱心食堂: a lunch every day of the six years, 30 elders served at it (the
        demo's 12,000 meals a year)."""
        rng, t = self.rng, self.tables
        day = self.first_day
        while day < self.today:
            served = aware(day, 11, 30)
            menu = t["menu_day"].add(
                station_id=station.pk, date=day, meal="lunch", dishes=["米饭", "青菜", "红烧肉"],
                price=Decimal("12.00"), notes=[], cutoff_at=aware(day, 9), created_at=served,
                updated_at=served,
            )  # fmt: skip
            for resident in rng.sample(elders, min(len(elders), self.count(30))):
                t["meal"].add(
                    station_id=station.pk, menu_id=menu, resident_id=resident, date=day,
                    meal="lunch", mode=rng.choice(["dine_in", "dine_in", "pickup", "delivery"]),
                    channel="counter", status="served", price=Decimal("12.00"),
                    subsidy=Decimal("0.00"), payable=Decimal("12.00"), age=rng.randint(60, 90),
                    ordered_at=aware(day, 8), served_at=served,
                )  # fmt: skip
            day += timedelta(days=1)

    def daycare(self, station: Any, elders: list[int]) -> None:
        """An elderly day-care centre with 30 members, 20 of them in on each weekday."""
        rng, t = self.rng, self.tables
        centre = t["centre"].add(
            station_id=station.pk, name=f"{station.name[:8]}日间照料中心", kind="elderly",
            opened_on=self.first_day, capacity=40, opening_hours="8:00–17:00",
            created_at=aware(self.first_day, 8),
        )  # fmt: skip
        members = {
            resident: t["member"].add(
                centre_id=centre,
                resident_id=resident,
                status="active",
                applied_on=self.first_day,
                joined_on=self.first_day,
                fee_tier="low",
                created_at=aware(self.first_day, 9),
                updated_at=aware(self.first_day, 9),
            )  # fmt: skip
            for resident in elders[: self.count(30)]
        }
        day = self.first_day
        while day < self.today:
            if day.weekday() < 5:
                for resident in rng.sample(list(members), min(len(members), self.count(20))):
                    t["stay"].add(
                        centre_id=centre, membership_id=members[resident], resident_id=resident,
                        day=day, in_at=aware(day, 8, 30), out_at=aware(day, 16, 30),
                        in_method="card", out_method="card",
                    )  # fmt: skip
            day += timedelta(days=1)

    def study_room(self, station: Any, residents: list[int]) -> None:
        """A 午间微学堂 with 15 pupils, 10 of them in on each school day."""
        rng, t = self.rng, self.tables
        room = t["room"].add(
            station_id=station.pk, name=f"{station.name[:8]}午间微学堂",
            opens_at=clock(11, 30), closes_at=clock(13, 30), still_in_alert_at=clock(13, 45),
            retention_days=180, created_at=aware(self.first_day, 8),
        )  # fmt: skip
        pupils = [
            t["pupil"].add(
                room_id=room,
                resident_id=resident,
                school="实验小学",
                grade=rng.randint(1, 6),
                status="active",
                channel="paper",
                enrolled_on=self.first_day,
            )  # fmt: skip
            for resident in residents[-self.count(15) :]
        ]
        day = self.first_day
        while day < self.today:
            if day.weekday() < 5 and day.month not in (7, 8):
                for pupil in rng.sample(pupils, min(len(pupils), self.count(10))):
                    t["room_day"].add(
                        room_id=room, pupil_id=pupil, day=day, in_at=aware(day, 11, 40),
                        out_at=aware(day, 13, 20), out_method="chosen",
                    )  # fmt: skip
            day += timedelta(days=1)

    def finish(self) -> dict[str, int]:
        for rows in self.tables.values():
            rows.finish()
        return {name: rows.written for name, rows in self.tables.items()}


def build(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    if args.template:
        copy_database(
            urlunsplit(urlsplit(args.database_url)._replace(path=f"/{args.template}")),
            args.database_url,
        )
        print(f"copied {args.template}: {time.perf_counter() - started:.1f} s", flush=True)
    setup_django(args.database_url, args.data_dir)
    from django.db import connection, transaction

    from linli.org.actions import station_create
    from linli.org.models import Station
    from linli.reports import monthly
    from linli.stats.rollups import refresh_rollups

    center = Station.objects.get(code=args.center)
    county = County(args.scale)
    institutes = max(1, args.stations // 5)
    made = 0
    with transaction.atomic():
        for number in range(institutes):
            institute = station_create(
                code=f"CTY{number + 1:02d}",
                name=f"第{number + 1}镇新时代文明实践所",
                kind=Station.Kind.INSTITUTE,
                parent=center,
                actor=None,
            )
            for index in range(args.stations // institutes):
                station = station_create(
                    code=f"CTY{number + 1:02d}-{index + 1:02d}",
                    name=f"第{number + 1}镇第{index + 1}社区新时代文明实践站",
                    kind=Station.Kind.STATION,
                    parent=institute,
                    actor=None,
                )
                county.station(station)
                made += 1
                print(
                    f"  {station.code}: {made}/{args.stations} "
                    f"({time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
        written = county.finish()
    print("written: " + ", ".join(f"{name} {count}" for name, count in written.items()))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    refreshed = refresh_rollups()
    print(f"rollups: {refreshed} rows")
    stations = list(Station.objects.values_list("pk", flat=True))
    monthly.refresh(stations, range(county.first_day.year, county.today.year + 1))
    print(f"kept monthly figures: {time.perf_counter() - started:.0f} s")
    totals = {
        "stations": Station.objects.filter(kind=Station.Kind.STATION).count(),
        **{
            name: table.model.objects.count()
            for name, table in county.tables.items()
            if name
            in (
                "resident",
                "volunteer",
                "ledger",
                "request",
                "activity",
                "attendance",
                "meal",
                "stay",
                "room_day",
            )
        },
    }
    print("county: " + ", ".join(f"{name} {count}" for name, count in totals.items()))
    print(f"built in {time.perf_counter() - started:.0f} s")


# --- reading ----------------------------------------------------------------------------------------


def role_reads() -> list[tuple[str, str, str, str]]:
    """(role, label, path, kind) of each role's main reads."""
    from django.utils import timezone

    from linli.assistance.models import ServiceRequest
    from linli.org.models import Station

    waiting = (
        ServiceRequest.objects.filter(station__code="JIAOJIA", status="submitted")
        .order_by("-submitted_at")
        .values_list("pk", flat=True)
        .first()
    )
    center = Station.objects.get(code="DANGTU")
    reads = [
        ("supervisor", "GET /api/v1/stats/summary", "/api/v1/stats/summary", "api"),
        (
            "supervisor",
            "GET /api/v1/stats/summary?year",
            f"/api/v1/stats/summary?year={timezone.localdate().year}",
            "api",
        ),
        ("supervisor", "GET /api/v1/activities", "/api/v1/activities?limit=20", "api"),
        ("supervisor", "GET /api/v1/volunteers", "/api/v1/volunteers?limit=50", "api"),
        ("supervisor", "GET /api/v1/residents", "/api/v1/residents?limit=50", "api"),
        ("supervisor", "GET /api/v1/service-requests", "/api/v1/service-requests?limit=50", "api"),
        ("supervisor", "activities page", "/activities/", "page"),
        ("supervisor", "residents page", "/residents/", "page"),
        ("supervisor", "volunteers page", "/volunteers/", "page"),
        ("supervisor", "dispatch board", "/requests/board/", "page"),
        ("supervisor", "station page", f"/stations/{center.code}/", "page"),
        ("staff", "GET /api/v1/me", "/api/v1/me", "api"),
        ("staff", "GET /api/v1/stats/summary", "/api/v1/stats/summary", "api"),
        ("staff", "GET /api/v1/activities", "/api/v1/activities?limit=20", "api"),
        ("staff", "GET /api/v1/volunteers", "/api/v1/volunteers?limit=50", "api"),
        ("staff", "activities page", "/activities/", "page"),
        ("staff", "residents page", "/residents/", "page"),
        ("staff", "volunteers page", "/volunteers/", "page"),
        ("staff", "dispatch board", "/requests/board/", "page"),
        ("volunteer", "GET /api/v1/me", "/api/v1/me", "api"),
        ("volunteer", "activities page", "/activities/", "page"),
        ("volunteer", "my hours page", "/activities/my-hours/", "page"),
        ("volunteer", "my tasks page", "/requests/tasks/", "page"),
        ("resident", "my requests page", "/requests/mine/", "page"),
    ]
    if waiting is not None:
        reads.append(("staff", "request page", f"/requests/{waiting}/", "page"))
    return reads


def credentials() -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    from bench.reads import credentials as login

    phones = {
        "supervisor": SUPERVISOR_PHONE,
        "staff": STAFF_PHONE,
        "volunteer": VOLUNTEER_PHONE,
        "resident": RESIDENT_PHONE,
    }
    return {role: login(phone) for role, phone in phones.items()}


def measure(database_url: str, data_dir: str, args: argparse.Namespace) -> dict[str, Figures]:
    """Serve one database and read each path `--count` times, one at a time, after a warm-up.
    Runs in a child process (one Django setup per database)."""
    import subprocess

    output = Path(data_dir) / f"county-{urlsplit(database_url).path.strip('/')}.json"
    subprocess.run(  # noqa: S603
        [sys.executable, __file__, "_measure", "--database-url", database_url,
         "--data-dir", data_dir, "--count", str(args.count), "--port", str(args.port),
         "--output", str(output)],
        check=True,
    )  # fmt: skip
    import json

    results = {}
    for key, (latencies, errors) in json.loads(output.read_text()).items():
        results[key] = Figures(latencies=latencies, seconds=sum(latencies), errors=errors)
    return results


def measure_here(args: argparse.Namespace) -> None:
    import json

    setup_django(args.database_url, args.data_dir)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    logins = credentials()
    reads = role_reads()
    env = {"DATABASE_URL": args.database_url, "LINLI_DATA_DIR": args.data_dir}
    results: dict[str, Any] = {}
    with serve(env, workers=2, port=args.port):
        load = Load(args.port, connections=2, processes=1)
        try:
            for role, label, path, kind in reads:
                api, page = logins[role]
                headers = api if kind == "api" else page
                load.sequential(path, headers, 3, Figures())  # warm-up
                figures = Figures()
                load.sequential(path, headers, args.count, figures)
                results[f"{role}|{label}"] = (figures.latencies, figures.errors)
        finally:
            load.close()
    Path(args.output).write_text(json.dumps(results))


def bench(args: argparse.Namespace) -> None:
    demo = measure(args.demo_url, args.data_dir, args)
    county = measure(args.county_url, args.data_dir, args)
    rows = [["role", "read", "demo p50", "demo p95", "county p50", "county p95", "×", "target"]]
    failed = False
    for key in county:
        role, label = key.split("|")
        before, after = demo.get(key), county[key]
        if before is None:
            continue
        ratio = after.p95 / before.p95 if before.p95 else float("nan")
        if role == "supervisor":
            target = f"p95 < {SUMMARY_TARGET_MS:.0f} ms"
            missed = after.p95 >= SUMMARY_TARGET_MS
        elif role == "staff":
            target = f"≤ {STATION_SLOWDOWN}×"
            missed = ratio > STATION_SLOWDOWN
        else:
            target, missed = "", False
        missed = missed or after.errors > 0 or before.errors > 0
        failed |= missed
        rows.append(
            [
                role,
                label,
                f"{before.p50:.1f}",
                f"{before.p95:.1f}",
                f"{after.p50:.1f}",
                f"{after.p95:.1f}",
                f"{ratio:.2f}",
                target + (" ✗" if missed else ""),
            ]
        )
    print(f"\nms, {args.count} sequential requests per read after a warm-up, gunicorn --workers 2")
    print(table(rows))
    raise SystemExit(1 if failed else 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    building = commands.add_parser("build")
    building.add_argument("--database-url", required=True)
    building.add_argument("--data-dir", required=True, help="the demo's LINLI_DATA_DIR")
    building.add_argument("--template", help="the demo's database, copied first")
    building.add_argument("--center", default="DANGTU")
    building.add_argument("--stations", type=int, default=50)
    building.add_argument("--scale", type=float, default=1.0)
    reading = commands.add_parser("bench")
    reading.add_argument("--demo-url", required=True)
    reading.add_argument("--county-url", required=True)
    reading.add_argument("--data-dir", required=True)
    reading.add_argument("--count", type=int, default=40)
    reading.add_argument("--port", type=int, default=8766)
    inner = commands.add_parser("_measure")
    inner.add_argument("--database-url", required=True)
    inner.add_argument("--data-dir", required=True)
    inner.add_argument("--count", type=int, default=40)
    inner.add_argument("--port", type=int, default=8766)
    inner.add_argument("--output", required=True)
    args = parser.parse_args()
    {"build": build, "bench": bench, "_measure": measure_here}[args.command](args)


if __name__ == "__main__":
    main()
