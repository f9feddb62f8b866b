"""How long `linli demo --seed-only` takes on a fresh SQLite database, and what it seeded.

    uv run python bench/seed_demo.py

Runs against a throwaway LINLI_DATA_DIR (SQLite; DATABASE_URL and REDIS_URL are ignored), times
the seed and each of its steps (wall clock and this process's CPU time: on a machine other work
keeps busy the CPU time is the steadier figure), then times a second run, which must add nothing.
The load average is printed before and after: the README's figures were measured on a quiet one.
"""

import os
import re
import sys
import tempfile
import time
from collections import Counter
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "linli.settings"
os.environ["LINLI_DATA_DIR"] = tempfile.mkdtemp(prefix="linli-bench-")
os.environ.pop("DATABASE_URL", None)
os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from linli.ledger.queries import star_level, with_hours  # noqa: E402
from linli.ops.demo import STEPS  # noqa: E402
from linli.org.models import Station  # noqa: E402
from linli.people.demo import describe, plan_registry  # noqa: E402
from linli.people.models import ResidentTag, Tag  # noqa: E402
from linli.people.queries import registry_counts  # noqa: E402
from linli.stats.queries import summary  # noqa: E402
from linli.teams.models import Team  # noqa: E402
from linli.volunteers.models import TrainingAttendance, Volunteer  # noqa: E402

ACTIVITIES_STEP = "志愿活动与服务时长"


class StampedOutput(StringIO):
    """The command's output, with the moment each line was written."""

    def __init__(self) -> None:
        super().__init__()
        self.stamps: list[tuple[float, float, str]] = []

    def write(self, text: str) -> int:
        self.stamps.append((time.perf_counter(), time.process_time(), text))
        return super().write(text)


def step_times(out: StampedOutput) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds from each step's "  label …" line to its "  label: 新增 N" line."""
    started: dict[str, tuple[float, float]] = {}
    times: dict[str, tuple[float, float]] = {}
    for wall, cpu, text in out.stamps:
        if match := re.match(r"^  (\S+) …", text):
            started[match.group(1)] = (wall, cpu)
        elif (match := re.match(r"^  (\S+): 新增", text)) and match.group(1) in started:
            wall_0, cpu_0 = started[match.group(1)]
            times[match.group(1)] = (wall - wall_0, cpu - cpu_0)
    return times


def timed_seed() -> tuple[float, float, str, dict[str, tuple[float, float]]]:
    out = StampedOutput()
    started, cpu = time.perf_counter(), time.process_time()
    call_command("demo", seed_only=True, stdout=out)
    return (
        time.perf_counter() - started,
        time.process_time() - cpu,
        out.getvalue(),
        step_times(out),
    )


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    print(f"data dir: {os.environ['LINLI_DATA_DIR']}")
    print(f"load average before: {load()} ({os.cpu_count()} CPUs)")
    call_command("migrate", verbosity=0)
    first, first_cpu, output, first_steps = timed_seed()
    print(output.split("\n演示账户")[0])
    second, _cpu, _output, second_steps = timed_seed()
    station = Station.objects.get(code="JIAOJIA")
    counts = registry_counts([station.pk])
    disabled = ResidentTag.objects.filter(resident__station=station, tag="disabled").count()
    print(f"load average after: {load()}")
    print(f"first seed:  {first:.1f} s ({first_cpu:.1f} s CPU)")
    print(f"second seed: {second:.1f} s (adds nothing)")
    print("per step: wall (CPU) of the first seed, then wall of the second")
    for label, _step in STEPS:
        wall, cpu = first_steps.get(label, (0.0, 0.0))
        print(
            f"  {label}: {wall:.1f} s ({cpu:.1f} s), then {second_steps.get(label, (0, 0))[0]:.1f} s"
        )
    print(
        "counts: {estates} estates, {buildings} buildings, {households} households, "
        "{residents} residents".format(**counts)
        + f", {disabled} disabled"
    )
    mix = describe(plan_registry())
    print(
        f"ages on the census day: {mix['child']} under 14 ({mix['pupils_6_12']} aged 6–12), "
        f"{mix['youth']} aged 14–17, {mix['adult']} aged 18–59, {mix['elderly']} aged 60+ "
        f"({mix['elderly'] / mix['residents']:.1%}, {mix['aged_80_plus']} aged 80+)"
    )
    print("tags: " + ", ".join(f"{tag} {mix[tag]}" for tag in Tag.values if tag in mix))
    figures = summary([station.pk], year=None)
    linked = Volunteer.objects.filter(station=station, person__household__isnull=False).count()
    print(
        f"volunteers: {figures['volunteers']} active of {Volunteer.objects.count()} registered "
        f"({linked} of them registry residents), {figures['teams']} teams "
        f"(+{Team.objects.filter(parent__isnull=False).count()} troupes), "
        f"{TrainingAttendance.objects.count()} training records"
    )
    print(f"activity history: {first_steps.get(ACTIVITIES_STEP, (0, 0))[0]:.1f} s to seed")
    for year in range(2021, timezone.localdate().year + 1):
        figures = summary([station.pk], year=year)
        print(
            f"  {year}: {figures['activities']} activities, {figures['service_hours']:.0f} hours, "
            f"{figures['person_times']} person-times"
        )
    totals = with_hours(Volunteer.objects.filter(station=station, status=Volunteer.Status.ACTIVE))
    stars = Counter(star_level(volunteer.total_hours) for volunteer in totals)
    print("star levels: " + ", ".join(f"{level}★ {stars[level]}" for level in range(6)))


if __name__ == "__main__":
    main()
