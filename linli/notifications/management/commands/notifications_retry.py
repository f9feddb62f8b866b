from typing import Any

from django.core.management.base import BaseCommand

from linli.notifications.tasks import requeue_due_deliveries


class Command(BaseCommand):
    help = (
        "Queue again every pending notification delivery that is due (its retry time has "
        "passed, or its first attempt never ran): the safety net when a task queue was lost."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = requeue_due_deliveries()
        self.stdout.write(f"re-queued {queued} deliveries")
