import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from linli.accounts.models import Role
from linli.ops import demo
from linli.ops.management.commands.serve import start_services
from linli.ops.processes import office_address, port_in_use

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def check_port(host: str, port: int) -> None:
    """Refuse at once, in Chinese, a port that is taken (before the seed, not after it)."""
    if not 0 < port < 65536:
        raise CommandError(f"端口 {port} 无效：请用 1–65535 之间的数字，例如 --port 8001。")
    if port_in_use(host, port):
        raise CommandError(
            f"端口 {port} 已被占用（也许另一个 linli demo 还在运行）。"
            f"请先停止它，或换一个端口：linli demo --port {port + 1}"
        )


class Command(BaseCommand):
    help = "演示：迁移数据库，写入焦家社区演示数据（可重复执行），打印演示账户并启动服务。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed-only", action="store_true", help="只写入演示数据，不启动服务")
        parser.add_argument("--port", type=int, default=8000, help="网页端口（默认 8000）")
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="监听地址；0.0.0.0 让同一办公网络里的手机也能打开演示",
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 网页进程数")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not options["seed_only"]:
            check_port(host, port)
        self.stdout.write(f"数据目录：{settings.DATA_DIR}")
        self.stdout.write("1/2 迁移数据库 …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("2/2 写入演示数据 …")
        demo.seed(progress=self.stdout.write)
        self._print_accounts()
        if options["seed_only"]:
            return
        self._configure_station_phone()
        if host not in LOOPBACK:
            self._open_to_the_office(port)
        # The seed's memory goes with this process: it becomes the small supervisor.
        start_services(self, host=host, port=port, workers=options["workers"], task_workers=1)

    def _configure_station_phone(self) -> None:
        """The sign-in page says whom to call: the web processes read LINLI_STATION_PHONE when
        they start, so the demo's station has a number unless one is set already."""
        os.environ.setdefault("LINLI_STATION_PHONE", demo.STATION_PHONE)
        self.stdout.write(f"社区电话（登录页显示）：{os.environ['LINLI_STATION_PHONE']}")

    def _open_to_the_office(self, port: int) -> None:
        """Phones on the office network reach the demo by this machine's address: the web
        processes accept any host name (they read LINLI_ALLOWED_HOSTS when they start)."""
        os.environ.setdefault("LINLI_ALLOWED_HOSTS", "*")
        self.stdout.write(
            self.style.WARNING(
                "注意：这是演示。所有演示账户的密码都是公开的，同一网络里的任何人都能登录；"
                "数据都是虚构的，请勿录入真实居民信息。只在可信的办公网络中使用，用完按 Ctrl+C 停止。"
            )
        )
        self.stdout.write(f"手机浏览器打开：http://{office_address()}:{port}/")

    def _print_accounts(self) -> None:
        self.stdout.write(f"\n演示账户（密码均为 {settings.DEMO_PASSWORD}）：")
        for phone, name, role, station in demo.DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {phone}  {Role(role).label:<10} {role:<17} {name} {station or ''}"
            )
        if not settings.REQUIRE_2FA:
            self.stdout.write("两步验证：工作人员可在“账户安全”中启用，演示模式下不强制。\n")
