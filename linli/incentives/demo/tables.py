"""The figures the demo's incentives are planned from."""

from __future__ import annotations

from datetime import date

SEED = 1226
# (name, unit, points, purchase per quarter): the 爱心超市's shelf.
GOODS = [
    ("大米 5kg", "袋", 300, 12),
    ("食用油 5L", "桶", 400, 8),
    ("洗衣液 2kg", "瓶", 150, 12),
    ("毛巾", "条", 50, 20),
    ("香皂", "块", 30, 24),
    ("牙膏", "支", 40, 20),
    ("抽纸（6 包）", "提", 60, 16),
    ("保温杯", "个", 200, 6),
]
SHOP_OPENED = date(2022, 1, 10)
REDEMPTIONS_A_MONTH = (8, 16)
CANCELLED_SHARE = 0.08  # cancelled by the volunteer or expired: points and stock returned
DEPOSITORS = 120  # volunteers who put part of their verified hours into the time bank
POOL_PAYMENTS = 6  # completed requests for elders the pool paid for
# Honours of past years: (title, kind, years, how many a year).
HONOURS = [
    ("优秀志愿者", "volunteer", range(2021, 2026), 5),
    ("优秀志愿服务队", "team", range(2021, 2026), 1),
    ("五好家庭", "family", range(2021, 2026), 3),
    ("好婆婆", "family", range(2021, 2026), 1),
    ("好媳妇", "family", range(2021, 2026), 1),
]
EPIDEMIC_TITLE = "社区优秀防疫志愿者"
EPIDEMIC_YEAR = 2022
EPIDEMIC_COUNT = 20  # SPEC §1: 20 volunteers named 社区优秀防疫志愿者
GRANTED_BY = "中共当涂经济开发区工作委员会"
