from typing import Any

from django.core.management.base import BaseCommand

from linli.assistance.timers import sweep


class Command(BaseCommand):
    help = "Check every waiting service request's timers now (escalations and rating reminders)."

    def handle(self, *args: Any, **options: Any) -> None:
        fired = sweep()
        self.stdout.write(
            f"review alerts {fired['review']}, accept alerts {fired['accept']}, "
            f"rating reminders {fired['rating']}"
        )
