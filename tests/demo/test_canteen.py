"""`linli demo --seed-only` records 焦家's 银龄爱心食堂 since 2021-06-01 — about 55,000 meals
under a county's tiers — and leaves today's counter alive, with orders in every state."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.test import Client
from django.utils import timezone

from linli.accounts.models import User
from linli.canteen.demo.seed import seed_canteen
from linli.canteen.models import (
    DeliveryStatus,
    DeliveryTask,
    MealOrder,
    Menu,
    SettlementAdjustment,
    SettlementMonth,
    SubsidyTier,
)
from linli.canteen.settlement import figures_from_rows, previous_month
from linli.canteen.tiers import age_on, choose_tier, quote
from linli.ledger.models import EntryKind, LedgerEntry
from linli.org.models import Station
from linli.people.models import Resident, ResidentTag
from tests.conftest import api_token, bearer
from tests.demo.conftest import SeededDemo


def test_demo_canteen(demo: SeededDemo):
    assert "银龄爱心食堂: 新增" in demo.output
    jiaojia = Station.objects.get(code="JIAOJIA")
    today = timezone.localdate()
    orders = MealOrder.objects.filter(station=jiaojia)
    served = orders.filter(status="served")

    # About 55,000 meals served since the canteen opened, in every year, growing.
    assert 50_000 <= served.count() <= 60_000
    first = served.order_by("date").values_list("date", flat=True).first()
    assert first is not None and first >= date(2021, 6, 1)
    by_year = dict(served.values_list("date__year").annotate(count=Count("id")).order_by())
    assert set(range(2021, today.year + 1)) <= set(by_year)
    assert by_year[2025] > by_year[2022] > 5_000
    # Lunch from the start, dinner from 2022, breakfast from September 2023; closed at 春节.
    firsts = {
        meal: served.filter(meal=meal).order_by("date").values_list("date", flat=True)[0]
        for meal in ("breakfast", "lunch", "dinner")
    }
    assert firsts["breakfast"] >= date(2023, 9, 1) and firsts["dinner"] >= date(2022, 3, 1)
    assert not Menu.objects.filter(station=jiaojia, date=date(2024, 2, 10)).exists()  # 除夕后

    # The county's tiers, each raise replacing the one before it.
    tiers = list(SubsidyTier.objects.filter(station=jiaojia).select_related("funder"))
    assert {tier.funder.name for tier in tiers} == {
        "当涂县民政局",
        "当涂县残疾人联合会",
        "焦家社区居委会",
    }
    old_80 = next(t for t in tiers if t.name == "80岁以上高龄老人" and t.amount == Decimal("3.00"))
    assert old_80.effective_until == date(2023, 12, 31)

    # Every history order was priced by the one rule, on its day, with the tags of its person.
    tags: dict[int, list[str]] = {}
    for resident_id, tag in ResidentTag.objects.values_list("resident_id", "tag"):
        tags.setdefault(resident_id, []).append(tag)
    births = dict(Resident.objects.filter(station=jiaojia).values_list("pk", "birth_date"))
    sample = served.filter(date__lt=today).select_related("menu").order_by("?")[:400]
    for order in sample:
        age = age_on(births[order.resident_id], order.date)
        tier = choose_tier(tiers, age=age, tags=tags.get(order.resident_id, []), on=order.date)
        priced = quote(order.menu.price, tier, age)
        chosen = priced.tier
        assert (order.price, order.subsidy, order.payable, order.tier_id, order.age) == (
            priced.price, priced.subsidy, priced.payable, chosen.pk if chosen else None, age,
        ), order.pk  # fmt: skip
        assert order.funder_id == (chosen.funder_id if chosen else None)
    assert served.filter(tier__isnull=True).exists()  # younger companions pay in full

    # Deliveries: volunteers' lunches are service time in the ledger, once each.
    delivered = DeliveryTask.objects.filter(station=jiaojia, status=DeliveryStatus.DELIVERED)
    by_volunteer = delivered.exclude(volunteer=None)
    entries = LedgerEntry.objects.filter(kind=EntryKind.DELIVERY)
    assert entries.count() == by_volunteer.count() > 3_000
    assert set(entries.values_list("source_key", flat=True)) == {
        f"meal_delivery:{pk}" for pk in by_volunteer.values_list("pk", flat=True)
    }
    assert delivered.filter(volunteer=None).exists()  # the canteen's own staff deliver too

    # Months are closed from the rows; the last month waits for staff; one correction.
    last = previous_month(today.replace(day=1))
    closed = SettlementMonth.objects.filter(station=jiaojia)
    assert not closed.filter(month=last).exists()
    assert closed.filter(month=previous_month(last)).exists() and closed.count() >= 60
    for settlement in closed.order_by("?")[:6]:
        rows = figures_from_rows(jiaojia, settlement.month)
        assert settlement.meals == sum(line.meals for line in rows)
        assert settlement.subsidy_total == sum((line.subsidy for line in rows), Decimal("0"))
    correction = SettlementAdjustment.objects.get(station=jiaojia)
    assert (correction.month, correction.corrects_month, correction.meals) == (
        last,
        previous_month(last),
        -1,
    )

    # Today: orders in every state at the counter, deliveries open, taken and delivered.
    todays = orders.filter(date=today)
    states = Counter(todays.values_list("status", flat=True))
    assert states["served"] and states["ordered"] and states["cancelled"]
    assert todays.filter(channel="counter", status="served").exists()
    tasks = Counter(DeliveryTask.objects.filter(order__date=today).values_list("status", flat=True))
    assert tasks["open"] and tasks["taken"] and tasks["delivered"]
    huang = User.objects.get(phone="13900000004")
    assert DeliveryTask.objects.filter(
        order__date=today, status="taken", volunteer__user=huang
    ).exists()
    assert (
        Menu.objects.filter(station=jiaojia, date=today + timedelta(days=6)).exists()
        or (today + timedelta(days=6)).weekday() == 6
    )

    # 李桂英 orders for herself and her husband.
    li = User.objects.get(phone="13900000005")
    herself = Resident.objects.get(user=li)
    assert herself.name == "李桂英"
    ordered_by_her = orders.filter(ordered_by=li)
    assert ordered_by_her.filter(resident=herself, channel="self").exists()
    assert ordered_by_her.filter(channel="family").exclude(resident=herself).exists()

    # The summary counts the served meals from rows; the settlement API equals them.
    staff = User.objects.get(phone="13900000002")
    headers = bearer(api_token(staff))
    summary = Client().get("/api/v1/stats/summary", **headers).json()
    assert summary["meals_served"] == served.count()
    assert (
        Client().get("/api/v1/stats/summary", {"year": 2025}, **headers).json()["meals_served"]
        == by_year[2025]
    )
    body = Client().get("/api/v1/canteen/settlement", {"month": f"{last:%Y-%m}"}, **headers).json()
    month_rows = served.filter(date__year=last.year, date__month=last.month).aggregate(
        subsidy=Sum("subsidy")
    )
    assert body["meals"] == served.filter(date__year=last.year, date__month=last.month).count() - 1
    assert body["closed"] is False and len(body["adjustments"]) == 1
    assert abs(
        Decimal(body["subsidy_total"]) - (month_rows["subsidy"] + correction.subsidy)
    ) < Decimal("0.005")

    # A second run adds nothing.
    before = (orders.count(), Menu.objects.count(), LedgerEntry.objects.count(), closed.count())
    assert seed_canteen() == 0
    assert (
        orders.count(),
        Menu.objects.count(),
        LedgerEntry.objects.count(),
        closed.count(),
    ) == before
