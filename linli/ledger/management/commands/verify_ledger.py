from typing import Any

from django.core.management.base import BaseCommand, CommandError

from linli.ledger import chain
from linli.ledger.models import LedgerEntry
from linli.org.models import Station


class Command(BaseCommand):
    help = "核对服务记录的哈希链（每站一条）：报告每站第一处断链。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--station", help="只核对这个站点编码")

    def handle(self, *args: Any, **options: Any) -> None:
        entries = LedgerEntry.objects.all()
        if options["station"]:
            station = Station.objects.filter(code=options["station"]).first()
            if station is None:
                raise CommandError(f"没有编码为 {options['station']} 的站点。")
            entries = entries.filter(chain_station=station)
        total = entries.count()
        broken = list(chain.verify(chain.ledger_rows(entries)))
        names = dict(Station.objects.values_list("pk", "code"))
        for link in broken:
            self.stdout.write(
                f"断链：站点 {names.get(link.station_id, link.station_id)} 的第 {link.position} 条"
                f"记录（编号 {link.entry_id}）与哈希链不符：应为 {link.expected[:16]}…，"
                f"存的是 {link.stored[:16] or '（空）'}…。此后的记录都无法据此核对。"
            )
        if broken:
            raise CommandError(f"{len(broken)} 个站点的服务记录哈希链已断开。")
        self.stdout.write(f"服务记录哈希链完好：{total} 条记录。")
