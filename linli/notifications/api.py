"""The caller's own inbox over the API, mounted at /api/v1/notifications.

Only the caller's notifications exist here: another person's id answers 404. Marking read goes
through linli.notifications.actions.inbox, the same functions as the inbox page.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination
from linli.core.schemas import PathId
from linli.notifications import access
from linli.notifications.actions import inbox as inbox_actions
from linli.notifications.models import Notification
from linli.notifications.schemas import InboxQuery, NotificationOut, ReadAllOut, UnreadCountOut

router = Router(tags=["notifications"])


def _caller(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.get("", response=list[NotificationOut], summary="The caller's inbox, newest first")
@paginate(BoundedPagination)
def notification_list(request: HttpRequest, filters: Query[InboxQuery]) -> QuerySet[Notification]:
    notifications = access.notifications_for_user(_caller(request)).select_related("station")
    if filters.unread is not None:
        notifications = notifications.filter(read_at__isnull=filters.unread)
    return notifications.order_by("-created_at", "-id")


@router.get("/unread-count", response=UnreadCountOut, summary="How many are unread")
def unread_count(request: HttpRequest) -> Any:
    count = access.notifications_for_user(_caller(request)).filter(read_at__isnull=True).count()
    return {"unread": count}


@router.post("/read-all", response=ReadAllOut, summary="Mark every notification read")
def notification_read_all(request: HttpRequest) -> Any:
    return {"updated": inbox_actions.notifications_mark_all_read(actor=_caller(request))}


@router.post(
    "/{notification_id}/read",
    response={200: NotificationOut, 404: ErrorOut},
    summary="Mark one notification read",
)
def notification_read(request: HttpRequest, notification_id: PathId) -> Any:
    user = _caller(request)
    notification = access.get_notification_for_user(user, notification_id)
    return inbox_actions.notification_mark_read(notification=notification, actor=user)
