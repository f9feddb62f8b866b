"""How a request ends or starts again: rating (评单) and its follow-up, rejection, cancellation,
reopening. Same shape as actions/requests.py: lock, gate, checked move, timeline, audit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assistance import access
from linli.assistance.actions import tell
from linli.assistance.actions.base import lock_request, move, note_fields, stored_user
from linli.assistance.models import (
    FollowUp,
    Rating,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
)
from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.core.messages import Message, words
from linli.core.workdays import add_working_days


@transaction.atomic
def request_rate(
    *,
    service_request: ServiceRequest,
    actor: Any,
    score: int,
    comment: str = "",
    at: datetime | None = None,
) -> ServiceRequest:
    """评单: one of the five levels of SPEC §3 and a comment, by the requester or by staff after
    a follow-up call. A score of 2 or less opens a follow-up due in FOLLOWUP_WORKING_DAYS."""
    now = at or timezone.now()
    locked = lock_request(service_request)
    access.authorize(actor, locked, "rate")
    if score not in Rating.values:
        raise ValidationError({"score": [_("评价应为 1 到 5 之间的整数。")]})
    locked.score = score
    locked.rating_comment = comment.strip()[:500]
    locked.rated_at = now
    locked.rated_by = stored_user(actor)
    by_staff = actor is not None and not access.is_requester(actor, locked)
    label = Rating(score).label
    move(
        locked,
        RequestStatus.RATED,
        actor=actor,
        at=now,
        note=Message(
            ("request.rating_by_staff" if by_staff else "request.rating")
            + ("_comment" if locked.rating_comment else ""),
            {"label": words(str(label)), "comment": locked.rating_comment}
            if locked.rating_comment
            else {"label": words(str(label))},
        ),
        fields=["score", "rating_comment", "rated_at", "rated_by"],
    )
    if score >= 4 and locked.volunteer is not None:
        from linli.incentives.actions.points import points_reward_well_rated

        points_reward_well_rated(
            volunteer=locked.volunteer, service_request=locked, score=score, actor=actor
        )
    if score <= 2:
        due = add_working_days(timezone.localdate(now), settings.FOLLOWUP_WORKING_DAYS)
        FollowUp.objects.create(request=locked, score=score, opened_at=now, due_on=due)
        RequestEvent.objects.create(
            request=locked,
            kind=RequestEvent.Kind.FOLLOW_UP,
            at=now,
            from_status=locked.status,
            to_status=locked.status,
            **note_fields(Message("request.followup_opened", {"due": due.isoformat()})),
        )
    tell.rated(locked)
    return locked


@transaction.atomic
def request_reject(
    *,
    service_request: ServiceRequest,
    actor: Any,
    reason: str,
    at: datetime | None = None,
) -> ServiceRequest:
    """不予受理: staff turn a submitted request down, with a reason the requester reads."""
    return _close(service_request, RequestStatus.REJECTED, "reject", actor, reason, at)


@transaction.atomic
def request_cancel(
    *,
    service_request: ServiceRequest,
    actor: Any,
    reason: str,
    at: datetime | None = None,
) -> ServiceRequest:
    """取消: by the requester or staff, any time before completion, with a reason."""
    return _close(service_request, RequestStatus.CANCELLED, "cancel", actor, reason, at)


def _close(
    service_request: ServiceRequest,
    to: str,
    action: str,
    actor: Any,
    reason: str,
    at: datetime | None,
) -> ServiceRequest:
    now = at or timezone.now()
    locked = lock_request(service_request)
    access.authorize(actor, locked, action)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写原因。")]})
    locked.reason = reason[:200]
    locked.closed_at = now
    move(locked, to, actor=actor, at=now, note=reason, fields=["reason", "closed_at"])
    tell.closed(locked)
    return locked


@transaction.atomic
def request_reopen(
    *,
    service_request: ServiceRequest,
    actor: Any,
    reason: str,
    at: datetime | None = None,
) -> ServiceRequest:
    """重新处理: a completed or rated request with a poor outcome goes back to review. The
    served hours already confirmed stay in the ledger (the service was given)."""
    now = at or timezone.now()
    locked = lock_request(service_request)
    access.authorize(actor, locked, "reopen")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写原因。")]})
    locked.submitted_at = now
    locked.review_alerted_at = None
    locked.dispatch_mode = ""
    locked.dispatch_team = None
    locked.dispatch_volunteer = None
    locked.volunteer = None
    locked.first_dispatched_at = None
    locked.hours = None
    locked.hours_confirmed_at = None
    locked.hours_confirmed_by = None
    locked.reason = reason[:200]
    move(
        locked,
        RequestStatus.SUBMITTED,
        actor=actor,
        at=now,
        note=Message("request.reopen_reason", {"reason": reason}),
        fields=[
            "submitted_at",
            "review_alerted_at",
            "dispatch_mode",
            "dispatch_team",
            "dispatch_volunteer",
            "volunteer",
            "first_dispatched_at",
            "hours",
            "hours_confirmed_at",
            "hours_confirmed_by",
            "reason",
        ],
    )
    tell.reopened(locked)
    return locked


@transaction.atomic
def followup_close(
    *, followup: FollowUp, actor: Any, outcome: str, at: datetime | None = None
) -> FollowUp:
    """回访完成: staff record what they found and did; the follow-up closes."""
    now = at or timezone.now()
    locked = FollowUp.objects.select_for_update().select_related("request").get(pk=followup.pk)
    access.authorize(actor, locked.request, "follow_up")
    if locked.closed_at is not None:
        raise DomainError("already_closed", _("这次回访已经完成。"), status=409)
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": [_("请填写回访情况。")]})
    locked.closed_at = now
    locked.closed_by = stored_user(actor)
    locked.outcome = outcome[:500]
    locked.save(update_fields=["closed_at", "closed_by", "outcome"])
    RequestEvent.objects.create(
        request=locked.request,
        kind=RequestEvent.Kind.FOLLOW_UP,
        actor=stored_user(actor),
        at=now,
        from_status=locked.request.status,
        to_status=locked.request.status,
        **note_fields(Message("request.followup_done", {"outcome": outcome[:400]})),
    )
    audit_record(
        actor=actor,
        action="service_request.follow_up_closed",
        target=locked.request,
        station=locked.request.station,
        after={"followup": locked.pk},
    )
    return locked
