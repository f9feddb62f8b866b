"""Check and import a 5,000-row resident sheet on SQLite, and print how long each step takes.

    uv run python bench/import_5000.py [--rows 5000] [--keep]

The sheet is what a station really uploads: a title row, synonym headers, families under one
merged address cell, dates in six forms, ID numbers as text. Everything runs in a fresh data
directory (SQLite database and media) that is removed afterwards unless `--keep`. The check and
the commit are the functions the background tasks call (`people.importing.run_import_*`); the
target is under 30 s for both together. Exit status 1 if the import failed or was too slow.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import secrets
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TARGET_SECONDS = 30.0
ESTATES = {  # 9 estates, 89 buildings: the community of SPEC §1
    "金桥花园": 14, "焦家小区": 12, "姑孰新村": 10, "青山苑": 9, "采石家园": 10,
    "太白雅苑": 8, "护河新城": 10, "江南明珠": 8, "工业园公寓": 8,
}  # fmt: skip
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏"
)
GIVEN = "秀英桂兰芳敏静丽强磊军洋勇艳杰娟涛明超霞平刚玉华建国志伟德文红梅春燕海波宇浩子涵梓轩"
RELATIONS_AFTER_HEAD = ["配偶", "子女", "孙辈", "父母", "儿媳/女婿"]


def setup_django(data_dir: Path) -> None:
    os.environ["LINLI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("LINLI_SECRET_KEY", "bench-secret-key-" + "x" * 40)
    os.environ["LINLI_HTTPS"] = "0"
    for name in ("DATABASE_URL", "REDIS_URL", "LINLI_FIELD_KEYS"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # The benchmark calls the task functions itself: nothing is queued for a worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("migrate", verbosity=0)


def make_station() -> tuple[object, object]:
    from linli.accounts import actions as account_actions
    from linli.accounts.models import Role
    from linli.org.actions import station_create
    from linli.org.models import Building, Estate

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
    user = account_actions.user_create(
        phone="13900009999", password=secrets.token_urlsafe(16), name="社工", actor=None
    )
    account_actions.role_grant(user=user, role=Role.STATION_STAFF, station=station, actor=None)
    return station, user


def birth_text(born: date, style: int) -> object:
    return [
        born,
        f"{born:%Y.%m.%d}",
        f"{born.year}/{born.month}/{born.day}",
        f"{born.year}-{born.month}-{born.day}",
        f"{born:%Y%m%d}",
        f"{born.year}年{born.month}月{born.day}日",
    ][style % 6]


def make_sheet(rows: int, seed: int = 2026) -> bytes:
    """A roster of `rows` people in families of one to four, as a community worker keeps it."""
    import openpyxl  # type: ignore[import-untyped]

    from linli.core.idcard import make_id_number

    rng = random.Random(seed)
    today = date.today()  # noqa: DTZ011 (a synthetic roster; the calendar day is enough)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["焦家社区居民花名册（2026年）"])
    sheet.merge_cells("A1:L1")
    sheet.append(["序号", "名字", "性别", "出生年月", "公民身份号码", "手机", "家庭住址", "关系",
                  "人员类别", "监护人", "健康状况", "备注"])  # fmt: skip
    estates = [(name, count) for name, count in ESTATES.items()]
    flats: set[tuple[str, int, int, int]] = set()
    person = 0
    while person < rows:
        while True:
            name, buildings = rng.choice(estates)
            flat = (name, rng.randint(1, buildings), rng.randint(1, 3), rng.randint(1, 6) * 100 + rng.randint(1, 4))  # fmt: skip
            if flat not in flats:
                flats.add(flat)
                break
        estate, building, unit, room = flat
        address = (
            f"{estate}{building}栋{unit}单元{room}"
            if person % 2
            else f"{estate} {building}号楼 {unit}单元 {room}室"
        )
        size = min(rng.choice([1, 2, 2, 3, 3, 4]), rows - person)
        first_row = sheet.max_row + 1
        head_name = ""
        for member in range(size):
            # (birth date, sequence) differ for every person: the ID numbers are unique.
            born = date(1935, 1, 1) + timedelta(days=(person * 37) % 30000)
            if member == 0 and born > today - timedelta(days=18 * 366):
                born -= timedelta(days=40 * 365)  # a household's head is an adult (still unique)
            gender = "MF"[rng.randint(0, 1)]
            full_name = SURNAMES[rng.randrange(len(SURNAMES))] + "".join(
                rng.choice(GIVEN) for _ in range(rng.randint(1, 2))
            )
            head_name = head_name or full_name
            age = (today - born).days // 365
            sheet.append(
                [
                    person + 1,
                    full_name,
                    {"M": rng.choice(["男", "M"]), "F": rng.choice(["女", "F"])}[gender],
                    birth_text(born, person),
                    make_id_number("340521", born, person % 500, gender),
                    f"139{person:08d}" if person % 3 else None,
                    address if member == 0 else None,
                    "户主" if member == 0 else rng.choice(RELATIONS_AFTER_HEAD),
                    rng.choice(["", "", "", "独居", "空巢、低收入", "残疾"]) if age >= 60 else "",
                    head_name if age < 18 and member else None,
                    rng.choice(["", "", "高血压", "糖尿病"]) if age >= 60 else "",
                    None,
                ]
            )
            person += 1
        if size > 1:
            sheet.merge_cells(f"G{first_row}:G{first_row + size - 1}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    options = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="linli-bench-import-"))
    try:
        setup_django(data_dir)
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connection

        from linli.people import importing
        from linli.people.models import Household, Resident

        station, user = make_station()
        started = time.perf_counter()
        content = make_sheet(options.rows)
        generated = time.perf_counter() - started
        job = importing.import_job_create(
            station=station,  # type: ignore[arg-type]
            upload=SimpleUploadedFile("焦家社区居民花名册.xlsx", content),
            consent_confirmed=True,
            actor=user,
        )

        started = time.perf_counter()
        job = importing.run_import_check(job.pk)
        checked = time.perf_counter() - started
        print(f"rows: {job.total_rows}  valid: {job.valid_rows}  bad: {job.bad_rows}  "
              f"file: {len(content) / 1024:.0f} KiB  generated in {generated:.2f} s")  # fmt: skip
        for problem in job.report.get("problems", [])[:5]:
            print("  bad row", problem["row"], problem["errors"])
        if not job.can_commit:
            print(f"FAILED: the check found problems ({job.status}: {job.report.get('message')})")
            return 1

        importing.import_job_commit(job=job, actor=user)
        started = time.perf_counter()
        job = importing.run_import_commit(job.pk)
        committed = time.perf_counter() - started
        if job.status != "done":
            print(f"FAILED: {job.report.get('message')}")
            return 1
        total = checked + committed
        print(f"check (dry run):          {checked:6.2f} s")
        print(f"commit (re-check + write): {committed:5.2f} s")
        print(f"check + commit:           {total:6.2f} s  (target < {TARGET_SECONDS:.0f} s)")
        print(f"residents: {Resident.objects.count()}  households: {Household.objects.count()}  "
              f"database: {connection.vendor} {data_dir / 'linli.sqlite3'}")  # fmt: skip
        return 0 if total < TARGET_SECONDS else 1
    finally:
        if options.keep:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
