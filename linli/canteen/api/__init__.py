"""The canteen API (SPEC §7.2), mounted at /api/v1/canteen: menus and tiers, orders, delivery
tasks, the monthly settlement."""

from ninja import Router

from linli.canteen.api.deliveries import router as deliveries_router
from linli.canteen.api.menus import router as menus_router
from linli.canteen.api.orders import router as orders_router
from linli.canteen.api.settlement import router as settlement_router

router = Router(tags=["canteen"])
router.add_router("", menus_router)
router.add_router("", orders_router)
router.add_router("", deliveries_router)
router.add_router("", settlement_router)
