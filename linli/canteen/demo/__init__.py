"""The demo canteen of 焦家社区 (SPEC §1: 银龄爱心食堂, about 55,000 meals since 2021-06-01).

The county's tiers and their funders through the actions; the history since the opening planned
from a fixed seed (`plan`) and bulk-inserted a year at a time (`seed`), its months closed from its
rows; today lived through the actions, with orders in every state.
"""

from linli.canteen.demo.plan import CanteenPlan, CanteenPlanner
from linli.canteen.demo.seed import plan_canteen, seed_canteen

__all__ = ["CanteenPlan", "CanteenPlanner", "plan_canteen", "seed_canteen"]
