"""Time `suggest_volunteers` among 10,000 volunteers, and print its query count.

    uv run python bench/suggest_10000.py [--volunteers 10000] [--runs 20] [--keep]
    uv run python bench/suggest_10000.py --database-url postgres://postgres@127.0.0.1:5432/linli_bench

A station of 9 estates and 89 buildings, its menu and teams, and `--volunteers` active volunteers
(plus some suspended and pending) living in households across the estates, with random service
categories, skills, availability, team memberships, training, open requests and past ratings.
The generator writes with bulk_create; the suggestions are the function the pages, the API and
the timers call. Each request is suggested for once to warm up, then `--runs` times; the median
and the worst are printed. Target: median under 100 ms for every request.

SQLite runs in a fresh data directory, removed afterwards unless `--keep`. DATABASE_URL is
ignored, as in the other benchmarks; `--database-url` names a PostgreSQL database that must not
exist yet: it is created for the run and dropped afterwards unless `--keep`.
Exit status 1 if a median is 100 ms or more.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

TARGET_MS = 100.0
ESTATES = {  # 9 estates, 89 buildings: the community of SPEC §1
    "金桥花园": 14, "焦家小区": 12, "姑孰新村": 10, "青山苑": 9, "采石家园": 10,
    "太白雅苑": 8, "护河新城": 10, "江南明珠": 8, "工业园公寓": 8,
}  # fmt: skip
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏"
)
GIVEN = "秀英桂兰芳敏静丽强磊军洋勇艳杰娟涛明超霞平刚玉华建国志伟德文红梅春燕海波宇浩子涵梓轩"
SKILLS = ["水电", "维修", "电工", "护理", "驾驶", "法律", "心理咨询", "书法", "厨艺", "理发",
          "家电维修", "摄影", "教学", "医疗", "计算机", "舞蹈", "唱歌", ""]  # fmt: skip
CATEGORIES = ["community", "elderly_disabled", "education", "health", "legal", "culture",
              "science", "environment", "safety", "civility", "family"]  # fmt: skip
TEAMS = ["党员志愿服务队", "“百姓保姆”志愿服务队", "巾帼志愿服务队", "科普宣传志愿服务队",
         "妇女计生志愿服务队", "法律援助志愿服务队", "助残帮困志愿服务队", "文体志愿服务队"]  # fmt: skip


def postgres_admin_url(database_url: str) -> tuple[str, str]:
    """The server's maintenance database URL, and the name of the benchmark's database."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def create_postgres_database(database_url: str) -> None:
    import psycopg

    admin_url, name = postgres_admin_url(database_url)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            raise SystemExit(f"database {name} exists already: pick another name or drop it")
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_postgres_database(database_url: str) -> None:
    import psycopg

    admin_url, name = postgres_admin_url(database_url)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(data_dir: Path, database_url: str | None) -> None:
    os.environ["LINLI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("LINLI_SECRET_KEY", "bench-secret-key-" + "x" * 40)
    os.environ["LINLI_HTTPS"] = "0"
    for name in ("DATABASE_URL", "REDIS_URL", "LINLI_FIELD_KEYS"):
        os.environ.pop(name, None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Nothing here queues work for a worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("migrate", verbosity=0)


def make_station() -> dict[str, Any]:
    """The station, its estates and buildings, teams, the law course and the service menu."""
    from linli.assistance.actions import MenuItemInput, menu_category_save, menu_item_save
    from linli.org.actions import station_create
    from linli.org.models import Building, Estate
    from linli.teams.models import Team
    from linli.volunteers.actions.training import course_create, session_create

    center = station_create(code="DANGTU", name="当涂县新时代文明实践中心", kind="center",
                            parent=None, actor=None)  # fmt: skip
    station = station_create(code="JIAOJIA", name="焦家社区实践站", kind="station",
                             parent=center, actor=None)  # fmt: skip
    # No action writes estates yet (they are seeded with the station): created directly here.
    for name, buildings in ESTATES.items():
        estate = Estate.objects.create(station=station, name=name)
        Building.objects.bulk_create(
            Building(estate=estate, number=str(number), unit_count=3)
            for number in range(1, buildings + 1)
        )
    teams = {name: Team.objects.create(station=station, name=name) for name in TEAMS}
    law_course = course_create(
        station=station, name="法律援助基础", hours=4, organizer="县司法局", actor=None
    )
    session = session_create(course=law_course, held_on=date(2025, 3, 1), actor=None)
    community = menu_category_save(station=station, code="community", response_hours=4,
                                   teams=[teams["党员志愿服务队"]], actor=None)  # fmt: skip
    elderly = menu_category_save(station=station, code="elderly_disabled", response_hours=2,
                                 teams=[teams["“百姓保姆”志愿服务队"], teams["助残帮困志愿服务队"]],
                                 actor=None)  # fmt: skip
    legal = menu_category_save(station=station, code="legal", response_hours=24,
                               teams=[teams["法律援助志愿服务队"]], actor=None)  # fmt: skip
    items = {
        "repair": menu_item_save(category=community, data=MenuItemInput(
            name="水电维修", skills="水电 维修", keywords="漏水 水管"), actor=None),
        "errands": menu_item_save(category=community, data=MenuItemInput(
            name="代买代办", keywords="代买 买菜"), actor=None),
        "escort": menu_item_save(category=elderly, data=MenuItemInput(
            name="陪同就医", skills="护理 驾驶", keywords="看病 医院"), actor=None),
        "legal": menu_item_save(category=legal, data=MenuItemInput(
            name="法律咨询", skills="法律", keywords="律师 纠纷",
            required_course_id=law_course.pk), actor=None),
    }  # fmt: skip
    return {"station": station, "teams": teams, "session": session, "items": items}


def make_volunteers(setting: dict[str, Any], count: int, rng: random.Random) -> None:
    """`count` active volunteers (and a tenth more not active), with everything they bring."""
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.org.models import Building
    from linli.people.models import Household, Resident
    from linli.teams.models import TeamMembership
    from linli.volunteers.models import (
        FULL_AVAILABILITY,
        TrainingAttendance,
        Volunteer,
        VolunteerCategory,
    )

    station = setting["station"]
    now = timezone.now()
    buildings = list(Building.objects.filter(estate__station=station).values_list("pk", flat=True))
    flats = {(rng.choice(buildings), rng.randint(1, 3), rng.randint(1, 6) * 100 + rng.randint(1, 4))
             for _ in range(count // 2)}  # fmt: skip
    households = Household.objects.bulk_create(
        Household(station=station, building_id=building, unit=str(unit), room=str(room))
        for building, unit, room in sorted(flats)
    )
    total = count + count // 10
    statuses = [Volunteer.Status.ACTIVE] * count + [
        rng.choice([Volunteer.Status.SUSPENDED, Volunteer.Status.PENDING, Volunteer.Status.LEFT])
        for _ in range(total - count)
    ]
    rng.shuffle(statuses)
    names = [
        SURNAMES[rng.randrange(len(SURNAMES))]
        + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        for _ in range(total)
    ]
    users = User.objects.bulk_create(
        User(phone=f"138{index:08d}", name=names[index], password="!bench")  # noqa: S106
        for index in range(total)
    )
    people = Resident.objects.bulk_create(
        Resident(
            station=station,
            # One in five comes from outside the community (no household).
            household=rng.choice(households) if rng.random() < 0.8 else None,
            user=users[index],
            name=names[index],
            name_pinyin=f"bench{index:06d}",
            name_initials="b",
            gender=rng.choice("MF"),
            birth_date=date(1950, 1, 1) + timedelta(days=rng.randrange(20000)),
            status=Resident.Status.LIVING,
        )
        for index in range(total)
    )
    volunteers = Volunteer.objects.bulk_create(
        Volunteer(
            station=station,
            person=people[index],
            user=users[index],
            number=f"JIAOJIA2025{index + 1:05d}",
            status=statuses[index],
            skills=" ".join(sorted(set(rng.sample(SKILLS, rng.randint(0, 3))))),
            availability=rng.randrange(FULL_AVAILABILITY + 1),
            consent_version="bench",
            consent_at=now,
            channel=Volunteer.Channel.IMPORT,
        )
        for index in range(total)
    )
    VolunteerCategory.objects.bulk_create(
        VolunteerCategory(volunteer=volunteer, category=category)
        for volunteer in volunteers
        for category in rng.sample(CATEGORIES, rng.randint(1, 3))
    )
    teams = list(setting["teams"].values())
    TeamMembership.objects.bulk_create(
        TeamMembership(volunteer=volunteer, team=team, status=TeamMembership.Status.ACTIVE)
        for volunteer in volunteers
        if rng.random() < 0.3
        for team in rng.sample(teams, rng.randint(1, 2))
    )
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(session=setting["session"], volunteer=volunteer, hours=4)
        for volunteer in volunteers
        if rng.random() < 0.08
    )
    setting["active"] = [v for v in volunteers if v.status == Volunteer.Status.ACTIVE]
    setting["buildings"] = buildings


def make_history(setting: dict[str, Any], rng: random.Random) -> tuple[int, int]:
    """Past rated requests (two per active volunteer on average) and open ones (one in six
    volunteers holds one to three)."""
    from django.utils import timezone

    from linli.assistance.models import Channel, RequestStatus, ServiceRequest

    station, active, items = setting["station"], setting["active"], list(setting["items"].values())
    now = timezone.now()
    rows = []
    for _ in range(len(active) * 2):
        item = rng.choice(items)
        submitted = now - timedelta(days=rng.randint(2, 900))
        rows.append(
            ServiceRequest(
                station=station,
                channel=Channel.PHONE,
                requester_name="居民",
                category=item.category.code,
                item=item,
                description="历史服务",
                status=RequestStatus.RATED,
                volunteer=rng.choice(active),
                submitted_at=submitted,
                completed_at=submitted + timedelta(hours=3),
                hours=2,
                score=rng.choices([5, 4, 3, 2, 1], weights=[60, 25, 8, 4, 3])[0],
            )
        )
    history = len(rows)
    for volunteer in active:
        if rng.random() < 1 / 6:
            for _ in range(rng.randint(1, 3)):
                item = rng.choice(items)
                rows.append(
                    ServiceRequest(
                        station=station,
                        channel=Channel.WEB,
                        requester_name="居民",
                        category=item.category.code,
                        item=item,
                        description="进行中的服务",
                        status=rng.choice([RequestStatus.ACCEPTED, RequestStatus.IN_SERVICE]),
                        volunteer=volunteer,
                        submitted_at=now - timedelta(hours=rng.randint(1, 48)),
                    )
                )
    ServiceRequest.objects.bulk_create(rows, batch_size=2000)
    return history, len(rows) - history


def next_saturday_morning() -> datetime:
    from django.utils import timezone

    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    return datetime(
        saturday.year, saturday.month, saturday.day, 9, 30, tzinfo=timezone.get_current_timezone()
    )


def make_requests(setting: dict[str, Any]) -> list[tuple[str, Any]]:
    """The requests to suggest volunteers for, submitted as a resident's would be."""
    from linli.assistance.actions import RequestInput, request_submit

    station, items, building = setting["station"], setting["items"], setting["buildings"][5]
    wanted = [
        ("水电维修，周六上午，指定楼栋", RequestInput(
            category="community", item_id=items["repair"].pk, description="厨房水管漏水",
            requester_name="王秀梅", building_id=building, unit="2", room="502",
            preferred_at=next_saturday_morning())),
        ("陪同就医，无时间", RequestInput(
            category="elderly_disabled", item_id=items["escort"].pk, description="陪同去县医院",
            requester_name="李建国", building_id=setting["buildings"][40])),
        ("法律咨询（须培训）", RequestInput(
            category="legal", item_id=items["legal"].pk, description="欠薪纠纷咨询",
            requester_name="张志强", building_id=building, preferred_at=next_saturday_morning())),
        ("社区服务，无项目无地址", RequestInput(
            category="community", description="帮忙搬东西", requester_name="赵大爷")),
    ]  # fmt: skip
    return [
        (label, request_submit(station=station, data=data, channel="phone", actor=None))
        for label, data in wanted
    ]


def time_suggestions(service_request: Any, runs: int) -> tuple[list[float], int, list[Any]]:
    """Milliseconds of each run after one warm-up, the query count, and the last answer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linli.assistance.suggestions import suggest_volunteers

    suggest_volunteers(service_request, limit=10)
    with CaptureQueriesContext(connection) as queries:
        suggestions = suggest_volunteers(service_request, limit=10)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        suggestions = suggest_volunteers(service_request, limit=10)
        times.append((time.perf_counter() - started) * 1000)
    return times, len(queries), suggestions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", help="a PostgreSQL database to create, use and drop")
    parser.add_argument("--keep", action="store_true", help="keep the data directory / database")
    options = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="linli-bench-suggest-"))
    if options.database_url:
        create_postgres_database(options.database_url)
    try:
        setup_django(data_dir, options.database_url)
        from django.db import connection, transaction

        rng = random.Random(2026)
        started = time.perf_counter()
        with transaction.atomic():
            setting = make_station()
            make_volunteers(setting, options.volunteers, rng)
            history, open_requests = make_history(setting, rng)
            requests = make_requests(setting)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        generated = time.perf_counter() - started
        # Wall-clock times: on a machine busy with other work they grow with the load.
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"load average {load} on {os.cpu_count()} CPUs")
        print(f"database: {connection.vendor}  generated in {generated:.1f} s: "
              f"{len(setting['active'])} active volunteers (+{options.volunteers // 10} not "
              f"active), {history} rated and {open_requests} open requests")  # fmt: skip
        medians = []
        for label, service_request in requests:
            times, query_count, suggestions = time_suggestions(service_request, options.runs)
            median = statistics.median(times)
            medians.append(median)
            print(f"\n{label}: median {median:.1f} ms, max {max(times):.1f} ms "
                  f"({options.runs} runs), {query_count} queries")  # fmt: skip
            for suggestion in suggestions[:3]:
                print(f"  {suggestion.score:5.1f}  {suggestion.name}  "
                      f"{'，'.join(suggestion.reasons)}")  # fmt: skip
        worst = max(medians)
        verdict = "PASS" if worst < TARGET_MS else "FAIL"
        print(f"\n{verdict}: the slowest median is {worst:.1f} ms "
              f"({'under' if worst < TARGET_MS else 'NOT under'} the {TARGET_MS:.0f} ms target)")  # fmt: skip
        return 0 if worst < TARGET_MS else 1
    finally:
        if options.keep:
            print(f"data kept in {data_dir}" + (f" and {options.database_url}" if options.database_url else ""))  # fmt: skip
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
            if options.database_url:
                from django.db import connections

                connections.close_all()
                drop_postgres_database(options.database_url)


if __name__ == "__main__":
    sys.exit(main())
