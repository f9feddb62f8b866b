"""The canteen's cast, on the shared world (tests/conftest.py).

焦家's canteen has two funders and five tiers like a county's: 县民政局 pays 1.00 / 2.00 / 3.00
yuan a meal for ages 60–69 / 70–79 / 80+ and 4.00 for 低保 (low income) elders; the 居委会 pays
2.50 for registered disabled residents. Menus: today's and tomorrow's breakfast (4.00), lunch
(12.00) and dinner (10.00); tomorrow's orders close tomorrow at 09:00, so residents can always
order them.

The people: 王秀梅 (`registry.wang`, 68, living alone, disabled: the 残疾 tier, 2.50, beats
60–69's 1.00); 李建国 (`registry.li`, 45) holds the resident account (`family.account`) and
orders for his father 李德福 (`family.father`, 82: 80+, 3.00) of the same household; 王秀兰
(`registry.outsider`) lives at 黄池, whose canteen has its own menu and must stay out of sight.
The canteen operator, station staff and the volunteer user are the world's users.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.canteen.actions import MenuInput, TierInput, funder_save, menu_save, tier_create
from linli.canteen.models import Funder, Menu, SubsidyTier
from linli.people.actions import AddressInput
from linli.people.models import Resident
from tests.conftest import Registry, World, add_resident, api_token, bearer

PRICES = {"breakfast": Decimal("4.00"), "lunch": Decimal("12.00"), "dinner": Decimal("10.00")}
DISHES = {
    "breakfast": ["小米粥", "鸡蛋", "素包子"],
    "lunch": ["红烧鱼块", "清炒菠菜", "番茄蛋汤", "米饭"],
    "dinner": ["肉末蒸蛋", "炒青菜", "小米粥"],
}


class Caller:
    """One person using the API with their own token."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.client = Client()
        self.headers = bearer(api_token(user))

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, **self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, body or {}, content_type="application/json", **self.headers)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def publish(
    station: Any, day: date, meal: str, *, cutoff: datetime | None = None, **kw: Any
) -> Menu:
    menu, _created = menu_save(
        station=station,
        data=MenuInput(
            date=day,
            meal=meal,
            dishes=kw.pop("dishes", DISHES[meal]),
            price=kw.pop("price", PRICES[meal]),
            notes=kw.pop("notes", ["low_salt"]),
            cutoff_at=cutoff,
        ),
        actor=None,
        at=kw.pop("now", None),
    )
    return menu


@dataclass
class Family:
    account: Any  # the resident user, linked to 李建国
    son: Resident  # 李建国, 45
    father: Resident  # 李德福, 82, same household


@pytest.fixture
def family(registry: Registry, world: World) -> Family:
    today = timezone.localdate()
    father = add_resident(
        world.jiaojia,
        "李德福",
        gender="M",
        birth_date=date(today.year - 82, 1, 15),
        phone="13855550009",
        address=AddressInput("焦家小区", "8", "1", "101"),
        relation="parent",
    )
    account = world.user(Role.RESIDENT)
    Resident.objects.filter(pk=registry.li.pk).update(user=account)
    return Family(account, Resident.objects.get(pk=registry.li.pk), father)


@dataclass
class Canteen:
    minzheng: Funder
    juweihui: Funder
    tiers: dict[str, SubsidyTier]
    today: dict[str, Menu]
    tomorrow: dict[str, Menu]
    outside_lunch: Menu  # 黄池's lunch today

    def menu(self, day: str, meal: str) -> Menu:
        return getattr(self, day)[meal]


def make_tiers(
    station: Any, minzheng: Funder, juweihui: Funder, since: date
) -> dict[str, SubsidyTier]:
    rules = {
        "60-69": ("60–69岁老人", minzheng, 60, 69, "", "1.00"),
        "70-79": ("70–79岁老人", minzheng, 70, 79, "", "2.00"),
        "80+": ("80岁以上高龄老人", minzheng, 80, None, "", "3.00"),
        "low_income": ("低保、特困老人", minzheng, 60, None, "low_income", "4.00"),
        "disabled": ("残疾人", juweihui, None, None, "disabled", "2.50"),
    }
    return {
        key: tier_create(
            station=station,
            data=TierInput(
                name=name,
                funder_id=funder.pk,
                amount=Decimal(amount),
                effective_from=since,
                min_age=low,
                max_age=high,
                tag=tag,
            ),
            actor=None,
        )
        for key, (name, funder, low, high, tag, amount) in rules.items()
    }


@pytest.fixture
def canteen(registry: Registry, world: World) -> Canteen:
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    minzheng = funder_save(station=world.jiaojia, name="当涂县民政局", actor=None)
    juweihui = funder_save(station=world.jiaojia, name="焦家社区居委会", actor=None)
    tiers = make_tiers(world.jiaojia, minzheng, juweihui, date(2021, 6, 1))
    todays = {meal: publish(world.jiaojia, today, meal) for meal in PRICES}
    tomorrows = {
        meal: publish(world.jiaojia, tomorrow, meal, cutoff=at(tomorrow, 9)) for meal in PRICES
    }
    outside = publish(world.huangchi, today, "lunch")
    return Canteen(minzheng, juweihui, tiers, todays, tomorrows, outside)
