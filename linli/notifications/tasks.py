"""Sending deliveries in the background: one attempt per task run, retried with growing waits.

`notify` queues `send_delivery` after its transaction commits; a failed attempt queues the next
one itself (`run_after`), and `linli notifications_retry` re-queues whatever a lost queue left
behind. Duplicate tasks for one delivery are harmless: an attempt first claims the row.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from linli.notifications import channels
from linli.notifications.models import Delivery

logger = logging.getLogger("linli.notifications")

# How long a claimed attempt keeps other workers off the row. Longer than any send can take
# (the HTTP timeout, connect and read), so only a worker that died leaves it to expire.
CLAIM_SECONDS = 120
# A delivery that never got a next_attempt_at is given this long for its first task to run
# before the safety net queues it again.
FIRST_ATTEMPT_GRACE = timedelta(minutes=1)


def retry_wait(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: base, 2 × base, 4 × base …"""
    return timedelta(seconds=settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** (attempts - 1))


def attempt_delivery(delivery_id: int, *, now: datetime | None = None) -> bool:
    """One attempt to send a pending delivery that is due; True when it went out now.

    Invariants: a delivery that is not pending, or whose next attempt is not yet due, is left
    alone; `attempts` counts every attempt started; after a failure the delivery is either
    `failed` (NOTIFY_MAX_ATTEMPTS reached) or pending with `next_attempt_at = now + base ×
    2^(attempts−1)` and its next task queued for that time. The row lock is held to claim the
    row and to record the outcome, not across the network call: on SQLite a transaction locks
    the whole database, and a receiver's timeout must not stall every writer.
    """
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return False
    shown = channels.describe_target(delivery.channel, delivery.target)
    try:
        channels.send(
            channel=delivery.channel,
            target=delivery.target,
            subject=delivery.subject,
            body=delivery.body,
        )
    except channels.DeliveryError as error:
        return _record_failure(delivery, error.message, now, shown)
    except Exception as error:  # a bug must not leave the row claimed until the lease expires
        logger.exception("delivery %s via %s: unexpected error", delivery.pk, delivery.channel)
        return _record_failure(delivery, _("内部错误：%s") % type(error).__name__, now, shown)
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENT, sent_at=now, next_attempt_at=None, last_error=""
        )
    logger.info(
        "delivery %s via %s to %s: sent on attempt %s",
        delivery.pk,
        delivery.channel,
        shown,
        delivery.attempts,
    )
    return bool(updated)


def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    """Count the attempt and keep other workers off the row for CLAIM_SECONDS, or None when the
    delivery is gone, no longer pending, not yet due, or out of attempts."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != Delivery.Status.PENDING:
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None
        if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            # The last attempt's worker died before recording its outcome.
            delivery.status = Delivery.Status.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = delivery.last_error or _("发送中断")
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            logger.error("delivery %s via %s: gave up", delivery.pk, delivery.channel)
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + timedelta(seconds=CLAIM_SECONDS)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def _record_failure(claimed: Delivery, message: str, now: datetime, shown: str) -> bool:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=claimed.pk).first()
        # Another worker took the row over after the claim expired: its attempt decides.
        if (
            delivery is None
            or delivery.status != Delivery.Status.PENDING
            or delivery.attempts != claimed.attempts
        ):
            return False
        delivery.last_error = message[:300]
        if delivery.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
            delivery.status = Delivery.Status.FAILED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            logger.error(
                "delivery %s via %s to %s: attempt %s failed (%s); giving up",
                delivery.pk,
                delivery.channel,
                shown,
                delivery.attempts,
                message,
            )
            return False
        run_at = now + retry_wait(delivery.attempts)
        delivery.next_attempt_at = run_at
        delivery.save(update_fields=["next_attempt_at", "last_error"])
        transaction.on_commit(lambda: send_delivery.using(run_after=run_at).enqueue(claimed.pk))
    logger.warning(
        "delivery %s via %s to %s: attempt %s failed (%s); next at %s",
        delivery.pk,
        delivery.channel,
        shown,
        delivery.attempts,
        message,
        run_at.isoformat(),
    )
    return False


@task()
def send_delivery(delivery_id: int) -> bool:
    return attempt_delivery(delivery_id)


def due_deliveries(now: datetime | None = None) -> list[int]:
    """Pending deliveries that should have been attempted by now: the next attempt's time has
    passed (a lost retry, or a claim whose worker died), or the first attempt never ran."""
    now = now or timezone.now()
    due = Q(next_attempt_at__lte=now) | Q(
        next_attempt_at__isnull=True, created_at__lte=now - FIRST_ATTEMPT_GRACE
    )
    return list(
        Delivery.objects.filter(due, status=Delivery.Status.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)
    )


def requeue_due_deliveries(now: datetime | None = None) -> int:
    """Queue a task for every due delivery; the number queued. Safe to run at any time."""
    delivery_ids = due_deliveries(now)
    for delivery_id in delivery_ids:
        send_delivery.enqueue(delivery_id)
    if delivery_ids:
        logger.info("re-queued %s pending deliveries", len(delivery_ids))
    return len(delivery_ids)
