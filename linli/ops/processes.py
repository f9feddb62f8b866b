"""Runs the web server and the task workers side by side, and stops them together."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

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
    ]  # fmt: skip


def run_together(commands: Sequence[Sequence[str]]) -> int:
    """Start every command; when one ends or we are told to stop, stop the others. Returns its code."""
    children = [subprocess.Popen(list(command)) for command in commands]  # noqa: S603
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exit_code = 0
    try:
        while not stopping:
            finished = [child for child in children if child.poll() is not None]
            if finished:
                exit_code = finished[0].returncode or 0
                break
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
    return exit_code


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
