"""The fixed figures the demo canteen is drawn from: its funders and their tiers as a county's
民政 budget sets them (with the raises of the years), its prices, dishes and how many eat.

焦家's 银龄爱心食堂 opened with the elderly day-care centre on 2021-06-01, lunch only; dinner
(on working days) followed in March 2022 and breakfast (Monday to Saturday) in September 2023.
It closes over the Spring Festival holidays. About 55,000 meals served by today (SPEC §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

STATION_CODE = "JIAOJIA"
RANDOM_SEED = 20210601  # the canteen opened with the day-care centre
OPENED = date(2021, 6, 1)
OPERATOR_PHONE = "13900000006"  # SPEC §6: 刘红霞, canteen operator
STAFF_PHONE = "13900000002"  # SPEC §6: 王秀梅, station staff
RESIDENT_PHONE = "13900000005"  # SPEC §6: 李桂英, the demo resident
VOLUNTEER_PHONE = "13900000004"  # SPEC §6: 黄文静, volunteer

# (name, note)
FUNDERS = [
    ("当涂县民政局", "县级养老服务补贴：老年助餐（按年龄段、低保特困）"),
    ("当涂县残疾人联合会", "残疾人助餐补贴"),
    ("焦家社区居委会", "社区公益金：高龄老人加补"),
]


@dataclass(frozen=True)
class TierSpec:
    key: str
    name: str
    funder: str
    amount: Decimal
    effective_from: date
    min_age: int | None = None
    max_age: int | None = None
    tag: str = ""
    replaces: str = ""  # the key of the tier this one succeeds (it ends the day before)


# A county's tiers as they changed: 70+ from the opening, 60–69 from July 2023, the raise of
# January 2024, 低保/特困 and 残疾 all along, and the 居委会's 90+ top-up from 2025.
TIERS = [
    TierSpec("70-79", "70–79岁老人", "当涂县民政局", Decimal("2.00"), OPENED, 70, 79),
    TierSpec("80+", "80岁以上高龄老人", "当涂县民政局", Decimal("3.00"), OPENED, 80),
    TierSpec("low_income", "低保、特困老人", "当涂县民政局", Decimal("5.00"), OPENED, 60, tag="low_income"),
    TierSpec("disabled", "持证残疾人", "当涂县残疾人联合会", Decimal("3.00"), OPENED, tag="disabled"),
    TierSpec("60-69", "60–69岁老人", "当涂县民政局", Decimal("1.00"), date(2023, 7, 1), 60, 69),
    TierSpec("70-79-2024", "70–79岁老人", "当涂县民政局", Decimal("2.50"), date(2024, 1, 1), 70, 79, replaces="70-79"),
    TierSpec("80+-2024", "80岁以上高龄老人", "当涂县民政局", Decimal("4.00"), date(2024, 1, 1), 80, replaces="80+"),
    TierSpec("90+", "90岁以上长寿老人", "焦家社区居委会", Decimal("5.00"), date(2025, 1, 1), 90),
]  # fmt: skip

# Prices by the day they took effect (the 2024 rise with the county's food prices).
PRICES: dict[str, list[tuple[date, Decimal]]] = {
    "breakfast": [(date(2023, 9, 1), Decimal("3.00"))],
    "lunch": [(OPENED, Decimal("10.00")), (date(2024, 3, 1), Decimal("12.00"))],
    "dinner": [(date(2022, 3, 1), Decimal("8.00")), (date(2024, 3, 1), Decimal("10.00"))],
}
# The days each meal is served: from when, and on which weekdays (0 = Monday).
SERVED_FROM = {"breakfast": date(2023, 9, 1), "lunch": OPENED, "dinner": date(2022, 3, 1)}
WEEKDAYS = {"breakfast": range(6), "lunch": range(7), "dinner": range(5)}
# How many eat a meal on an ordinary day: (at the start, by the end of 2026), growing in between.
DINERS = {"breakfast": (4, 8), "lunch": (13, 24), "dinner": (5, 10)}
MEAL_TIMES = {"breakfast": time(7, 20), "lunch": time(11, 30), "dinner": time(17, 10)}
REGULARS = 220  # the elders who eat here at all, some daily, some now and then
COMPANIONS = 0.04  # the share of meals eaten by younger household members (no subsidy)
CANCELLED = 0.03  # cancelled the day before
NO_SHOW = 0.015  # ordered and never collected
HOMEBOUND = 12  # elders who have their lunch brought home
DELIVERERS = 24  # the volunteers who take turns bringing it
CANTEEN_DELIVERS = 0.1  # deliveries the canteen's own staff make
CANCEL_REASONS = ["家里来了客人", "去医院复查", "子女接去吃饭", "身体不舒服，不想吃"]
LATE_CANCEL_REASON = "老人临时住院"

BREAKFAST = {
    "staple": ["小米粥", "白米粥", "南瓜粥", "豆浆", "燕麦牛奶", "八宝粥"],
    "main": ["鸡蛋", "茶叶蛋", "素包子", "肉包子", "花卷", "馒头", "葱油饼", "烧卖"],
    "side": ["榨菜", "咸鸭蛋", "拌黄瓜", "腐乳", "拌海带丝"],
}
LUNCH = {
    "meat": [
        "红烧鱼块", "清蒸鲈鱼", "红烧肉", "土豆烧鸡块", "肉末豆腐", "青椒肉丝", "糖醋排骨",
        "香菇炖鸡", "萝卜烧牛腩", "肉末茄子", "虾仁蒸蛋", "毛豆烧仔鸡", "红烧狮子头", "鱼香肉丝",
    ],
    "vegetable": [
        "清炒菠菜", "蒜蓉青菜", "炒土豆丝", "醋溜白菜", "清炒西兰花", "红烧冬瓜", "炒豆芽",
        "番茄炒蛋", "香菇青菜", "清炒丝瓜", "蒸南瓜",
    ],
    "soup": ["番茄蛋汤", "紫菜蛋花汤", "冬瓜排骨汤", "丝瓜汤", "白菜豆腐汤", "萝卜汤"],
}  # fmt: skip
DINNER = {
    "staple": ["小米粥", "青菜面条", "荠菜馄饨", "白菜猪肉饺子", "南瓜粥", "杂粮饭"],
    "meat": ["肉末蒸蛋", "清蒸鱼", "卤鸡腿", "肉末豆腐", "番茄牛肉"],
    "vegetable": ["炒青菜", "拌黄瓜", "炒西葫芦", "清炒山药", "蒜蓉生菜"],
}
