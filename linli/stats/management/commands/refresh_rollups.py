import time
from typing import Any

from django.core.management.base import BaseCommand

from linli.stats.rollups import refresh_rollups


class Command(BaseCommand):
    help = (
        "从原始记录重算每个站点的年度汇总（统计概览所用）。升级新增了汇总项之后、"
        "或绕过程序批量导入数据之后运行；逐站提交，中断后再运行会接着算。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            if done == total or done % 10 == 0:
                self.stdout.write(f"  {done}/{total} 个站点（{time.monotonic() - started:.0f} 秒）")

        rows = refresh_rollups(progress=progress)
        self.stdout.write(f"汇总已重算：{rows} 个站点年度。")
