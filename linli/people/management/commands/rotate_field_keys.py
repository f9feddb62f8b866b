from typing import Any

from django.core.management.base import BaseCommand

from linli.accounts.actions import authenticators_rotate_keys
from linli.health.actions import health_records_rotate_keys
from linli.people.actions import residents_rotate_keys
from linli.people.models import Resident
from linli.studyroom.actions.pupils import pupils_rotate_keys


class Command(BaseCommand):
    help = (
        "用 LINLI_FIELD_KEYS 中的第一个（最新）密钥重新加密敏感字段并重算查找哈希。"
        "先把新密钥放在最前面、旧密钥保留在后面，运行本命令后即可移除旧密钥。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        total = Resident.objects.exclude(id_number_cipher="", sensitive_cipher="").count()
        self.stdout.write(f"需要重新加密的居民：{total}")

        def progress(done: int) -> None:
            self.stdout.write(f"  {done}/{total}")

        done = residents_rotate_keys(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"完成：{done} 位居民的敏感字段已用新密钥加密。"))
        records = health_records_rotate_keys()
        self.stdout.write(self.style.SUCCESS(f"完成：{records} 条健康记录已用新密钥加密。"))
        pupils = pupils_rotate_keys()
        self.stdout.write(self.style.SUCCESS(f"完成：{pupils} 位学生的健康信息已用新密钥加密。"))
        devices = authenticators_rotate_keys()
        self.stdout.write(self.style.SUCCESS(f"完成：{devices} 个身份验证器的密钥已用新密钥加密。"))
