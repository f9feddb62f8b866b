from typing import Any

from django.core.management.base import BaseCommand

from linli.studyroom.tasks import run_sweep


class Command(BaseCommand):
    help = (
        "午间微学堂：发出“未接走”提醒，并匿名化超过保留期的离开学生（后台任务每 10 分钟运行一次）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = run_sweep()
        self.stdout.write(
            f"未接走提醒 {done['still_in_alerted']} 人；匿名化 {done['anonymised']} 位学生。"
        )
