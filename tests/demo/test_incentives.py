"""`linli demo --seed-only` records 焦家's incentives from its records: points for every verified
hour, a 爱心超市 whose books equal its moves, time-bank accounts, and honours since 2021 — the 20
社区优秀防疫志愿者 of 2022 among them — with this year's 优秀志愿者 in 公示."""

from django.db.models import Sum
from django.test import Client

from linli.incentives.demo.seed import seed_incentives
from linli.incentives.models import (
    Honour,
    HonourStatus,
    Nomination,
    Redemption,
    ShopItem,
    StarAnnouncement,
)
from linli.incentives.queries import balances_reconcile, stock_reconcile
from linli.ledger.models import Account, EntryKind, LedgerEntry
from linli.org.models import Station
from tests.demo.conftest import SeededDemo


def test_demo_incentives(demo: SeededDemo):
    assert "激励嘉许和回馈" in demo.output
    jiaojia = Station.objects.get(code="JIAOJIA")
    hours = LedgerEntry.objects.filter(account=Account.HOURS, volunteer__station=jiaojia)
    earned = LedgerEntry.objects.filter(
        account=Account.POINTS,
        volunteer__station=jiaojia,
        kind__in=(EntryKind.EARN, EntryKind.REVERSAL),
    )
    # Ten points for every verified hour, entry by entry.
    total_hours = hours.aggregate(total=Sum("amount"))["total"]
    assert earned.aggregate(total=Sum("amount"))["total"] == total_hours * 10
    assert StarAnnouncement.objects.filter(level=1).exists()

    # The shop: goods, redemptions since 2022, books equal to the moves, nobody below zero.
    assert {"大米 5kg", "食用油 5L", "洗衣液 2kg", "毛巾"} <= set(
        ShopItem.objects.filter(station=jiaojia).values_list("name", flat=True)
    )
    redemptions = Redemption.objects.filter(station=jiaojia)
    assert redemptions.filter(reserved_at__year=2022).exists()
    assert redemptions.filter(status="handed_over").count() > 200
    assert stock_reconcile() == [] and balances_reconcile() == []

    # The time bank: deposits and the pool's payments.
    deposits = LedgerEntry.objects.filter(account=Account.TIMEBANK, kind=EntryKind.DEPOSIT)
    assert deposits.values("volunteer").distinct().count() > 100
    assert LedgerEntry.objects.filter(
        account=Account.TIMEBANK_POOL, kind=EntryKind.WITHDRAWAL
    ).exists()

    # Honours: the seed's 20 社区优秀防疫志愿者, and yearly 五好家庭, 好婆婆, 好媳妇.
    epidemic = Honour.objects.get(station=jiaojia, title="社区优秀防疫志愿者", year=2022)
    assert epidemic.nominations.filter(status="accepted", award__isnull=False).count() == 20
    for title in ("五好家庭", "好婆婆", "好媳妇"):
        assert Honour.objects.filter(station=jiaojia, title=title, status="awarded").count() >= 5
    assert Honour.objects.filter(station=jiaojia, status=HonourStatus.PUBLICIZED).exists()
    page = Client().get("/honours/s/JIAOJIA/").content.decode()
    assert "社区优秀防疫志愿者" in page and "评选公示" in page
    first = Nomination.objects.filter(honour=epidemic).first()
    assert first is not None and first.display_name in page

    # Seeding again adds nothing.
    assert seed_incentives() == 0
