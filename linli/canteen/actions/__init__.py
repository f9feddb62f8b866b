"""Every write of the canteen: one function per action (`<entity>_<verb>`), keyword-only
arguments, the acting user passed in, one transaction, an audit row. Pages, the API, the demo
and the tests all call these."""

from linli.canteen.actions.deliveries import delivery_complete, delivery_release, delivery_take
from linli.canteen.actions.menus import MenuInput, menu_save, menus_copy_week
from linli.canteen.actions.orders import order_cancel, order_place, order_serve, order_walk_in
from linli.canteen.actions.settlement import (
    AdjustmentInput,
    settlement_adjust,
    settlement_close,
)
from linli.canteen.actions.tiers import TierInput, funder_save, tier_create, tier_end

__all__ = [
    "AdjustmentInput",
    "MenuInput",
    "TierInput",
    "delivery_complete",
    "delivery_release",
    "delivery_take",
    "funder_save",
    "menu_save",
    "menus_copy_week",
    "order_cancel",
    "order_place",
    "order_serve",
    "order_walk_in",
    "settlement_adjust",
    "settlement_close",
    "tier_create",
    "tier_end",
]
