from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linli.ops.backup import backup_restore


class Command(BaseCommand):
    help = "从 `linli backup` 的备份文件夹恢复数据库和上传的文件（替换现有数据）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder", type=Path, help="备份文件夹（linli-backup-…）")
        parser.add_argument(
            "--with-keys", action="store_true", help="备份中带有密钥时，一并恢复密钥文件"
        )
        parser.add_argument("--yes", action="store_true", help="不再确认，直接替换现有数据")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        if not (folder / "manifest.json").exists():
            raise CommandError(f"{folder} 不是 linli 备份文件夹（缺少 manifest.json）")
        if not options["yes"] and options["interactive"] is not False:
            answer = input("恢复将替换现有的全部数据，确定吗？输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消。")
        manifest = backup_restore(folder, with_keys=options["with_keys"])
        total = sum(manifest["counts"].values())
        self.stdout.write(
            f"已从 {folder} 恢复（{total} 行记录，备份于 {manifest['created_at']}）。"
        )
