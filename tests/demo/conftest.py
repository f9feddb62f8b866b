"""The demo community, seeded once per test process and shared by every test in this folder.

Seeding 焦家社区 is the slowest step of the suite and grows with every service, so it runs once:
the `demo_seed` fixture commits a full `linli demo --seed-only` before the first test here, each
test then runs in a transaction that is rolled back (its writes vanish, the seed stays), and the
database is emptied again when the folder is done, so the tests that follow on the same process
start from nothing as they expect. Under xdist every test here carries the `demo` group
(`--dist loadgroup`, see the root conftest), so one worker seeds once and runs them all in a row.

Tests that need an empty database (a seed cut short, the world of tests/conftest.py) live outside
this folder.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command


@dataclass(frozen=True)
class SeededDemo:
    output: str  # what the first `linli demo --seed-only` printed ("新增 4318" …)
    seconds: float


@pytest.fixture(scope="package")
def demo_seed(django_db_setup: Any, django_db_blocker: Any) -> Iterator[SeededDemo]:
    with django_db_blocker.unblock():
        out = StringIO()
        started = time.monotonic()
        call_command("demo", seed_only=True, stdout=out)
        yield SeededDemo(output=out.getvalue(), seconds=time.monotonic() - started)
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(demo_seed: SeededDemo, db: Any) -> SeededDemo:
    """The seeded demo inside this test's transaction."""
    return demo_seed


def run_seed() -> str:
    """Run `linli demo --seed-only` again (inside the test's transaction) and return its output."""
    out = StringIO()
    call_command("demo", seed_only=True, stdout=out)
    return out.getvalue()
