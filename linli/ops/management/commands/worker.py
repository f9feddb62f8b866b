from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "运行后台任务进程（有 REDIS_URL 时用 RQ，否则用数据库队列）。"
    # The system checks ran where the worker's deployment migrated (`linli serve`, `linli
    # migrate`); run here they would load Pillow (an ImageField's check imports it) into a
    # process that may never open an image, some 10 MB held for nothing.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", action="store_true", help="处理完已到期的任务后退出")

    def handle(self, *args: Any, batch: bool = False, **options: Any) -> None:
        if settings.REDIS_URL:
            rq_args = ["default", "--job-class", "django_tasks_rq.Job", "--with-scheduler"]
            if batch:
                rq_args.append("--burst")
            call_command("rqworker", *rq_args)
            return
        db_args = ["--queue-name", "*", "--no-startup-delay", "--no-reload"]
        if batch:
            db_args.append("--batch")
        call_command("db_worker", *db_args)
