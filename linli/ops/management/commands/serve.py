from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from linli.assistance.tasks import schedule_request_sweep
from linli.audit.tasks import schedule_audit_prune
from linli.elders.tasks import schedule_elder_sweep
from linli.incentives.tasks import schedule_shop_sweep
from linli.ops.backup import schedule_nightly_backup
from linli.ops.processes import (
    describe_backend,
    exec_supervisor,
    gunicorn_command,
    worker_command,
)
from linli.ops.tasks import schedule_import_sweep
from linli.studyroom.tasks import schedule_study_room_sweep


def start_services(
    command: BaseCommand, *, host: str, port: int, workers: int, task_workers: int
) -> NoReturn:
    """Prepare static files, queue the housekeeping, then become the supervisor of gunicorn and
    the task workers (this process is replaced: it returns only in tests that stub the exec)."""
    call_command("collectstatic", interactive=False, verbosity=0)
    schedule_audit_prune()
    schedule_request_sweep()
    schedule_elder_sweep()
    schedule_study_room_sweep()
    schedule_shop_sweep()
    schedule_nightly_backup()
    schedule_import_sweep()
    command.stdout.write(
        f"邻里 Linli 正在 http://{host}:{port}/ 提供服务（{workers} 个网页进程，"
        f"{task_workers} 个后台任务进程，{describe_backend()}）。按 Ctrl+C 停止。"
    )
    commands = [gunicorn_command(host=host, port=port, workers=workers)]
    commands += [worker_command() for _ in range(task_workers)]
    exec_supervisor(commands)


def key_in_data_dir() -> bool:
    """Is the field-encryption key kept in a file inside the data folder?"""
    if settings.FIELD_KEYS_FROM_ENVIRONMENT:
        return False
    return Path(settings.FIELD_KEY_FILE).resolve().is_relative_to(Path(settings.DATA_DIR))


class Command(BaseCommand):
    help = "生产环境：迁移数据库，启动 gunicorn 网页服务和后台任务进程。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=3, help="gunicorn 网页进程数")
        parser.add_argument(
            "--task-workers",
            type=int,
            default=1,
            help="随服务启动的后台任务进程数（0 表示另行运行 `linli worker`）",
        )
        parser.add_argument("--no-migrate", action="store_true", help="启动前不执行数据库迁移")
        parser.add_argument(
            "--allow-key-in-data-dir",
            action="store_true",
            help="允许字段加密密钥文件放在数据文件夹内（不建议：复制数据即带走密钥）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if key_in_data_dir() and not options["allow_key_in_data_dir"]:
            raise CommandError(
                f"字段加密密钥文件 {settings.FIELD_KEY_FILE} 位于数据文件夹 {settings.DATA_DIR} 内："
                f"复制或备份数据即带走密钥。请把它移到 {settings.KEY_DIR}（或用 LINLI_KEY_DIR、"
                "LINLI_FIELD_KEYS 指定），或以 --allow-key-in-data-dir 启动。"
            )
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=1)
        start_services(
            self,
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            task_workers=options["task_workers"],
        )
