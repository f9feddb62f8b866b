"""Runs the web server and the task workers side by side, and stops them together."""

import json
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from django.conf import settings


def worker_command() -> list[str]:
    return [sys.executable, "-m", "linli", "worker"]


def gunicorn_command(*, host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "linli.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--access-logfile", "-",
        "--forwarded-allow-ips", os.environ.get("LINLI_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "--graceful-timeout", "10",
        "--no-control-socket",
        # The application (Django, every app and the URLconf) is imported once in the master
        # and shared by the forked workers, page for page, until a worker writes to it.
        "--preload",
    ]  # fmt: skip


def exec_supervisor(commands: Sequence[Sequence[str]]) -> NoReturn:
    """Replace this process (Django, the migration, the demo seed and all) by the small supervisor
    of `linli.ops.supervise`, which runs `commands` together and stops them together."""
    sys.stdout.flush()
    sys.stderr.flush()
    argv = [sys.executable, "-m", "linli.ops.supervise", json.dumps([list(c) for c in commands])]
    os.execv(sys.executable, argv)  # noqa: S606


def describe_backend() -> str:
    backend = str(settings.TASKS["default"]["BACKEND"])
    return "Redis (RQ)" if "rq" in backend.lower() else "数据库队列"


def port_in_use(host: str, port: int) -> bool:
    """Whether something already listens on host:port (tried by binding it, then letting go)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As gunicorn binds: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def office_address() -> str:
    """This machine's address on the office network, for phones to reach the demo (no packet
    is sent: connecting a UDP socket only picks the outgoing interface)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"
