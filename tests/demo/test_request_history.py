"""The demo's history of requests is written in bulk (assistance/demo/history.py): a handful of
planned requests, covering every kind of step, written through the assistance actions and
through the bulk writer give the same rows — requests, timelines, follow-ups, ledger entries,
audit rows and (read) notifications — ids and the moment of writing aside."""

import json
from typing import Any

from django.db.models import F, Max, Q
from django.utils import timezone

from linli.assistance.demo import plan_requests
from linli.assistance.demo.history import HistoryWriter
from linli.assistance.demo.seed import RequestWriter
from linli.assistance.demo.steps import (
    ACCEPT,
    CANCEL,
    CLOSE_FOLLOW_UP,
    COMPLETE,
    CONFIRM,
    DISPATCH,
    OPEN,
    RATE,
    REJECT,
    START,
    SUBMIT,
    TEAM,
    VOLUNTEER,
    PlannedRequest,
    RequestPlan,
)
from linli.assistance.models import ServiceRequest
from linli.audit.models import AuditLog
from linli.ledger.actions import ledger_history
from linli.ledger.models import Account, Balance, LedgerEntry
from linli.notifications.models import Delivery, Notification
from linli.org.models import Station
from tests.demo.conftest import SeededDemo


def settle_replay(last_notification_id: int, started_at: Any) -> None:
    """What the history replayed through the actions was left as: every inbox row read when
    written, and none of its texts or group messages sent (their deliveries deleted)."""
    replayed = Notification.objects.filter(pk__gt=last_notification_id)
    replayed.filter(read_at__isnull=True).update(read_at=F("created_at"))
    Delivery.objects.filter(
        Q(notification__in=replayed) | Q(notification__isnull=True, created_at__gte=started_at)
    ).delete()


def actions(planned: PlannedRequest) -> list[str]:
    return [step.action for step in planned.steps]


# One request of each shape the history holds.
SHAPES = {
    "rejected": lambda p: REJECT in actions(p),
    "cancelled before dispatch": lambda p: actions(p) == [SUBMIT, CANCEL],
    "cancelled once dispatched": lambda p: actions(p) == [SUBMIT, DISPATCH, CANCEL],
    "cancelled once accepted": lambda p: actions(p)[-2:] == [ACCEPT, CANCEL],
    "to a team": lambda p: p.steps[1].mode == TEAM and RATE in actions(p),
    "to a team, then to one volunteer": lambda p: actions(p).count(DISPATCH) == 2,
    "to one volunteer": lambda p: p.steps[1].mode == VOLUNTEER and RATE in actions(p),
    "open to all": lambda p: p.steps[1].mode == OPEN and RATE in actions(p),
    "rated 5": lambda p: any(s.action == RATE and s.score == 5 for s in p.steps),
    "rated 3": lambda p: any(s.action == RATE and s.score == 3 for s in p.steps),
    "rated low, followed up": lambda p: CLOSE_FOLLOW_UP in actions(p),
    "the resident account's own": lambda p: p.account and RATE in actions(p),
    "urgent": lambda p: p.urgent and RATE in actions(p),
}


def pick(history: list[PlannedRequest]) -> list[PlannedRequest]:
    chosen: list[PlannedRequest] = []
    for shape, fits in SHAPES.items():
        found = next((p for p in history if len(p.steps) > 1 and fits(p) and p not in chosen), None)
        assert found is not None, shape
        chosen.append(found)
    return chosen


def dumped(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def rows(requests: list[ServiceRequest]) -> list[dict[str, Any]]:
    """What was written for each request, its id (and its follow-ups') left out."""
    written = []
    for service_request in requests:
        pk = service_request.pk
        row: dict[str, Any] = dict(ServiceRequest.objects.filter(pk=pk).values().get())
        del row["id"]
        followups = list(
            service_request.followups.values_list(
                "pk", "score", "opened_at", "due_on", "closed_at", "closed_by_id", "outcome"
            )
        )
        followup_ids = {str(followup[0]): "F" for followup in followups}
        row["followups"] = [followup[1:] for followup in followups]
        row["events"] = list(
            service_request.events.order_by("at", "id").values_list(
                "kind", "at", "actor_id", "from_status", "to_status", "note", "note_code",
                "note_params",
            )
        )  # fmt: skip
        row["ledger"] = sorted(
            (
                entry.volunteer_id,
                entry.account,
                entry.kind,
                entry.amount,
                entry.served_on,
                entry.description.replace(str(pk), "#"),
                entry.source_key.replace(f":{pk}", ":#"),
                entry.created_by_id,
                entry.station_id,
            )
            for entry in LedgerEntry.objects.filter(
                source_key__regex=rf"^(request|points:well_rated):{pk}(:|$)"
            )
        )
        row["audit"] = sorted(
            (
                audit.action,
                audit.actor_id,
                audit.actor_label,
                audit.target_type,
                audit.target_repr.replace(f"#{pk}", "#"),
                audit.station_id,
                dumped(audit.before),
                dumped(
                    {
                        key: followup_ids.get(str(value), value) if key == "followup" else value
                        for key, value in (audit.after or {}).items()
                    }
                ),
            )
            for audit in AuditLog.objects.filter(
                target_type="assistance.servicerequest", target_id=str(pk)
            )
        )
        url = f"/{pk}/"
        row["inbox"] = sorted(
            (
                note.user_id,
                note.station_id,
                note.kind,
                note.title,
                note.body,
                note.title_code,
                note.body_code,
                dumped(note.params),
                note.read_at is not None and note.read_at == note.created_at,
            )
            for note in Notification.objects.filter(url__endswith=url, kind__startswith="request.")
        )
        written.append(row)
    return written


def test_history_in_bulk_writes_what_the_actions_write(demo: SeededDemo):
    station = Station.objects.get(code="JIAOJIA")
    plan = plan_requests(station, now=timezone.now())
    chosen = pick(plan.history)
    covered = {step.action for planned in chosen for step in planned.steps}
    assert covered == {
        SUBMIT, DISPATCH, ACCEPT, START, COMPLETE, CONFIRM, RATE, CLOSE_FOLLOW_UP, REJECT, CANCEL
    }  # fmt: skip
    writer = RequestWriter(station, RequestPlan(chosen, []))
    deliveries = Delivery.objects.count()
    with ledger_history():
        last = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
        started_at = timezone.now()
        through_actions = writer.replay(chosen)
        settle_replay(last, started_at)
        in_bulk = HistoryWriter(writer).write(chosen)

    expected, got = rows(through_actions), rows(in_bulk)
    assert [row["status"] for row in got] == [row["status"] for row in expected]
    for shape, want, have in zip(SHAPES, expected, got, strict=True):
        assert have == want, shape
    assert sum(len(row["inbox"]) for row in got) > 50
    assert all(read for row in got for *_note, read in row["inbox"])
    assert sum(len(row["ledger"]) for row in got) >= 8
    assert Delivery.objects.count() == deliveries  # nothing of the past goes out
    # The points of the well-rated services reached their volunteers' balances both ways: each
    # balance is the sum of its entries.
    rewarded = {volunteer for row in got for volunteer, account, *_rest in row["ledger"]
                if account == Account.POINTS}  # fmt: skip
    assert rewarded
    for volunteer in rewarded:
        entries = LedgerEntry.objects.filter(account=Account.POINTS, volunteer_id=volunteer)
        held = Balance.objects.get(key=Balance.key_for(Account.POINTS, volunteer_id=volunteer))
        assert held.amount == sum(entry.amount for entry in entries)
