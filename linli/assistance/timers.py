"""Timers and escalation (SPEC §4: a request not dispatched or not accepted in time is escalated).

Timers are derived from the data, never sleeping threads: a deadline is a time stored on the
request (submitted, dispatched, completed) plus a configured span. A queued task
(`assistance.tasks.sweep_request_timers`) runs `sweep` every few minutes and re-queues itself, so
it survives restarts; `linli serve` queues the first one, and `linli request_timers` runs a
sweep at once. Each timer fires once per waiting period: its mark (`review_alerted_at` …) is
cleared when the period starts again (reopen, re-dispatch, completion), so sweeping twice, or
two sweeps at once (the row is locked), alert once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assistance.actions import tell
from linli.assistance.models import (
    MenuCategory,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
    Urgency,
)

KINDS = ("review", "accept", "rating")


def _halved_if_urgent(service_request: ServiceRequest, span: timedelta) -> timedelta:
    if service_request.urgency == Urgency.URGENT:
        return max(span / 2, timedelta(minutes=30))
    return span


def review_deadline(
    service_request: ServiceRequest, *, category_hours: int | None = None
) -> datetime:
    """Submitted + the item's response time (else the category's); urgent requests half that.

    `category_hours` spares the read of the menu category when the caller has it already (the
    board computes many deadlines from one read).
    """
    hours = service_request.item.response_hours if service_request.item else None
    if hours is None:
        hours = category_hours
    if hours is None:
        category = MenuCategory.objects.filter(
            station_id=service_request.station_id, code=service_request.category
        ).first()
        hours = category.response_hours if category is not None else 24
    return service_request.submitted_at + _halved_if_urgent(service_request, timedelta(hours=hours))


def accept_deadline(service_request: ServiceRequest) -> datetime:
    span = timedelta(minutes=settings.REQUEST_ACCEPT_WITHIN_MINUTES)
    return (service_request.dispatched_at or service_request.submitted_at) + _halved_if_urgent(
        service_request, span
    )


def rating_deadline(service_request: ServiceRequest) -> datetime:
    return (service_request.completed_at or service_request.submitted_at) + timedelta(
        days=settings.REQUEST_RATING_REMINDER_DAYS
    )


DEADLINES = {"review": review_deadline, "accept": accept_deadline, "rating": rating_deadline}


def _event(service_request: ServiceRequest, kind: str, at: datetime, note: str) -> None:
    RequestEvent.objects.create(
        request=service_request,
        kind=kind,
        at=at,
        from_status=service_request.status,
        to_status=service_request.status,
        note=note[:500],
    )


@transaction.atomic
def check_timer(kind: str, request_id: int, *, now: datetime | None = None) -> bool:
    """Fire the `kind` timer of one request if it is due and has not fired; True if it fired."""
    now = now or timezone.now()
    service_request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("station", "item", "volunteer__person")
        .filter(pk=request_id)
        .first()
    )
    if service_request is None:
        return False
    if kind == "review":
        return _review(service_request, now)
    if kind == "accept":
        return _accept(service_request, now)
    return _rating(service_request, now)


def _review(service_request: ServiceRequest, now: datetime) -> bool:
    if service_request.status != RequestStatus.SUBMITTED or service_request.review_alerted_at:
        return False
    if now < review_deadline(service_request):
        return False
    service_request.review_alerted_at = now
    service_request.save(update_fields=["review_alerted_at"])
    waited = int((now - service_request.submitted_at).total_seconds() // 3600)
    note = _("超时未审核：已等待 %(hours)s 小时") % {"hours": waited}
    _event(service_request, RequestEvent.Kind.ALERT, now, note)
    tell.alert(service_request, "review_overdue", note, service_request.description[:200])
    return True


def _accept(service_request: ServiceRequest, now: datetime) -> bool:
    if service_request.status != RequestStatus.DISPATCHED or service_request.accept_alerted_at:
        return False
    if now < accept_deadline(service_request):
        return False
    from linli.assistance.suggestions import suggest_volunteers

    service_request.accept_alerted_at = now
    service_request.save(update_fields=["accept_alerted_at"])
    suggestions = suggest_volunteers(service_request, limit=3)
    names = "、".join(
        f"{suggestion.name}（{'，'.join(suggestion.reasons[:2])}）" for suggestion in suggestions
    )
    note = _("派单后无人接单，请改派") + (
        _("；建议：%(names)s") % {"names": names} if names else ""
    )
    _event(service_request, RequestEvent.Kind.ALERT, now, note)
    tell.alert(service_request, "accept_overdue", _("派单后无人接单"), note)
    return True


def _rating(service_request: ServiceRequest, now: datetime) -> bool:
    if service_request.status != RequestStatus.COMPLETED or service_request.rating_reminded_at:
        return False
    if now < rating_deadline(service_request):
        return False
    service_request.rating_reminded_at = now
    service_request.save(update_fields=["rating_reminded_at"])
    note = _("服务完成 %(days)s 天仍未评价，已提醒") % {
        "days": settings.REQUEST_RATING_REMINDER_DAYS
    }
    _event(service_request, RequestEvent.Kind.REMINDER, now, note)
    if service_request.requester_id:
        tell.remind_rating(service_request)
    else:
        tell.alert(service_request, "rating_call", _("请电话回访并代为评价"), note)
    return True


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Check every waiting request's timer; returns how many fired of each kind."""
    now = now or timezone.now()
    waiting = {
        "review": ServiceRequest.objects.filter(
            status=RequestStatus.SUBMITTED, review_alerted_at__isnull=True
        ),
        "accept": ServiceRequest.objects.filter(
            status=RequestStatus.DISPATCHED, accept_alerted_at__isnull=True
        ),
        "rating": ServiceRequest.objects.filter(
            status=RequestStatus.COMPLETED, rating_reminded_at__isnull=True
        ),
    }
    fired = dict.fromkeys(KINDS, 0)
    for kind, queryset in waiting.items():
        for request_id in queryset.values_list("pk", flat=True).iterator():
            if check_timer(kind, request_id, now=now):
                fired[kind] += 1
    return fired
