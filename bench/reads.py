"""The main reads of the issue's table, each next to a bare Django view, in one interleaved run.

    uv run python bench/reads.py --data-dir DIR          # a demo already seeded in DIR (SQLite)
    uv run python bench/reads.py                          # seeds a fresh demo first (slow)
    uv run python bench/reads.py --database-url postgres://…/linli_x   # a seeded PostgreSQL

Serves the demo with `gunicorn --workers 2` (bench.served_settings: Linli plus `/bench/bare/`,
a view reading 20 registry rows), then for `--rounds` rounds runs every read for `--seconds`
with `--connections` keep-alive connections (two client processes), the bare view among them,
so each read is measured under the same conditions as its yardstick. Prints, per read: req/s,
p50 and p95 over all rounds, and req/s as a ratio to the bare view's. Targets (issue 16): 0.06×
for the API, 0.05× for pages. Reads as the demo's station staff (王秀梅), with a bearer token
for the API and a session for the pages. Exit status 1 if a read misses its target or errs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadgen import Figures, Load, WrkLoad, serve, table  # noqa: E402

API_TARGET = 0.06
PAGE_TARGET = 0.05
STAFF_PHONE = "13900000002"


def prepare(data_dir: str | None, database_url: str | None) -> dict[str, str]:
    """Environment for Django and the server; seeds a fresh demo when no data is given."""
    env: dict[str, str] = {}
    if database_url:
        env["DATABASE_URL"] = database_url
        env["LINLI_DATA_DIR"] = data_dir or tempfile.mkdtemp(prefix="linli-reads-")
    else:
        os.environ.pop("DATABASE_URL", None)
        env["LINLI_DATA_DIR"] = data_dir or tempfile.mkdtemp(prefix="linli-reads-")
    os.environ.pop("REDIS_URL", None)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "linli.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from linli.org.models import Station

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Station.objects.filter(code="JIAOJIA").exists():
        print("seeding the demo …", flush=True)
        call_command("demo", seed_only=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return env


def credentials(phone: str) -> tuple[dict[str, str], dict[str, str]]:
    """(API headers with a fresh bearer token, page headers with a logged-in session)."""
    from django.test import Client

    from linli.accounts import actions
    from linli.accounts.models import User

    user = User.objects.get(phone=phone)
    secret, _token = actions.token_create(user=user, name="bench", actor=None)
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    return {"Authorization": f"Bearer {secret}"}, {"Cookie": f"sessionid={session}"}


def main_reads(station_code: str = "JIAOJIA") -> list[tuple[str, str, str]]:
    """(label, path, kind) of the issue's reads; kind is api, page or bare."""
    from linli.assistance.models import RequestStatus, ServiceRequest

    waiting = (
        ServiceRequest.objects.filter(station__code=station_code, status=RequestStatus.SUBMITTED)
        .order_by("-submitted_at")
        .first()
    )
    reads = [
        ("bare view (20 rows)", "/bench/bare/", "bare"),
        ("GET /api/v1/me", "/api/v1/me", "api"),
        ("GET /api/v1/activities", "/api/v1/activities", "api"),
        ("GET /api/v1/volunteers?limit=50", "/api/v1/volunteers?limit=50", "api"),
        ("activities page", "/activities/", "page"),
        ("dispatch board", "/requests/board/", "page"),
    ]
    if waiting is not None:
        reads.append(("request page (to dispatch)", f"/requests/{waiting.pk}/", "page"))
    return reads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="wrk (apt-get install wrk; the default when found) or Python clients",
    )
    args = parser.parse_args()

    env = prepare(args.data_dir, args.database_url)
    api_headers, page_headers = credentials(STAFF_PHONE)
    reads = main_reads()
    figures = {label: Figures() for label, _path, _kind in reads}
    with serve(env, workers=args.workers, port=args.port):
        load: Load | WrkLoad = (
            WrkLoad(args.port, connections=args.connections)
            if args.client == "wrk"
            else Load(args.port, connections=args.connections)
        )
        try:
            for _label, path, kind in reads:  # warm-up: caches, imports, templates
                headers = api_headers if kind == "api" else page_headers
                load.run(path, headers, 0.5, Figures())
            for round_number in range(args.rounds):
                print(f"round {round_number + 1}/{args.rounds} …", flush=True)
                for label, path, kind in reads:
                    headers = api_headers if kind == "api" else page_headers
                    load.run(path, headers, args.seconds, figures[label])
        finally:
            load.close()

    bare = figures[reads[0][0]].rate
    rows = [["read", "req/s", "p50 ms", "p95 ms", "× bare", "target", "errors"]]
    failed = False
    for label, _path, kind in reads:
        result = figures[label]
        ratio = result.rate / bare if bare else 0.0
        target = {"api": API_TARGET, "page": PAGE_TARGET}.get(kind)
        missed = target is not None and ratio < target
        failed |= missed or result.errors > 0
        rows.append(
            [
                label,
                f"{result.rate:.0f}",
                f"{result.p50:.1f}",
                f"{result.p95:.1f}",
                f"{ratio:.3f}",
                f"≥ {target}" + (" ✗" if missed else "") if target else "",
                str(result.errors),
            ]
        )
    print(
        f"\n{args.client}, {args.connections} connections, gunicorn --workers {args.workers}, "
        f"{args.rounds} rounds × {args.seconds:.0f} s per read, "
        + ("PostgreSQL" if args.database_url else "SQLite")
    )
    print(table(rows))
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
