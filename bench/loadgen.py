"""A small HTTP load generator and a gunicorn starter, shared by the read benchmarks.

`serve` runs `gunicorn linli.wsgi:application --workers N` (what `linli serve` runs, without the
access log and the task worker) with bench.served_settings, which adds the bare view.
`Load` holds a few client processes, each with keep-alive connections on threads; `Load.run`
hits one path with every connection for some seconds and returns each request's latency.
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def serve(env: dict[str, str], *, workers: int, port: int) -> Iterator[str]:
    """Start gunicorn on 127.0.0.1:port; yield its address; stop it afterwards."""
    environment = {
        **os.environ,
        **env,
        "DJANGO_SETTINGS_MODULE": "bench.served_settings",
        "PYTHONPATH": str(ROOT),
        "LINLI_HTTPS": "0",
        "LINLI_REQUIRE_2FA": "0",
    }
    command = [
        sys.executable, "-m", "gunicorn", "linli.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--graceful-timeout", "5", "--timeout", "180", "--no-control-socket",
        "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=environment, cwd=ROOT)  # noqa: S603
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                status, _ = fetch(port, "/healthz", {})
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _hammer(
    port: int, path: str, headers: dict[str, str], seconds: float, threads: int
) -> tuple[list[float], int]:
    """In one client process: `threads` keep-alive connections on `path` for `seconds`."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def loop() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                break
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return latencies, errors[0]


@dataclass
class Figures:
    """Every latency of one read over the rounds, and the seconds they were measured for."""

    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    errors: int = 0
    # What wrk reports instead of each latency: requests counted, and (p50, p95) ms per run.
    requests: int = 0
    run_percentiles: list[tuple[float, float]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return (len(self.latencies) + self.requests) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """Milliseconds below which `share` of the requests finished (nearest rank)."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        rank = max(0, math.ceil(share * len(ordered)) - 1)
        return ordered[rank] * 1000

    @property
    def p50(self) -> float:
        if self.run_percentiles:  # the median of the runs' medians
            return statistics.median(p50 for p50, _p95 in self.run_percentiles)
        return statistics.median(self.latencies) * 1000 if self.latencies else math.nan

    @property
    def p95(self) -> float:
        if self.run_percentiles:  # the worst run's
            return max(p95 for _p50, p95 in self.run_percentiles)
        return self.percentile(0.95)


class Load:
    """`connections` keep-alive connections spread over `processes` client processes."""

    def __init__(self, port: int, *, connections: int = 8, processes: int = 2) -> None:
        self.port = port
        self.processes = processes
        self.threads = max(1, connections // processes)
        self.pool = multiprocessing.get_context("spawn").Pool(processes)

    def close(self) -> None:
        self.pool.terminate()

    def run(self, path: str, headers: dict[str, str], seconds: float, into: Figures) -> None:
        arguments = [(self.port, path, headers, seconds, self.threads)] * self.processes
        for latencies, errors in self.pool.starmap(_hammer, arguments):
            into.latencies.extend(latencies)
            into.errors += errors
        into.seconds += seconds

    def sequential(self, path: str, headers: dict[str, str], count: int, into: Figures) -> None:
        """One request at a time, `count` times: latency without queueing (for p50/p95 of a
        single user's view)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        started_all = time.perf_counter()
        for _ in range(count):
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                into.errors += 1
            into.latencies.append(time.perf_counter() - started)
        into.seconds += time.perf_counter() - started_all
        connection.close()


# wrk's report, one line at the end of a run: requests, errors, p50 and p95 (µs), duration (µs).
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("linli-wrk %d %d %d %d %d\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), summary.duration))
end
"""


class WrkLoad:
    """`Load`'s `run` with wrk (Debian's package `wrk`) as the client: written in C, it leaves the
    server the CPU that Python clients on the same two cores take, as the issue's figures were
    measured. It reports percentiles per run, not each latency."""

    def __init__(self, port: int, *, connections: int = 8, threads: int = 2) -> None:
        self.port, self.connections, self.threads = port, connections, threads
        handle, self.script = tempfile.mkstemp(suffix=".lua", prefix="linli-wrk-")
        with os.fdopen(handle, "w") as script:
            script.write(WRK_REPORT)

    def close(self) -> None:
        os.unlink(self.script)

    def run(self, path: str, headers: dict[str, str], seconds: float, into: Figures) -> None:
        command = [
            "wrk", f"-t{self.threads}", f"-c{self.connections}", f"-d{max(1, round(seconds))}s",
            "--timeout", "30s", "-s", self.script,
        ]  # fmt: skip
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        command.append(f"http://127.0.0.1:{self.port}{path}")
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
        report = next(line for line in output.splitlines() if line.startswith("linli-wrk "))
        requests, errors, p50, p95, duration = (int(part) for part in report.split()[1:])
        into.requests += requests
        into.errors += errors
        into.seconds += duration / 1e6
        into.run_percentiles.append((p50 / 1000, p95 / 1000))


def table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(row[column])) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append(
            "  ".join(
                str(cell).ljust(width) if column == 0 else str(cell).rjust(width)
                for column, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)
