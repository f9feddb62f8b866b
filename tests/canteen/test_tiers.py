"""Which subsidy tier a meal gets: the table of SPEC §7.1 — ages on the boundary (on the birthday
the elder is the new age), registry tags, effective dates, and the highest single tier, never two.

The tiers are 焦家's (tests/canteen/conftest.py): 60–69 1.00, 70–79 2.00, 80+ 3.00 (民政),
低保 60+ 4.00 (民政), 残疾 any age 2.50 (居委会). Each row says who eats when, and which tier
(and subsidy) the order fixes.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from linli.canteen.actions import TierInput, order_place, tier_create, tier_end
from linli.canteen.models import SubsidyTier
from linli.canteen.tiers import age_on, choose_tier, quote
from linli.core.errors import DomainError
from tests.conftest import add_resident

MEAL_DAY = date(2030, 6, 15)


def born(years: int, *, days: int = 0) -> date:
    """A birth date making someone exactly `years` old on MEAL_DAY, `days` later still."""
    return MEAL_DAY.replace(year=MEAL_DAY.year - years) + timedelta(days=days)


@pytest.mark.parametrize(
    ("birth_date", "tags", "expected", "subsidy"),
    [
        (born(59), set(), None, "0.00"),
        (born(60, days=1), set(), None, "0.00"),  # 60 tomorrow: still 59 today
        (born(60), set(), "60-69", "1.00"),  # the 60th birthday itself
        (born(69), set(), "60-69", "1.00"),
        (born(70, days=1), set(), "60-69", "1.00"),
        (born(70), set(), "70-79", "2.00"),
        (born(79), set(), "70-79", "2.00"),
        (born(80), set(), "80+", "3.00"),
        (born(101), set(), "80+", "3.00"),
        (born(45), {"low_income"}, None, "0.00"),  # 低保 tier needs 60+
        (born(60), {"low_income"}, "low_income", "4.00"),  # 4.00 beats 1.00, never 5.00
        (born(85), {"low_income"}, "low_income", "4.00"),  # 4.00 beats 3.00
        (born(30), {"disabled"}, "disabled", "2.50"),  # 残疾 at any age
        (born(65), {"disabled"}, "disabled", "2.50"),  # 2.50 beats 1.00
        (born(75), {"disabled"}, "disabled", "2.50"),  # 2.50 beats 2.00
        (born(82), {"disabled"}, "80+", "3.00"),  # 3.00 beats 2.50
        (born(82), {"disabled", "low_income"}, "low_income", "4.00"),
        (born(66), {"living_alone", "empty_nest"}, "60-69", "1.00"),  # tags no tier names
    ],
)
def test_the_highest_single_tier_applies(canteen, world, birth_date, tags, expected, subsidy):
    tiers = list(SubsidyTier.objects.filter(station=world.jiaojia))
    chosen = choose_tier(tiers, age=age_on(birth_date, MEAL_DAY), tags=tags, on=MEAL_DAY)
    assert (chosen.pk if chosen else None) == (canteen.tiers[expected].pk if expected else None)
    assert quote(Decimal("12.00"), chosen, 0).subsidy == Decimal(subsidy)


@pytest.mark.parametrize(
    ("birth_date", "on", "age"),
    [
        (date(1950, 6, 15), date(2030, 6, 15), 80),
        (date(1950, 6, 16), date(2030, 6, 15), 79),
        (date(1952, 2, 29), date(2032, 2, 28), 79),  # a leap-day birthday counts on 1 March
        (date(1952, 2, 29), date(2032, 2, 29), 80),
        (date(1952, 2, 29), date(2031, 3, 1), 79),
        (date(1952, 2, 29), date(2031, 2, 28), 78),
    ],
)
def test_age_on_a_meals_day(birth_date, on, age):
    assert age_on(birth_date, on) == age


def test_a_tier_applies_only_within_its_dates(canteen, world):
    """民政 raises 70–79 from 2.00 to 2.50 on 2025-01-01: meals before keep 2.00."""
    raised = tier_create(
        station=world.jiaojia,
        data=TierInput(
            name="70–79岁老人（2025年标准）",
            funder_id=canteen.minzheng.pk,
            amount=Decimal("2.50"),
            effective_from=date(2025, 1, 1),
            min_age=70,
            max_age=79,
        ),
        actor=None,
        replaces=canteen.tiers["70-79"],
    )
    tiers = list(SubsidyTier.objects.filter(station=world.jiaojia))

    def tier_on(day: date) -> SubsidyTier | None:
        return choose_tier(tiers, age=75, tags=(), on=day)

    assert tier_on(date(2024, 12, 31)) == canteen.tiers["70-79"]
    assert tier_on(date(2025, 1, 1)) == raised
    assert tier_on(date(2021, 5, 31)) is None  # before the canteen's first tiers
    canteen.tiers["70-79"].refresh_from_db()
    assert canteen.tiers["70-79"].effective_until == date(2024, 12, 31)


def test_equal_amounts_go_to_the_tier_defined_first(canteen, world):
    twin = tier_create(
        station=world.jiaojia,
        data=TierInput(
            name="独居老人", funder_id=canteen.juweihui.pk, amount=Decimal("1.00"),
            effective_from=date(2021, 6, 1), min_age=60, tag="living_alone",
        ),
        actor=None,
    )  # fmt: skip
    tiers = list(SubsidyTier.objects.filter(station=world.jiaojia))
    chosen = choose_tier(tiers, age=65, tags={"living_alone"}, on=MEAL_DAY)
    assert chosen == canteen.tiers["60-69"] and chosen != twin


def test_the_subsidy_never_exceeds_the_price(canteen, world):
    """A 2.00 breakfast for a 低保 elder (4.00 a meal): subsidy 2.00, nothing to pay, never
    money back."""
    tiers = list(SubsidyTier.objects.filter(station=world.jiaojia))
    tier = choose_tier(tiers, age=70, tags={"low_income"}, on=MEAL_DAY)
    priced = quote(Decimal("2.00"), tier, 70)
    assert (priced.subsidy, priced.payable, priced.tier) == (Decimal("2.00"), Decimal("0.00"), tier)
    free = quote(Decimal("0.00"), tier, 70)
    assert (free.subsidy, free.payable, free.tier) == (Decimal("0.00"), Decimal("0.00"), None)


def test_an_order_fixes_the_tier_of_its_meals_day_and_the_tags_of_now(canteen, world):
    """The order of an elder who turns 70 on the meal's day takes the 70–79 tier."""
    menu = canteen.tomorrow["lunch"]
    birthday = add_resident(
        world.jiaojia, "周寿星", gender="F", birth_date=menu.date.replace(year=menu.date.year - 70)
    )
    order = order_place(menu=menu, resident=birthday, mode="dine_in", channel="phone", actor=None)
    assert (order.tier, order.subsidy, order.age) == (canteen.tiers["70-79"], Decimal("2.00"), 70)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"min_age": None, "tag": ""}, "min_age"),  # no rule: the tier would cover everyone
        ({"min_age": 80, "max_age": 70}, "max_age"),
        ({"min_age": None, "max_age": 70, "tag": "disabled"}, "min_age"),
        ({"min_age": 200}, "min_age"),
        ({"tag": "minor"}, "tag"),
        ({"amount": Decimal("0.00")}, "amount"),
        ({"amount": Decimal("1.005")}, "amount"),
        ({"amount": Decimal("100.01")}, "amount"),
        ({"name": "档" * 51}, "name"),
        ({"name": "a\x00b"}, "name"),
        ({"effective_from": date(1899, 1, 1)}, "effective_from"),
        ({"effective_until": date(2020, 1, 1)}, "effective_until"),
    ],
)
def test_a_tier_must_say_whom_it_helps_and_how_much(canteen, world, fields, field):
    data = {
        "name": "新档次",
        "funder_id": canteen.minzheng.pk,
        "amount": Decimal("1.50"),
        "effective_from": date(2027, 1, 1),
        "min_age": 60,
        "max_age": None,
        "tag": "",
        **fields,
    }
    with pytest.raises(ValidationError) as refused:
        tier_create(station=world.jiaojia, data=TierInput(**data), actor=None)
    assert field in refused.value.message_dict


def test_a_funder_of_another_station_is_refused(canteen, world):
    from linli.canteen.actions import funder_save

    theirs = funder_save(station=world.huangchi, name="黄池民政", actor=None)
    with pytest.raises(ValidationError) as refused:
        tier_create(
            station=world.jiaojia,
            data=TierInput(
                name="x",
                funder_id=theirs.pk,
                amount=Decimal("1"),
                effective_from=MEAL_DAY,
                min_age=60,
            ),
            actor=None,
        )
    assert "funder" in refused.value.message_dict


def test_ending_a_tier(canteen, world):
    tier = canteen.tiers["disabled"]
    tier_end(tier=tier, last_day=date(2026, 12, 31), actor=None)
    tier.refresh_from_db()
    assert tier.effective_until == date(2026, 12, 31)
    assert not tier.in_effect(date(2027, 1, 1))
    with pytest.raises(DomainError):
        tier_end(tier=tier, last_day=date(2027, 6, 30), actor=None)  # only earlier
    with pytest.raises(ValidationError):
        tier_end(tier=tier, last_day=date(2020, 1, 1), actor=None)  # before it began


def test_the_tiers_api_lists_the_stations_tiers_with_their_funders(canteen, world, family):
    from tests.canteen.conftest import Caller

    for user in (world.user("canteen_operator"), family.account, world.user("supervisor")):
        listed = Caller(user).get("/api/v1/canteen/tiers", current="true").json()
        assert listed["count"] == 5
        names = {item["name"]: item for item in listed["items"]}
        assert names["80岁以上高龄老人"]["amount"] == "3.00"
        assert names["80岁以上高龄老人"]["funder"]["name"] == "当涂县民政局"
        assert names["残疾人"]["tag"] == "disabled"
        assert all(item["in_effect"] for item in listed["items"])
    # 黄池 has its own; 焦家's are not theirs to see, and the volunteer and caregiver see none.
    assert Caller(world.outsider).get("/api/v1/canteen/tiers").json()["count"] == 0
    assert Caller(world.user("caregiver")).get("/api/v1/canteen/tiers").json()["count"] == 0
