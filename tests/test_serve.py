"""`linli serve` for real: gunicorn and the task worker start, answer, and stop together."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def group_commands(pgid: int) -> list[str]:
    """Command lines of the live processes in a process group (read from /proc)."""
    commands = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) != pgid:
                continue
            commands.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ProcessLookupError):
            continue
    return commands


def test_serve_runs_web_and_worker_and_stops_on_sigterm(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LINLI_", "DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update({"LINLI_DATA_DIR": str(tmp_path), "LINLI_HTTPS": "0"})
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "linli", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        # A fresh database migrates first: minutes on a loaded machine, seconds on a quiet one.
        assert wait_for(f"http://127.0.0.1:{port}/healthz", 240) == b'{"status": "ok"}'
        login = wait_for(f"http://127.0.0.1:{port}/accounts/login/", 10).decode()
        assert "登录邻里" in login
        # The nightly prune is queued at start-up, in the server's own SQLite file.
        with sqlite3.connect(tmp_path / "linli.sqlite3") as db:
            queued = db.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = ?",
                ("linli.audit.tasks.prune_audit_log",),
            ).fetchone()[0]
        assert queued == 1
        deadline = time.monotonic() + 30
        while not any("linli worker" in command for command in group_commands(server.pid)):
            assert time.monotonic() < deadline, group_commands(server.pid)
            time.sleep(0.3)
        assert any("gunicorn" in command for command in group_commands(server.pid))
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert "gunicorn" in output.lower()
    # Nothing is left behind: the process group is gone.
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(server.pid, 0)
