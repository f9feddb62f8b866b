"""Beyond one machine, for real: two web processes and two RQ task workers share one PostgreSQL and
one Redis, and not one task is lost or done twice.

Each web process is its own gunicorn with its own data directory (nothing on its disk is shared:
sessions, cache and locks are in the database and Redis). Forty urgent service requests are
posted through the API, alternating between the two; each one alerts the station's WeCom group,
a delivery queued in Redis after commit. Two `linli worker` processes (RQ) take the queue, and a
local HTTP server stands in for the group robot. Every delivery arrives exactly once: forty
messages, forty distinct requests, every delivery `sent` after one attempt.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from linli.accounts import actions as account_actions
from linli.accounts.models import Role
from linli.assistance.actions.menu import menu_category_save
from linli.notifications.models import ChannelKind, Delivery, StationChannel
from tests.race.helpers import make_station

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS_URL = os.environ.get("LINLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUESTS = 40


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not redis_available(), reason=f"no Redis at {REDIS_URL}"),
]


class GroupRobot(BaseHTTPRequestHandler):
    """A WeCom group robot: records each message's text and answers `errcode 0`."""

    server: Any

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.server.lock:
            self.server.messages.append(json.loads(raw)["text"]["content"])
        body = b'{"errcode": 0, "errmsg": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> str:
    """The test database, as the child processes reach it."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LINLI_", "DJANGO_", "DATABASE_URL", "REDIS_URL", "PYTEST"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "linli.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": REDIS_URL,
            "LINLI_DATA_DIR": str(data_dir),
            "LINLI_SECRET_KEY": settings.SECRET_KEY,
            "LINLI_FIELD_KEYS": ",".join(settings.FIELD_KEYS),
            "LINLI_HTTPS": "0",
            "LINLI_REQUIRE_2FA": "0",
            "LINLI_DB_POOL_MAX": "4",
            "LINLI_LOG_LEVEL": "WARNING",
            # The stand-in group robot listens on the loopback address: allow it as a host.
            "LINLI_OUTBOUND_HOSTS": "127.0.0.1",
        }
    )
    return env


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (loopback only)
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def post_request(port: int, token: str, number: int) -> int:
    payload = {
        "category": "community",
        "description": f"第{number}号：楼道灯坏了",
        "urgency": "urgent",
        "proxy_relation": "邻居",
        "requester_phone": "13600000011",
    }
    request = urllib.request.Request(  # noqa: S310
        f"http://127.0.0.1:{port}/api/v1/service-requests",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_two_web_processes_and_two_workers_lose_and_double_no_task(tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    robot = ThreadingHTTPServer(("127.0.0.1", 0), GroupRobot)
    robot.messages = []  # type: ignore[attr-defined]
    robot.lock = threading.Lock()  # type: ignore[attr-defined]
    threading.Thread(target=robot.serve_forever, daemon=True).start()

    station = make_station()
    menu_category_save(station=station, code="community", response_hours=24, teams=[], actor=None)
    StationChannel.objects.create(
        station=station,
        kind=ChannelKind.WECOM,
        target=f"http://127.0.0.1:{robot.server_address[1]}/cgi-bin/webhook/send?key=k",
    )
    resident = account_actions.user_create(
        phone="13600000011", password=None, name="邻居", actor=None
    )
    account_actions.role_grant(user=resident, role=Role.RESIDENT, station=station, actor=None)
    token, _api_token = account_actions.token_create(user=resident, actor=resident)

    ports = [free_port(), free_port()]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for index, port in enumerate(ports):
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "linli.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "--preload",
                    ],
                    cwd=ROOT,
                    env=child_env(tmp_path / f"web{index}"),
                )  # fmt: skip
            )
        for index in range(2):
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "linli", "worker"],
                    cwd=ROOT,
                    env=child_env(tmp_path / f"worker{index}"),
                )
            )
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/healthz", 120)

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(
                pool.map(
                    lambda number: post_request(ports[number % 2], token, number),
                    range(REQUESTS),
                )
            )
        assert statuses == [201] * REQUESTS

        deadline = time.monotonic() + 180
        while len(robot.messages) < REQUESTS and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.5)
        time.sleep(3)  # long enough for a doubled delivery to show up too
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        robot.shutdown()
        robot.server_close()

    messages: list[str] = robot.messages  # type: ignore[attr-defined]
    numbers = Counter(
        next(n for n in range(REQUESTS) if f"第{n}号：" in message) for message in messages
    )
    assert len(messages) == REQUESTS, f"{len(messages)} messages for {REQUESTS} requests"
    assert set(numbers) == set(range(REQUESTS))
    assert set(numbers.values()) == {1}
    deliveries = Delivery.objects.filter(station=station)
    assert deliveries.count() == REQUESTS
    assert set(deliveries.values_list("status", "attempts").distinct()) == {("sent", 1)}
