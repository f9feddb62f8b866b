from typing import Any

from django.core.management.base import BaseCommand

from linli.elders.tasks import run_sweep


class Command(BaseCommand):
    help = "Derive elders' care profiles from the registry and alert staff to overdue visits now."

    def handle(self, *args: Any, **options: Any) -> None:
        done = run_sweep()
        self.stdout.write(
            f"profiles created {done['profiles_created']}, "
            f"overdue visits alerted {done['overdue_alerted']}"
        )
