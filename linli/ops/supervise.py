"""The supervising process of `linli serve` and `linli demo`: it starts the web server and the task
workers, and stops them together.

It runs as its own small program (`python -m linli.ops.supervise '<json list of commands>'`), the
serve command exec-ing into it once the database is migrated and the demo seeded, so the process
that stays up for the whole run holds the standard library and nothing else (some 10 MB, where a
process that had loaded Django and seeded the demo kept 200 MB). Only the standard library is
imported here, on purpose.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Sequence


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


def main(argv: Sequence[str]) -> int:
    commands = json.loads(argv[1])
    if not isinstance(commands, list) or not all(isinstance(c, list) for c in commands):
        raise SystemExit('usage: python -m linli.ops.supervise \'[["cmd", "arg"], …]\'')
    return run_together(commands)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
