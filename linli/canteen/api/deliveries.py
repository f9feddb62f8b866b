"""送餐上门 tasks: `GET /api/v1/canteen/deliveries`, `POST /deliveries/{id}/take|release|deliver`.

A volunteer sees the tasks open at their station and the ones they took, nobody else's; the
elder's name, door and phone only once the task is theirs. Staff and the operator see their
stations' tasks in full.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from linli.canteen import access
from linli.canteen.actions import delivery_complete, delivery_release, delivery_take
from linli.canteen.api.output import ERRORS, caller, delivery_out, page
from linli.canteen.models import DeliveryTask
from linli.canteen.schemas import DeliveryOut, DeliveryPage, DeliveryQuery, PathId
from linli.volunteers.access import active_volunteer_of

router = Router(tags=["canteen"])


def _shape(user: Any) -> Callable[[list[DeliveryTask]], list[dict[str, Any]]]:
    def shape(tasks: list[DeliveryTask]) -> list[dict[str, Any]]:
        standings = access.delivery_standings(user, tasks)
        return [delivery_out(task, standings[task.pk]) for task in tasks]

    return shape


@router.get(
    "/deliveries", response={200: DeliveryPage, **ERRORS}, summary="Delivery tasks in reach"
)
def delivery_list(request: HttpRequest, filters: Query[DeliveryQuery]) -> dict[str, Any]:
    user = caller(request)
    tasks = access.deliveries_for_user(user).select_related(*access.DELIVERY_RELATED)
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.date:
        tasks = tasks.filter(order__date=filters.date)
    if filters.mine:
        volunteer = active_volunteer_of(user)
        tasks = tasks.filter(volunteer=volunteer) if volunteer else tasks.none()
    return page(
        tasks.order_by("-order__date", "order__meal", "id"),
        limit=filters.limit,
        offset=filters.offset,
        shape=_shape(user),
    )


def _act(request: HttpRequest, task_id: int, action: Callable[..., Any]) -> dict[str, Any]:
    user = caller(request)
    task = access.get_delivery_for_user(user, task_id)
    action(task=task, actor=user)
    fresh = DeliveryTask.objects.select_related(*access.DELIVERY_RELATED).get(pk=task.pk)
    return delivery_out(fresh, access.delivery_standing(user, fresh))


@router.post(
    "/deliveries/{task_id}/take",
    response={200: DeliveryOut, **ERRORS},
    summary="接单 (a volunteer of the station); taken by someone else: 409 `already_taken`",
)
def delivery_take_endpoint(request: HttpRequest, task_id: PathId) -> Any:
    return _act(request, task_id, delivery_take)


@router.post(
    "/deliveries/{task_id}/release",
    response={200: DeliveryOut, **ERRORS},
    summary="Give a taken task back (its volunteer, or the canteen)",
)
def delivery_release_endpoint(request: HttpRequest, task_id: PathId) -> Any:
    return _act(request, task_id, delivery_release)


@router.post(
    "/deliveries/{task_id}/deliver",
    response={200: DeliveryOut, **ERRORS},
    summary="送达: the order is served; a volunteer's delivery goes to their hours",
)
def delivery_deliver_endpoint(request: HttpRequest, task_id: PathId) -> Any:
    return _act(request, task_id, delivery_complete)
