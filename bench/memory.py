"""What `linli demo` holds in memory once warmed up: each process of its tree, and the sum.

    uv run python bench/memory.py                 # a fresh demo in a throwaway data directory
    uv run python bench/memory.py --data-dir DIR  # an already seeded one (skips the seed's time)
    uv run python bench/memory.py --heavy         # the warm-up also draws a PDF and an xlsx

Starts `linli demo` (2 web workers, 1 task worker, SQLite; DATABASE_URL and REDIS_URL are ignored),
waits for it to answer, signs in as the demo's station worker, supervisor and volunteer and reads
their main pages and API lists several times over (`--heavy`: also a certificate PDF and the
registry export, which load ReportLab and openpyxl in the worker that serves them), waits for the
processes to settle, then reads /proc for every process of the demo's group:

- RSS, the resident pages of each process, shared pages counted in each one that maps them;
- PSS, shared pages divided among the processes sharing them: the PSS column adds up to what the
  demo costs the machine (what the issue's "≤ 400 MB in all" is held to);
- USS, the pages only that process holds (what stopping it would give back).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = os.environ.get("LINLI_DEMO_PASSWORD") or "linli-demo"
STAFF, SUPERVISOR, VOLUNTEER = "13900000002", "13900000001", "13900000004"

PAGES = {
    STAFF: [
        "/",
        "/residents/",
        "/volunteers/",
        "/activities/",
        "/requests/board/",
        "/requests/menu/",
        "/stations/JIAOJIA/",
        "/elders/",
        "/canteen/orders/",
        "/hours/",
    ],
    SUPERVISOR: ["/", "/stations/", "/activities/", "/volunteers/", "/residents/"],
    VOLUNTEER: ["/", "/activities/", "/hours/", "/requests/tasks/"],
}
API = ["/api/v1/me", "/api/v1/activities", "/api/v1/volunteers?limit=50", "/api/v1/residents",
       "/api/v1/stats/summary", "/api/v1/stations"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (loopback only)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


class Browser:
    """A signed-in session over plain urllib: the CSRF cookie, the login form, then pages."""

    def __init__(self, base: str, phone: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        form = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        data = {
            "phone": phone,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        request = urllib.request.Request(  # noqa: S310
            base + "/accounts/login/",
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": base + "/accounts/login/"},
        )
        self.opener.open(request, timeout=60).read()

    def get(self, path: str) -> str:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return str(response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:  # a page a role may not open still warms the code
            return str(error.code)


def api_token(base: str, phone: str) -> str:
    request = urllib.request.Request(  # noqa: S310
        base + "/api/v1/auth/token",
        data=json.dumps({"phone": phone, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return str(json.load(response)["token"])


def api_get(base: str, token: str, path: str) -> bytes:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return bytes(response.read())
    except urllib.error.HTTPError as error:
        return str(error.code).encode()


def warm_up(base: str, rounds: int, heavy: bool) -> int:
    requests = 0
    for _round in range(rounds):
        for phone, pages in PAGES.items():
            browser = Browser(base, phone)
            for page in pages:
                browser.get(page)
                requests += 1
            token = api_token(base, phone)
            for path in API:
                api_get(base, token, path)
                requests += 1
        if heavy:
            staff = Browser(base, STAFF)
            sheet = staff.get("/residents/export.xlsx")
            print(f"warm-up: registry export {len(sheet)} characters", file=sys.stderr)
            token = api_token(base, STAFF)
            listing = json.loads(api_get(base, token, "/api/v1/volunteers?limit=1"))
            for volunteer in listing.get("items", [])[:1]:
                pdf = api_get(base, token, f"/api/v1/volunteers/{volunteer['id']}/certificate")
                print(f"warm-up: certificate {pdf[:8]!r}, {len(pdf)} bytes", file=sys.stderr)
            requests += 2
    return requests


def kib(pid: int, field: str, source: str) -> int:
    try:
        text = Path(f"/proc/{pid}/{source}").read_text()
    except OSError:
        return 0
    total = 0
    for line in text.splitlines():
        if line.startswith(field + ":"):
            total += int(line.split()[1])
    return total


def describe(pid: int) -> str:
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    if "linli.ops.supervise" in command:
        return "supervisor (linli demo)"
    if "gunicorn" in command:
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        parent_command = Path(f"/proc/{parent}/cmdline").read_bytes()
        if b"linli.ops.supervise" in parent_command:
            return "gunicorn master"
        return "gunicorn worker"
    if "linli worker" in command or "db_worker" in command or "rqworker" in command:
        return "task worker"
    return command[:60]


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
            except (OSError, ProcessLookupError):
                continue
    return sorted(pids)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="a seeded LINLI_DATA_DIR (default: a new one)")
    parser.add_argument("--rounds", type=int, default=3, help="warm-up rounds (default 3)")
    parser.add_argument("--heavy", action="store_true", help="also draw a PDF and an xlsx")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait after warm-up")
    options = parser.parse_args()

    data_dir = options.data_dir or tempfile.mkdtemp(prefix="linli-memory-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL"))}
    env.update({"LINLI_DATA_DIR": data_dir, "LINLI_HTTPS": "0"})
    # Each run signs in 18 times from one address with three numbers, and the limits' counts
    # live in the data directory's cache: a second run on the same directory would meet 429s.
    env.setdefault("LINLI_RATE_SIGNIN_ADDRESS", "1000/m")
    env.setdefault("LINLI_RATE_SIGNIN_PHONE", "1000/m")
    started = time.monotonic()
    demo = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "linli", "demo", "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz", 900)
        ready = time.monotonic() - started
        count = warm_up(base, options.rounds, options.heavy)
        time.sleep(options.settle)
        rows = []
        for pid in group_pids(demo.pid):
            rows.append(
                (
                    pid,
                    describe(pid),
                    kib(pid, "VmRSS", "status"),
                    kib(pid, "Pss", "smaps_rollup"),
                    kib(pid, "Private_Clean", "smaps_rollup")
                    + kib(pid, "Private_Dirty", "smaps_rollup"),
                )
            )
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)

    print(f"linli demo answered after {ready:.0f} s; warm-up: {count} requests"
          f"{' (with a PDF and an xlsx)' if options.heavy else ''}")  # fmt: skip
    print(f"{'pid':>7}  {'process':<26}{'RSS MB':>9}{'PSS MB':>9}{'USS MB':>9}")
    for pid, name, rss, pss, uss in rows:
        print(f"{pid:>7}  {name:<26}{rss / 1024:>9.1f}{pss / 1024:>9.1f}{uss / 1024:>9.1f}")
    total_rss = sum(row[2] for row in rows) / 1024
    total_pss = sum(row[3] for row in rows) / 1024
    total_uss = sum(row[4] for row in rows) / 1024
    print(f"{'':>7}  {'in all':<26}{total_rss:>9.1f}{total_pss:>9.1f}{total_uss:>9.1f}")
    print(f"held to 400 MB (PSS, what the machine gives the demo): {total_pss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
