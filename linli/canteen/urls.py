from django.urls import path, register_converter

from linli.canteen.converters import RowId
from linli.canteen.views import (
    counter,
    deliveries,
    index,
    menus,
    orders,
    resident,
    settlement,
    tiers,
)

app_name = "canteen"
register_converter(RowId, "canteen_id")

urlpatterns = [
    path("", index.index, name="index"),
    # Residents and their families.
    path("order/", resident.order_page, name="order"),
    path("orders/<canteen_id:pk>/cancel/", resident.order_cancel_view, name="cancel"),
    # The counter.
    path("counter/", counter.counter, name="counter"),
    path("counter/find/", counter.counter_find, name="counter_find"),
    path("counter/person/<canteen_id:resident_id>/", counter.counter_person, name="counter_person"),
    path("counter/serve/<canteen_id:order_id>/", counter.counter_serve, name="counter_serve"),
    path("counter/walk-in/", counter.counter_walk_in, name="counter_walk_in"),
    # The canteen's lists and plans.
    path("orders/", orders.order_list, name="orders"),
    path("orders/<canteen_id:pk>/serve/", orders.order_serve_view, name="serve"),
    path("orders/phone/", orders.phone_order, name="phone_order"),
    path("menus/", menus.week, name="menus"),
    path("menus/edit/", menus.edit, name="menus_edit"),
    path("menus/copy/", menus.copy_week, name="menus_copy"),
    path("tiers/", tiers.tiers, name="tiers"),
    path("tiers/<canteen_id:pk>/end/", tiers.tier_end_view, name="tier_end"),
    # Deliveries.
    path("deliveries/", deliveries.deliveries, name="deliveries"),
    path("deliveries/<canteen_id:pk>/<slug:action>/", deliveries.delivery_act, name="delivery_act"),
    # Settlement.
    path("settlement/", settlement.settlement, name="settlement"),
    path("settlement/close/", settlement.settlement_close_view, name="settlement_close"),
    path("settlement/export.xlsx", settlement.settlement_xlsx_view, name="settlement_xlsx"),
    path("settlement/statement.pdf", settlement.settlement_pdf_view, name="settlement_pdf"),
]
