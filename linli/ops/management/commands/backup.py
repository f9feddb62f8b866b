from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from linli.ops.backup import backup_create, backup_prune


class Command(BaseCommand):
    help = "备份数据库和上传的文件（不含加密密钥，除非指定 --with-keys）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--to", type=Path, help="备份存放的文件夹（默认 LINLI_BACKUP_DIR）")
        parser.add_argument(
            "--with-keys",
            action="store_true",
            help="把字段加密密钥也放进备份（备份须与数据同等保管）",
        )
        parser.add_argument("--keep", type=int, help="只保留最新的这么多份备份")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = backup_create(options["to"], with_keys=options["with_keys"])
        self.stdout.write(f"备份已写入 {folder}")
        if not options["with_keys"]:
            self.stdout.write("加密密钥不在备份中：请另行妥善保管密钥，恢复时需要它。")
        if options["keep"]:
            for removed in backup_prune(options["to"], keep=options["keep"]):
                self.stdout.write(f"已删除旧备份 {removed}")
