"""How long `linli demo --seed-only` takes on a fresh SQLite database, and what it seeded.

    uv run python bench/seed_demo.py

Runs against a throwaway LINLI_DATA_DIR (SQLite; DATABASE_URL and REDIS_URL are ignored), times
the seed, then times a second run, which must add nothing.
"""

import os
import sys
import tempfile
import time
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

from linli.org.models import Station  # noqa: E402
from linli.people.demo import describe, plan_registry  # noqa: E402
from linli.people.models import ResidentTag, Tag  # noqa: E402
from linli.people.queries import registry_counts  # noqa: E402


def timed_seed() -> tuple[float, str]:
    out = StringIO()
    started = time.perf_counter()
    call_command("demo", seed_only=True, stdout=out)
    return time.perf_counter() - started, out.getvalue()


def main() -> None:
    print(f"data dir: {os.environ['LINLI_DATA_DIR']}")
    call_command("migrate", verbosity=0)
    first, output = timed_seed()
    print(output.split("\n演示账户")[0])
    second, _output = timed_seed()
    station = Station.objects.get(code="JIAOJIA")
    counts = registry_counts([station.pk])
    disabled = ResidentTag.objects.filter(resident__station=station, tag="disabled").count()
    print(f"first seed:  {first:.1f} s")
    print(f"second seed: {second:.1f} s (adds nothing)")
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


if __name__ == "__main__":
    main()
