"""Ordering, serving and cancelling through the API, as the canteen's clients do it: an elder's
son orders for his father and himself, the canteen takes a phone order and a walk-in, the counter
serves once, cancelling stops at the cut-off, and the order keeps its price, subsidy and tier
whatever changes after it.

The cast is tests/canteen/conftest.py: 李建国's account orders for his father 李德福 (82: the
80+ tier, 3.00); 王秀梅 is disabled (the 居委会's 2.50 beats the 1.00 of her age band).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.canteen.actions import TierInput, order_place, tier_create
from linli.canteen.models import DeliveryStatus, DeliveryTask, MealOrder, OrderStatus
from linli.notifications.models import Notification
from linli.people.actions import AddressInput
from tests.canteen.conftest import Caller, at, publish
from tests.conftest import reads_in_english

ORDERS = "/api/v1/canteen/orders"


def order_body(resident, menu, **extra):
    return {"resident": resident.pk, "date": menu.date.isoformat(), "meal": menu.meal, **extra}


def test_a_son_orders_lunch_for_his_father_and_sees_what_it_costs(canteen, family):
    son = Caller(family.account)
    lunch = canteen.tomorrow["lunch"]

    response = son.post(ORDERS, order_body(family.father, lunch, mode="delivery"))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "ordered"
    assert (body["price"], body["subsidy"], body["payable"]) == ("12.00", "3.00", "9.00")
    assert body["tier"]["name"] == "80岁以上高龄老人"
    assert body["tier"]["funder"] == "当涂县民政局"
    assert body["channel"] == "family"
    assert body["delivery"]["status"] == "open"
    order = MealOrder.objects.get(pk=body["id"])
    assert order.ordered_by == family.account
    assert order.delivery_address == "焦家小区8栋1单元101"
    # He orders his own lunch too: no subsidy at 45, the full price.
    own = son.post(ORDERS, order_body(family.son, lunch)).json()
    assert (own["channel"], own["subsidy"], own["payable"], own["tier"]) == (
        "self",
        "0.00",
        "12.00",
        None,
    )
    # Both orders are in his list, and nothing else.
    listed = son.get(ORDERS).json()
    assert {item["id"] for item in listed["items"]} == {body["id"], own["id"]}
    assert listed["count"] == 2


def test_one_meal_per_person_per_slot(canteen, family, world):
    son = Caller(family.account)
    lunch = canteen.tomorrow["lunch"]
    assert son.post(ORDERS, order_body(family.father, lunch)).status_code == 201

    again = son.post(ORDERS, order_body(family.father, lunch, mode="pickup"))

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_ordered"
    assert "李德福" in again.json()["error"]["message"]
    # The canteen cannot place a second one either.
    staff = Caller(world.user(Role.CANTEEN_OPERATOR))
    assert staff.post(ORDERS, order_body(family.father, lunch)).status_code == 409
    assert MealOrder.objects.filter(resident=family.father).count() == 1


def test_a_cancelled_order_frees_the_slot(canteen, family):
    son = Caller(family.account)
    lunch = canteen.tomorrow["lunch"]
    first = son.post(ORDERS, order_body(family.father, lunch, mode="delivery")).json()

    cancelled = son.post(f"{ORDERS}/{first['id']}/cancel")

    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"
    assert DeliveryTask.objects.get(order_id=first["id"]).status == DeliveryStatus.CANCELLED
    again = son.post(ORDERS, order_body(family.father, lunch))
    assert again.status_code == 201
    assert son.post(f"{ORDERS}/{first['id']}/cancel").status_code == 409


def test_residents_order_and_cancel_only_until_the_cut_off(canteen, family, world):
    son = Caller(family.account)
    today = timezone.localdate()
    closed = publish(
        world.jiaojia, today + timedelta(days=2), "lunch", cutoff=timezone.now() + timedelta(days=1)
    )
    order = son.post(ORDERS, order_body(family.father, closed)).json()
    # The cut-off passes.
    closed.cutoff_at = timezone.now() - timedelta(minutes=1)
    closed.save(update_fields=["cutoff_at"])

    late_order = son.post(ORDERS, order_body(family.son, closed))
    late_cancel = son.post(f"{ORDERS}/{order['id']}/cancel")

    assert late_order.status_code == 409
    assert late_order.json()["error"]["code"] == "past_cutoff"
    assert late_cancel.status_code == 409
    assert late_cancel.json()["error"]["code"] == "past_cutoff"
    # The canteen still may: a phone order, and a cancel with a reason (without one: 422).
    operator = Caller(world.user(Role.CANTEEN_OPERATOR))
    assert operator.post(ORDERS, order_body(family.son, closed)).status_code == 201
    assert operator.post(f"{ORDERS}/{order['id']}/cancel").status_code == 422
    done = operator.post(f"{ORDERS}/{order['id']}/cancel", {"reason": "老人住院了"})
    assert done.status_code == 200
    # The son hears of it in his inbox.
    note = Notification.objects.get(user=family.account, kind="canteen.order_cancelled")
    assert note.body == "老人住院了"
    assert reads_in_english(note).startswith("Meal order cancelled")


def test_the_counter_serves_an_order_once(canteen, registry, world):
    operator = Caller(world.user(Role.CANTEEN_OPERATOR))
    order = operator.post(ORDERS, order_body(registry.wang, canteen.today["lunch"])).json()
    assert order["channel"] == "phone"
    assert (order["subsidy"], order["payable"], order["tier"]["name"]) == ("2.50", "9.50", "残疾人")

    served = operator.post(f"{ORDERS}/{order['id']}/serve")
    again = operator.post(f"{ORDERS}/{order['id']}/serve")

    assert served.status_code == 200
    assert served.json()["status"] == "served"
    assert served.json()["served_at"].endswith("+08:00")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_served"
    assert (
        AuditLog.objects.filter(action="meal_order.served", target_id=str(order["id"])).count() == 1
    )


def test_a_walk_in_is_ordered_and_served_in_one_step(canteen, registry, world):
    operator = Caller(world.user(Role.CANTEEN_OPERATOR))

    walk_in = operator.post(
        ORDERS, order_body(registry.wang, canteen.today["dinner"], channel="counter")
    )

    assert walk_in.status_code == 201, walk_in.content
    assert (walk_in.json()["status"], walk_in.json()["channel"]) == ("served", "counter")
    # Only on the day: tomorrow's dinner is not a walk-in.
    tomorrow = operator.post(
        ORDERS, order_body(registry.wang, canteen.tomorrow["dinner"], channel="counter")
    )
    assert tomorrow.status_code == 409
    assert tomorrow.json()["error"]["code"] == "not_today"


def test_a_delivery_order_is_served_by_its_delivery_not_at_the_counter(canteen, family, world):
    operator = Caller(world.user(Role.CANTEEN_OPERATOR))
    order = operator.post(
        ORDERS, order_body(family.father, canteen.today["lunch"], mode="delivery")
    ).json()

    refused = operator.post(f"{ORDERS}/{order['id']}/serve")

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "delivery_order"


def test_a_delivery_needs_a_registered_address(canteen, world):
    from tests.conftest import add_resident

    homeless = add_resident(world.jiaojia, "赵大妈", gender="F", birth_date=date(1950, 5, 5))
    operator = Caller(world.user(Role.CANTEEN_OPERATOR))

    response = operator.post(
        ORDERS, order_body(homeless, canteen.tomorrow["lunch"], mode="delivery")
    )

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["loc"] == ["mode"]


def test_the_order_keeps_its_price_subsidy_and_tier_whatever_changes_later(canteen, family, world):
    son = Caller(family.account)
    lunch = canteen.tomorrow["lunch"]
    order = son.post(ORDERS, order_body(family.father, lunch)).json()
    # The canteen raises the price, and 民政 raises the 80+ subsidy from tomorrow.
    publish(world.jiaojia, lunch.date, "lunch", price=Decimal("13.50"), cutoff=lunch.cutoff_at)
    new_tier = tier_create(
        station=world.jiaojia,
        data=TierInput(
            name="80岁以上高龄老人（新标准）",
            funder_id=canteen.minzheng.pk,
            amount=Decimal("5.00"),
            effective_from=lunch.date,
            min_age=80,
        ),
        actor=None,
        replaces=canteen.tiers["80+"],
    )

    kept = son.get(f"{ORDERS}/{order['id']}").json()

    assert (kept["price"], kept["subsidy"], kept["payable"]) == ("12.00", "3.00", "9.00")
    assert kept["tier"]["id"] == canteen.tiers["80+"].pk
    # A new order (his own dinner) takes the new price rules; the father's next meal the new tier.
    dinner = son.post(ORDERS, order_body(family.father, canteen.tomorrow["dinner"])).json()
    assert (dinner["subsidy"], dinner["tier"]["id"]) == ("5.00", new_tier.pk)
    canteen.tiers["80+"].refresh_from_db()
    assert canteen.tiers["80+"].effective_until == lunch.date - timedelta(days=1)


def test_meals_of_a_day_gone_and_days_without_a_menu_are_refused(canteen, family, world):
    son = Caller(family.account)
    no_menu = son.post(
        ORDERS, {"resident": family.father.pk, "date": "2030-01-01", "meal": "lunch"}
    )
    assert (no_menu.status_code, no_menu.json()["error"]["code"]) == (409, "no_menu")
    yesterday = timezone.localdate() - timedelta(days=1)
    old = publish(world.jiaojia, yesterday, "lunch", now=at(yesterday, 7))
    past = Caller(world.user(Role.CANTEEN_OPERATOR)).post(ORDERS, order_body(family.father, old))
    assert (past.status_code, past.json()["error"]["code"]) == (409, "meal_past")


def test_an_order_placed_by_the_system_carries_no_account(canteen, registry):
    order = order_place(
        menu=canteen.today["lunch"],
        resident=registry.wang,
        mode="pickup",
        channel="phone",
        actor=None,
    )
    assert order.ordered_by is None
    assert order.status == OrderStatus.ORDERED


def test_the_lists_read_in_a_fixed_number_of_queries(canteen, family, registry, world):
    """The order and delivery lists cost the same few queries for three rows or thirty."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import add_resident

    operator = Caller(world.user(Role.CANTEEN_OPERATOR))
    operator.get(ORDERS)  # the token's first use writes its last-used time

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert operator.get(path).status_code == 200
        return len(captured.captured_queries)

    def order_for_many(count: int, offset: int) -> None:
        for index in range(count):
            person = add_resident(
                world.jiaojia, f"食客{chr(0x4E00 + offset + index)}", gender="M",
                birth_date=date(1940, 1, 1), address=AddressInput("金桥花园", "2", "1", f"{101 + offset + index}"),
            )  # fmt: skip
            order_place(
                menu=canteen.tomorrow["lunch"],
                resident=person,
                mode="delivery",
                channel="phone",
                actor=None,
            )

    order_for_many(3, 0)
    few = (queries(ORDERS), queries("/api/v1/canteen/deliveries"))
    order_for_many(27, 10)
    many = (queries(ORDERS), queries("/api/v1/canteen/deliveries"))
    assert few == many
    assert operator.get(ORDERS).json()["count"] == 30
