from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from linli.accounts.models import Role
from linli.ops import demo
from linli.ops.management.commands.serve import start_services


class Command(BaseCommand):
    help = "演示：迁移数据库，写入焦家社区演示数据（可重复执行），打印演示账户并启动服务。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed-only", action="store_true", help="只写入演示数据，不启动服务")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 网页进程数")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"数据目录：{settings.DATA_DIR}")
        self.stdout.write("1/2 迁移数据库 …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("2/2 写入演示数据 …")
        demo.seed(progress=self.stdout.write)
        self._print_accounts()
        if options["seed_only"]:
            return
        # The seed's memory goes with this process: it becomes the small supervisor.
        start_services(
            self, host="127.0.0.1", port=options["port"], workers=options["workers"], task_workers=1
        )

    def _print_accounts(self) -> None:
        self.stdout.write(f"\n演示账户（密码均为 {settings.DEMO_PASSWORD}）：")
        for phone, name, role, station in demo.DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {phone}  {Role(role).label:<10} {role:<17} {name} {station or ''}"
            )
        if not settings.REQUIRE_2FA:
            self.stdout.write("两步验证：工作人员可在“账户安全”中启用，演示模式下不强制。\n")
