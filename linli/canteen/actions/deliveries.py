"""送餐上门: a delivery order's task is offered to the station's volunteers; one takes it (and
may give it back), and marks it delivered — which serves the order and puts the service time
in the one ledger (`EntryKind.DELIVERY`, `LINLI_CANTEEN_DELIVERY_HOURS` a delivery, credited
once per task). Canteen staff may deliver themselves (no ledger entry: it is their job) or
confirm for a volunteer who has no phone at hand.

Locks: the order first, then its task, in every action that touches both, so two actions
never wait for each other the other way round.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.canteen import access
from linli.canteen.actions.base import (
    local_now,
    lock_delivery,
    lock_order,
    move_delivery,
    move_order,
    refuse_closed_month,
    stored_user,
)
from linli.canteen.actions.orders import RESIDENT_CHANNELS
from linli.canteen.models import DeliveryStatus, DeliveryTask, OrderStatus
from linli.core.errors import DomainError
from linli.core.messages import Message, choice
from linli.ledger.actions import ledger_credit
from linli.ledger.models import Account, EntryKind
from linli.notifications.actions import notify
from linli.volunteers.access import active_volunteer_of
from linli.volunteers.models import Volunteer


def delivery_source_key(task_id: int) -> str:
    """The ledger's source key of the hours one delivery task earns (one credit per task)."""
    return f"meal_delivery:{task_id}"


@transaction.atomic
def delivery_take(
    *,
    task: DeliveryTask,
    actor: Any,
    volunteer: Volunteer | None = None,
    at: datetime | None = None,
) -> DeliveryTask:
    """接单: an active volunteer of the station takes an open task. The row is locked, so of
    two volunteers taking one task the second hears 409 `already_taken`. (`volunteer` names the
    volunteer when the system records it, `actor` None.)"""
    now = local_now(at)
    locked = lock_delivery(task)
    access.authorize_delivery(actor, locked, "take")
    taker = active_volunteer_of(actor) if actor is not None else volunteer
    if taker is None or taker.station_id != locked.station_id:
        raise PermissionDenied("take")
    if locked.status == DeliveryStatus.TAKEN:
        raise DomainError("already_taken", _("这单送餐已被其他志愿者接走了。"), status=409)
    locked.volunteer = taker
    locked.taken_at = now
    move_delivery(
        locked,
        DeliveryStatus.TAKEN,
        actor=actor,
        station=locked.station,
        fields=["volunteer", "taken_at"],
    )
    return locked


@transaction.atomic
def delivery_release(*, task: DeliveryTask, actor: Any) -> DeliveryTask:
    """The volunteer gives the task back (or staff take it off them): it is open again."""
    locked = lock_delivery(task)
    access.authorize_delivery(actor, locked, "release")
    if locked.status != DeliveryStatus.TAKEN:
        move_delivery(locked, DeliveryStatus.OPEN, actor=actor, station=locked.station, fields=[])
    locked.volunteer = None
    locked.taken_at = None
    move_delivery(
        locked,
        DeliveryStatus.OPEN,
        actor=actor,
        station=locked.station,
        fields=["volunteer", "taken_at"],
    )
    return locked


@transaction.atomic
def delivery_complete(
    *, task: DeliveryTask, actor: Any, at: datetime | None = None
) -> DeliveryTask:
    """送达: the meal is at the elder's door. The order becomes served; a volunteer's delivery
    is credited to their hours once (the ledger's source key names the task)."""
    now = local_now(at)
    order = lock_order(task.order)
    locked = lock_delivery(task)
    access.authorize_delivery(actor, locked, "deliver")
    if locked.status == DeliveryStatus.DELIVERED:
        raise DomainError("already_delivered", _("这单已经送达了。"), status=409)
    if order.date > timezone.localdate(now):
        raise DomainError("not_today", _("还没到这一餐的日子。"), status=409)
    refuse_closed_month(order.station_id, order.date)
    locked.delivered_at = now
    locked.delivered_by = stored_user(actor)
    move_delivery(
        locked,
        DeliveryStatus.DELIVERED,
        actor=actor,
        station=order.station,
        fields=["delivered_at", "delivered_by"],
    )
    order.served_at = now
    order.served_by = stored_user(actor)
    move_order(order, OrderStatus.SERVED, actor=actor, fields=["served_at", "served_by"])
    if locked.volunteer_id is not None:
        volunteer = Volunteer.objects.get(pk=locked.volunteer_id)
        ledger_credit(
            volunteer=volunteer,
            account=Account.HOURS,
            amount=settings.CANTEEN_DELIVERY_HOURS,
            kind=EntryKind.DELIVERY,
            served_on=order.date,
            description=_("助餐送餐（%(meal)s）") % {"meal": order.get_meal_display()},
            source_key=delivery_source_key(locked.pk),
            actor=actor,
        )
    if order.channel in RESIDENT_CHANNELS and order.ordered_by_id is not None:
        notify(
            users=[order.ordered_by],
            kind="canteen.delivered",
            title=Message(
                "canteen.delivered", {"meal": choice(order, "meal"), "name": order.resident.name}
            ),
            url=reverse("canteen:order"),
            station=order.station,
        )
    return locked
