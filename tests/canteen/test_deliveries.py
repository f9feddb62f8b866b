"""送餐上门: a delivery order becomes a task offered to the station's volunteers; one takes it,
sees the door and phone, delivers, and the meal is served and the time is in the ledger once.

The volunteer user is 黄文静 (`corps.volunteer`); 张志强 (`corps.leader`) is another volunteer
of 焦家; 钱进 (`corps.outsider`) volunteers at 黄池.
"""

from decimal import Decimal

import pytest
from django.test import override_settings

from linli.accounts.models import Role
from linli.canteen.actions import delivery_complete, delivery_take, order_place
from linli.canteen.models import DeliveryStatus, DeliveryTask, OrderStatus
from linli.core.errors import DomainError
from linli.ledger.models import Account, EntryKind, LedgerEntry
from linli.notifications.models import Notification
from tests.canteen.conftest import Caller, at
from tests.conftest import reads_in_english

DELIVERIES = "/api/v1/canteen/deliveries"


@pytest.fixture
def task(canteen, family):
    """李德福's lunch today, ordered by his son for delivery early this morning."""
    lunch = canteen.today["lunch"]
    order = order_place(
        menu=lunch,
        resident=family.father,
        mode="delivery",
        channel="family",
        actor=family.account,
        at=at(lunch.date, 0, 1),
    )
    return DeliveryTask.objects.get(order=order)


def test_a_volunteer_takes_delivers_and_earns_the_time_once(task, corps, world, family):
    volunteer = Caller(world.user(Role.VOLUNTEER))
    offered = volunteer.get(DELIVERIES).json()
    (item,) = offered["items"]
    # Before taking it: the estate, a masked name, no door, no phone.
    assert (item["status"], item["estate"], item["name"]) == ("open", "焦家小区", "李*福")
    assert item["address"] is None and item["phone"] is None

    taken = volunteer.post(f"{DELIVERIES}/{task.pk}/take")

    assert taken.status_code == 200, taken.content
    assert (taken.json()["name"], taken.json()["address"]) == ("李德福", "焦家小区8栋1单元101")
    assert taken.json()["phone"] == "13855550009"
    delivered = volunteer.post(f"{DELIVERIES}/{task.pk}/deliver")
    assert delivered.status_code == 200
    assert delivered.json()["status"] == "delivered"
    task.order.refresh_from_db()
    assert task.order.status == OrderStatus.SERVED
    entry = LedgerEntry.objects.get(kind=EntryKind.DELIVERY)
    assert (entry.volunteer, entry.account, entry.amount) == (
        corps.volunteer,
        Account.HOURS,
        Decimal("0.50"),
    )
    assert entry.served_on == task.order.date
    assert entry.description == "助餐送餐（午餐）"
    # Delivered twice is refused, and the time is not counted again.
    again = volunteer.post(f"{DELIVERIES}/{task.pk}/deliver")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_delivered")
    assert LedgerEntry.objects.filter(kind=EntryKind.DELIVERY).count() == 1
    # The son who ordered hears that it arrived.
    told = Notification.objects.get(user=family.account, kind="canteen.delivered")
    assert told.title.startswith("午餐已送达")
    assert reads_in_english(told).startswith("Lunch delivered")


@override_settings(CANTEEN_DELIVERY_HOURS=Decimal("0.25"))
def test_the_time_a_delivery_counts_is_configuration(task, corps):
    taken = delivery_take(task=task, actor=corps.volunteer.user)
    delivery_complete(task=taken, actor=corps.volunteer.user)
    assert LedgerEntry.objects.get(kind=EntryKind.DELIVERY).amount == Decimal("0.25")


def test_a_volunteer_sees_only_open_tasks_and_their_own(
    task, canteen, corps, family, registry, world
):
    other = order_place(
        menu=canteen.today["dinner"],
        resident=registry.wang,
        mode="delivery",
        channel="phone",
        actor=None,
    )
    theirs = delivery_take(task=other.delivery, actor=corps.leader.user)
    volunteer = Caller(world.user(Role.VOLUNTEER))

    listed = {item["id"] for item in volunteer.get(DELIVERIES).json()["items"]}

    assert listed == {task.pk}  # open; not the one 张志强 holds
    assert volunteer.get(DELIVERIES, mine="true").json()["count"] == 0
    taken = volunteer.post(f"{DELIVERIES}/{theirs.pk}/take")
    assert taken.status_code == 404  # someone else's task is out of sight
    for action in ("deliver", "release"):
        assert volunteer.post(f"{DELIVERIES}/{theirs.pk}/{action}").status_code == 404
    # The leader, holding it, sees 王秀梅's door; the canteen sees everything.
    leader_view = Caller(world.user(Role.TEAM_LEADER)).get(DELIVERIES, mine="true").json()
    assert leader_view["items"][0]["address"] == "金桥花园3栋2单元502"
    operator = Caller(world.user(Role.CANTEEN_OPERATOR)).get(DELIVERIES).json()
    assert operator["count"] == 2 and all(item["address"] for item in operator["items"])


def test_a_volunteer_of_another_station_never_sees_the_task(task, corps):
    from linli.volunteers.models import Volunteer

    outsider = Volunteer.objects.select_related("user").get(pk=corps.outsider.pk)
    caller = Caller(outsider.user)
    assert caller.get(DELIVERIES).json()["count"] == 0
    assert caller.post(f"{DELIVERIES}/{task.pk}/take").status_code == 404


def test_a_taken_task_cannot_be_taken_again_and_comes_back_when_released(task, corps, world):
    volunteer, leader = Caller(world.user(Role.VOLUNTEER)), Caller(world.user(Role.TEAM_LEADER))
    assert volunteer.post(f"{DELIVERIES}/{task.pk}/take").status_code == 200
    # 张志强 no longer sees it: it is not open, and not his.
    assert leader.post(f"{DELIVERIES}/{task.pk}/take").status_code == 404
    with pytest.raises(DomainError) as refused:
        delivery_take(task=task, actor=None, volunteer=corps.leader)
    assert refused.value.code == "already_taken"
    released = volunteer.post(f"{DELIVERIES}/{task.pk}/release")
    assert released.json()["status"] == "open" and released.json()["volunteer"] is None
    assert leader.post(f"{DELIVERIES}/{task.pk}/take").status_code == 200


def test_residents_and_caregivers_have_no_delivery_tasks(task, world, family):
    for role in (Role.RESIDENT, Role.CAREGIVER):
        caller = Caller(world.user(role))
        assert caller.get(DELIVERIES).json()["count"] == 0
        assert caller.post(f"{DELIVERIES}/{task.pk}/take").status_code == 404


def test_the_canteen_delivers_itself_without_ledger_time(task, world):
    operator = Caller(world.user(Role.CANTEEN_OPERATOR))
    # The operator is no volunteer: taking is for volunteers.
    assert operator.post(f"{DELIVERIES}/{task.pk}/take").status_code == 403
    delivered = operator.post(f"{DELIVERIES}/{task.pk}/deliver")
    assert delivered.status_code == 200
    assert not LedgerEntry.objects.filter(kind=EntryKind.DELIVERY).exists()
    task.refresh_from_db()
    assert task.status == DeliveryStatus.DELIVERED


def test_a_cancelled_order_cancels_its_task(task, family, world):
    operator = Caller(world.user(Role.CANTEEN_OPERATOR))
    cancelled = operator.post(
        f"/api/v1/canteen/orders/{task.order_id}/cancel", {"reason": "家属接走了"}
    )
    assert cancelled.status_code == 200
    task.refresh_from_db()
    assert task.status == DeliveryStatus.CANCELLED
    volunteer = Caller(world.user(Role.VOLUNTEER))
    assert volunteer.get(DELIVERIES).json()["count"] == 0
