"""The station dashboard, the supervisors' roll-up and the annual report on the county (issue 17).

    # the county of bench/county.py (its build counts the kept monthly figures at the end)
    uv run python bench/dashboard.py --database-url postgres://…/linli_county --data-dir DIR

Serves the database with `gunicorn --workers 2` (bench.served_settings: Linli plus the bare view
`/bench/bare/`, a Django view reading 20 rows) and reads as the county's supervisor (陈建国, of
the 中心, who may open every station): after a warm-up, `--rounds` rounds in which every read runs
`--count` times one request at a time, the bare view among them, so each read is measured under
the same conditions as the trivial endpoint. Prints p50 and p95 per read, and the target (p95 <
300 ms for the dashboards and the roll-ups). Then, in this process, builds the annual report
(PDF and xlsx, as the background task does) of a county station, of a 所 and of the 中心, each
timed (target < 5 s), and times the first dashboard read after a write (the station's year
counted again). Prints the load average before and after: the machine may be shared.
Exit status 1 if a target is missed or a read errs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.county import SUPERVISOR_PHONE, setup_django  # noqa: E402
from bench.loadgen import Figures, Load, serve, table  # noqa: E402

PAGE_TARGET_MS = 300.0
BUILD_TARGET_S = 5.0


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores)"


def reads(station: str, institute: str, center: str) -> list[tuple[str, str, bool]]:
    """(label, path, has the 300 ms target) of the reads measured."""
    return [
        ("bare view (20 rows)", "/bench/bare/", False),
        (f"dashboard {station}, this year", f"/reports/{station}/", True),
        (f"dashboard {station}, last year", f"/reports/{station}/?year={last_year()}", True),
        ("dashboard JIAOJIA (the demo's), this year", "/reports/JIAOJIA/", True),
        (f"roll-up {institute} (所), this month", f"/reports/{institute}/rollup/", True),
        (f"roll-up {center} (中心), this month", f"/reports/{center}/rollup/", True),
        (
            f"roll-up {center} (中心), the year",
            f"/reports/{center}/rollup/?period=year",
            True,
        ),
        (f"public page /s/{station}/ (anonymous)", f"/s/{station}/", False),
    ]


def last_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year - 1


def measure_pages(args: argparse.Namespace) -> tuple[list[list[str]], bool]:
    from bench.reads import credentials

    _api, page = credentials(SUPERVISOR_PHONE)
    env = {"DATABASE_URL": args.database_url, "LINLI_DATA_DIR": args.data_dir}
    measured = reads(args.station, args.institute, args.center)
    figures = {label: Figures() for label, _path, _target in measured}
    with serve(env, workers=2, port=args.port):
        load = Load(args.port, connections=1, processes=1)
        try:
            for _label, path, _target in measured:  # warm-up
                headers = {} if path.startswith("/s/") else page
                load.sequential(path, headers, 3, Figures())
            for round_number in range(args.rounds):
                print(f"round {round_number + 1}/{args.rounds} …", flush=True)
                for label, path, _target in measured:
                    headers = {} if path.startswith("/s/") else page
                    load.sequential(path, headers, args.count, figures[label])
        finally:
            load.close()
    rows = [["read", "p50 ms", "p95 ms", "target", "errors"]]
    failed = False
    for label, _path, target in measured:
        found = figures[label]
        missed = target and found.p95 >= PAGE_TARGET_MS
        failed |= missed or found.errors > 0
        rows.append(
            [
                label,
                f"{found.p50:.1f}",
                f"{found.p95:.1f}",
                (f"p95 < {PAGE_TARGET_MS:.0f} ms" + (" ✗" if missed else "")) if target else "",
                str(found.errors),
            ]
        )
    return rows, failed


def build_reports(args: argparse.Namespace) -> tuple[list[list[str]], bool]:
    """Each report built as the background task builds it, timed; the station's also with its
    kept figures forgotten first (a cold year: counted from the rows inside the build)."""
    from django.utils import timezone

    from linli.org.models import Station
    from linli.reports.actions import report_build
    from linli.reports.models import FigureYear, ReportBuild
    from linli.reports.periods import Period

    rows = [["report", "seconds", "PDF pages, kB", "xlsx kB", "target"]]
    failed = False
    year = timezone.localdate().year
    cases = [
        (args.station, Period(year - 1, "year"), False),
        (args.station, Period(year, "year"), False),
        (args.station, Period(year - 1, "year"), True),
        (args.institute, Period(year - 1, "year"), False),
        (args.institute, Period(year, f"m{timezone.localdate().month}"), False),
        (args.center, Period(year - 1, "year"), False),
    ]
    for code, period, cold in cases:
        station = Station.objects.get(code=code)
        if cold:
            reach = Station.objects.filter(path__startswith=station.path)
            FigureYear.objects.filter(station__in=reach, year=period.year).delete()
        ReportBuild.objects.filter(station=station, year=period.year, part=period.part).delete()
        build = ReportBuild.objects.create(
            station=station, year=period.year, part=period.part, status="queued"
        )
        started = time.perf_counter()
        report_build(build)
        seconds = time.perf_counter() - started
        pdf = bytes(build.pdf)
        pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        missed = seconds >= BUILD_TARGET_S
        failed |= missed
        label = f"{code} {period.label}" + ("（年度数字先全部重算）" if cold else "")
        rows.append(
            [
                label,
                f"{seconds:.2f}",
                f"{pages}, {len(pdf) // 1024}",
                f"{len(bytes(build.xlsx)) // 1024}",
                f"< {BUILD_TARGET_S:.0f} s" + (" ✗" if missed else ""),
            ]
        )
    return rows, failed


def recount_after_write(args: argparse.Namespace) -> list[list[str]]:
    """The first dashboard read after a write to the station's year counts that year again."""
    from django.test import Client
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.org.models import Station
    from linli.reports import monthly

    station = Station.objects.get(code=args.station)
    client = Client()
    client.force_login(User.objects.get(phone=SUPERVISOR_PHONE))
    path = f"/reports/{station.code}/"
    rows = [["read (in process)", "ms"]]
    client.get(path, HTTP_HOST="localhost")
    started = time.perf_counter()
    client.get(path, HTTP_HOST="localhost")
    rows.append(["dashboard, warm", f"{(time.perf_counter() - started) * 1000:.1f}"])
    monthly.mark_stale([(station.pk, timezone.now())])
    started = time.perf_counter()
    client.get(path, HTTP_HOST="localhost")
    rows.append(
        [
            "dashboard, its year stale (counted again)",
            f"{(time.perf_counter() - started) * 1000:.1f}",
        ]
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--station", default="CTY01-01")
    parser.add_argument("--institute", default="CTY01")
    parser.add_argument("--center", default="DANGTU")
    parser.add_argument("--count", type=int, default=10, help="requests per read per round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()

    os.environ["LINLI_REQUIRE_2FA"] = "0"
    os.environ["LINLI_HTTPS"] = "0"
    setup_django(args.database_url, args.data_dir)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    before = load_average()
    pages, pages_failed = measure_pages(args)
    builds, builds_failed = build_reports(args)
    recounts = recount_after_write(args)
    print(f"\nbefore: {before}; after: {load_average()}")
    print(
        f"\nms, {args.rounds} rounds × {args.count} sequential requests per read after a warm-up, "
        "gunicorn --workers 2, PostgreSQL, as the 中心's supervisor"
    )
    print(table(pages))
    print("\nannual (and monthly) reports, built as the background task builds them")
    print(table(builds))
    print()
    print(table(recounts))
    raise SystemExit(1 if pages_failed or builds_failed else 0)


if __name__ == "__main__":
    main()
