"""Deliveries against real receivers: a local HTTP server (http.server in a thread on 127.0.0.1)
stands in for the WeCom group robot and the SMS gateway, Django's locmem backend for e-mail.

Queued after commit only, retried with doubling waits, failed after NOTIFY_MAX_ATTEMPTS, and a
slow or unreachable receiver never holds up the request that caused the message.
"""

import io
import json
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from linli.accounts.models import Role
from linli.notifications.actions import notify
from linli.notifications.channels import WECOM_MAX_BYTES, truncate_utf8
from linli.notifications.models import Delivery, Notification, StationChannel
from linli.notifications.tasks import attempt_delivery
from tests.conftest import signed_in

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
KEY = "3f9a1c77-webhook-secret"
OK = (200, {"errcode": 0, "errmsg": "ok"})


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Receiver:
    """What the server got, and what it answers next (then `default`)."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    replies: deque[tuple[int, Any]] = field(default_factory=deque)
    default: tuple[int, Any] = OK
    delay: float = 0.0
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook(self) -> str:
        return f"{self.url}/cgi-bin/webhook/send?key={KEY}"

    def bodies(self) -> list[Any]:
        return [request.body for request in self.requests]


class Handler(BaseHTTPRequestHandler):
    server: Any

    def do_POST(self) -> None:
        receiver: Receiver = self.server.receiver
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        receiver.requests.append(Received(self.path, dict(self.headers), json.loads(raw)))
        if receiver.delay:
            receiver.release.wait(receiver.delay)
        status, reply = receiver.replies.popleft() if receiver.replies else receiver.default
        data = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
        self.send_response(status)
        if status in (301, 302):
            self.send_header("Location", f"{receiver.url}/elsewhere")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out has hung up: writing the late answer fails, as it should


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = QuietServer(("127.0.0.1", 0), Handler)
    state = Receiver(port=server.server_address[1])
    server.receiver = state  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def fast(settings: Any) -> Any:
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    settings.NOTIFY_MAX_ATTEMPTS = 6
    settings.NOTIFY_TIMEOUT_SECONDS = 0.5
    return settings


def group_alert(station: Any, capture: Any, **extra: Any) -> Delivery:
    """An escalation to the station's group channels, committed; the one delivery it made."""
    with capture(execute=True):
        notify(
            users=[],
            kind="request.alert",
            title="【急】新的群众点单：水电维修",
            body="厨房水管漏水",
            station=station,
            station_channels=True,
            **extra,
        )
    return Delivery.objects.get()


def queued_runs() -> list[tuple[list[Any], Any]]:
    rows = DBTaskResult.objects.filter(task_path="linli.notifications.tasks.send_delivery")
    return [(row.task_result.args, row.task.run_after) for row in rows.order_by("enqueued_at")]


def test_wecom_robot_fails_twice_then_succeeds(
    world, receiver, fast, django_capture_on_commit_callbacks, caplog
):
    StationChannel.objects.create(
        station=world.jiaojia, kind="wecom", target=receiver.webhook, label="焦家工作群"
    )
    receiver.replies.extend(
        [
            (500, {"message": "internal error"}),
            (200, {"errcode": 93000, "errmsg": f"invalid webhook url, key {KEY}"}),
            OK,
        ]
    )
    delivery = group_alert(world.jiaojia, django_capture_on_commit_callbacks)
    assert queued_runs() == [([delivery.pk], None)]
    caplog.set_level(logging.INFO, logger="linli.notifications")

    with django_capture_on_commit_callbacks(execute=True):
        assert attempt_delivery(delivery.pk, now=START) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at == START + timedelta(seconds=60)
    assert delivery.last_error == "对方返回 HTTP 500"
    assert queued_runs()[-1] == ([delivery.pk], START + timedelta(seconds=60))

    # Not due yet: a duplicate task finds nothing to do and sends nothing.
    assert attempt_delivery(delivery.pk, now=START + timedelta(seconds=30)) is False
    assert len(receiver.requests) == 1

    second = START + timedelta(seconds=60)
    with django_capture_on_commit_callbacks(execute=True):
        assert attempt_delivery(delivery.pk, now=second) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 2)
    assert delivery.next_attempt_at == second + timedelta(seconds=120)
    assert "93000" in delivery.last_error and KEY not in delivery.last_error
    assert queued_runs()[-1] == ([delivery.pk], second + timedelta(seconds=120))

    third = second + timedelta(seconds=120)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert attempt_delivery(delivery.pk, now=third) is True
    assert callbacks == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("sent", 3, third)
    assert delivery.next_attempt_at is None and delivery.last_error == ""

    expected = {
        "msgtype": "text",
        "text": {"content": "【急】新的群众点单：水电维修\n厨房水管漏水"},
    }
    assert receiver.bodies() == [expected, expected, expected]
    assert {request.path for request in receiver.requests} == {f"/cgi-bin/webhook/send?key={KEY}"}
    assert receiver.requests[0].headers["Content-Type"] == "application/json; charset=utf-8"

    # Sent is final: a late duplicate task sends nothing more.
    assert attempt_delivery(delivery.pk, now=third + timedelta(hours=1)) is False
    assert len(receiver.requests) == 3

    attempts = [r for r in caplog.records if f"delivery {delivery.pk}" in r.getMessage()]
    assert len(attempts) == 3
    assert all(KEY not in record.getMessage() for record in caplog.records)


def test_failed_after_max_attempts(world, receiver, fast, django_capture_on_commit_callbacks):
    fast.NOTIFY_MAX_ATTEMPTS = 3
    receiver.default = (502, {"message": "bad gateway"})
    StationChannel.objects.create(station=world.jiaojia, kind="wecom", target=receiver.webhook)
    delivery = group_alert(world.jiaojia, django_capture_on_commit_callbacks)

    now = START
    waits = []
    for _attempt in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert attempt_delivery(delivery.pk, now=now) is False
        delivery.refresh_from_db()
        if delivery.next_attempt_at is not None:
            waits.append(delivery.next_attempt_at - now)
            now = delivery.next_attempt_at

    assert waits == [timedelta(seconds=60), timedelta(seconds=120)]
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert delivery.next_attempt_at is None and delivery.last_error == "对方返回 HTTP 502"
    assert len(receiver.requests) == 3
    # the first task, then one retry after each of the first two failures; none after the last
    assert len(queued_runs()) == 3
    assert attempt_delivery(delivery.pk, now=now + timedelta(days=1)) is False
    assert len(receiver.requests) == 3


def test_sms_gateway_gets_the_bearer_token(
    world, receiver, fast, django_capture_on_commit_callbacks
):
    fast.SMS_GATEWAY_URL = f"{receiver.url}/sms/send"
    fast.SMS_GATEWAY_TOKEN = "gateway-token-8812"
    resident = world.user(Role.RESIDENT)
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            users=[resident],
            kind="request.accepted",
            title="志愿者黄文静已接单，会与您联系",
            body="水电维修",
            sms=True,
        )
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.target) == ("sms", resident.phone)

    assert attempt_delivery(delivery.pk, now=START) is True
    (request,) = receiver.requests
    assert request.path == "/sms/send"
    assert request.headers["Authorization"] == "Bearer gateway-token-8812"
    assert request.body == {
        "phone": resident.phone,
        "text": "志愿者黄文静已接单，会与您联系\n水电维修",
    }
    delivery.refresh_from_db()
    assert delivery.status == "sent"


def test_sms_gateway_refusal_is_retried_without_leaking_the_token(world, receiver, fast):
    fast.SMS_GATEWAY_URL = f"{receiver.url}/sms/send"
    fast.SMS_GATEWAY_TOKEN = ""
    receiver.default = (401, {"error": "unauthorized"})
    (notification,) = notify(users=[world.user(Role.RESIDENT)], kind="t", title="您好", sms=True)
    delivery = Delivery.objects.get(notification=notification)

    assert attempt_delivery(delivery.pk, now=START) is False
    assert "Authorization" not in receiver.requests[0].headers
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("pending", "对方返回 HTTP 401")


def test_no_sms_without_a_gateway(world, fast):
    fast.SMS_GATEWAY_URL = ""
    notify(users=[world.user(Role.RESIDENT)], kind="t", title="您好", sms=True)
    assert Notification.objects.count() == 1 and not Delivery.objects.exists()


def test_email_to_the_station_mailbox(world, fast, django_capture_on_commit_callbacks):
    fast.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    StationChannel.objects.create(station=world.jiaojia, kind="email", target="jiaojia@example.org")
    delivery = group_alert(world.jiaojia, django_capture_on_commit_callbacks)

    assert attempt_delivery(delivery.pk, now=START) is True
    (message,) = mail.outbox
    assert message.to == ["jiaojia@example.org"]
    assert message.subject == "【急】新的群众点单：水电维修"
    assert message.body == "厨房水管漏水"
    delivery.refresh_from_db()
    assert delivery.status == "sent"


class Rollback(Exception):
    pass


def test_a_rolled_back_change_queues_nothing_and_a_commit_queues_each_delivery(
    world, fast, django_capture_on_commit_callbacks
):
    fast.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    StationChannel.objects.create(station=world.jiaojia, kind="wecom", target="https://a.example/x")
    StationChannel.objects.create(station=world.jiaojia, kind="email", target="a@example.org")
    StationChannel.objects.create(
        station=world.jiaojia, kind="email", target="off@example.org", active=False
    )
    staff = world.user(Role.STATION_STAFF)

    def alert() -> None:
        notify(
            users=[staff],
            kind="request.alert",
            title="超时未接单",
            station=world.jiaojia,
            station_channels=True,
            sms=True,
        )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Rollback), transaction.atomic():
            alert()
            raise Rollback
    assert callbacks == []
    assert not Delivery.objects.exists() and not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert()
    assert Delivery.objects.count() == 3  # the group robot, the active mailbox, the staff's phone
    assert not DBTaskResult.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    delivery_ids = sorted(Delivery.objects.values_list("pk", flat=True))
    assert sorted(args[0] for args, _run_after in queued_runs()) == delivery_ids


def test_a_slow_receiver_does_not_block_the_caller(
    world, receiver, fast, django_capture_on_commit_callbacks
):
    receiver.delay = 10  # far beyond the 0.5 s timeout; released when the test ends
    StationChannel.objects.create(station=world.jiaojia, kind="wecom", target=receiver.webhook)

    began = time.monotonic()
    delivery = group_alert(world.jiaojia, django_capture_on_commit_callbacks)
    assert time.monotonic() - began < 0.5
    assert receiver.requests == []  # the caller only queued it

    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        assert attempt_delivery(delivery.pk, now=START) is False
    took = time.monotonic() - began
    assert 0.4 < took < 3
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "连接超时")
    assert queued_runs()[-1] == ([delivery.pk], START + timedelta(seconds=60))


def test_the_test_button_answers_at_once_with_a_slow_receiver(
    world, receiver, fast, django_capture_on_commit_callbacks
):
    receiver.delay = 10
    channel = StationChannel.objects.create(
        station=world.jiaojia, kind="wecom", target=receiver.webhook
    )
    client = signed_in(world.user(Role.STATION_STAFF))
    assert client.get("/inbox/channels/").status_code == 200  # warm: URLs, templates, catalogues
    began = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/inbox/channels/{channel.pk}/test/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and time.monotonic() - began < 2
    assert receiver.requests == []
    assert Delivery.objects.get().status == "pending"


def test_an_unreachable_receiver_is_retried(world, fast, django_capture_on_commit_callbacks):
    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    StationChannel.objects.create(
        station=world.jiaojia, kind="wecom", target=f"http://127.0.0.1:{port}/send?key={KEY}"
    )
    delivery = group_alert(world.jiaojia, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert attempt_delivery(delivery.pk, now=START) is False
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_error.startswith("无法连接") and KEY not in delivery.last_error
    assert queued_runs()[-1][1] == START + timedelta(seconds=60)


def test_redirects_are_not_followed(world, receiver, fast, django_capture_on_commit_callbacks):
    receiver.default = (302, b"")
    StationChannel.objects.create(station=world.jiaojia, kind="wecom", target=receiver.webhook)
    delivery = group_alert(world.jiaojia, django_capture_on_commit_callbacks)
    assert attempt_delivery(delivery.pk, now=START) is False
    assert [request.path for request in receiver.requests] == [f"/cgi-bin/webhook/send?key={KEY}"]
    delivery.refresh_from_db()
    assert delivery.last_error == "对方返回 HTTP 302"


def test_a_reply_that_is_not_json_is_a_failure(
    world, receiver, fast, django_capture_on_commit_callbacks
):
    receiver.default = (200, b"<html>portal login</html>")
    StationChannel.objects.create(station=world.jiaojia, kind="wecom", target=receiver.webhook)
    delivery = group_alert(world.jiaojia, django_capture_on_commit_callbacks)
    assert attempt_delivery(delivery.pk, now=START) is False
    delivery.refresh_from_db()
    assert delivery.last_error == "企业微信的应答无法识别"


def test_only_http_addresses_are_posted_to(world, fast):
    delivery = Delivery.objects.create(
        station=world.jiaojia, channel="wecom", target="file:///etc/passwd", subject="x"
    )
    assert attempt_delivery(delivery.pk, now=START) is False
    delivery.refresh_from_db()
    assert delivery.last_error == "只支持 http:// 或 https:// 地址"


def test_a_long_message_is_cut_to_what_the_robot_takes():
    text = "水" * 1000  # 3,000 bytes
    cut = truncate_utf8(text, WECOM_MAX_BYTES)
    assert len(cut.encode()) <= WECOM_MAX_BYTES and cut.endswith("…")
    assert truncate_utf8("短", WECOM_MAX_BYTES) == "短"


def test_an_attempt_whose_worker_died_on_the_last_try_is_given_up(world, fast):
    delivery = Delivery.objects.create(
        station=world.jiaojia,
        channel="wecom",
        target="https://a.example/x",
        subject="x",
        attempts=6,
        next_attempt_at=START - timedelta(minutes=5),
        last_error="连接超时",
    )
    assert attempt_delivery(delivery.pk, now=START) is False
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("failed", "连接超时")


def test_the_retry_command_requeues_what_is_due(world, fast):
    def make(**fields: Any) -> Delivery:
        return Delivery.objects.create(
            station=world.jiaojia, channel="email", target="a@example.org", subject="x", **fields
        )

    now = timezone.now()
    overdue_retry = make(attempts=1, next_attempt_at=now - timedelta(minutes=3))
    lost_first = make(created_at=now - timedelta(minutes=5))
    make()  # just created: its first task is surely still in the queue
    make(attempts=1, next_attempt_at=now + timedelta(minutes=10))
    make(status="sent", sent_at=now, created_at=now - timedelta(hours=1))
    make(status="failed", attempts=6, created_at=now - timedelta(hours=1))

    out = io.StringIO()
    call_command("notifications_retry", stdout=out)
    assert "re-queued 2" in out.getvalue()
    assert sorted(args[0] for args, _run_after in queued_runs()) == sorted(
        [overdue_retry.pk, lost_first.pk]
    )


def test_through_the_queue_and_the_worker(transactional_db, world, receiver, fast):
    """The real path: committed for real, run by `linli worker --batch` until nothing is due."""
    fast.NOTIFY_RETRY_BASE_SECONDS = 0
    receiver.replies.extend([(500, {}), (200, {"errcode": 45009, "errmsg": "api freq out"})])
    StationChannel.objects.create(station=world.jiaojia, kind="wecom", target=receiver.webhook)
    notify(
        users=[],
        kind="request.alert",
        title="差评待回访：水电维修",
        station=world.jiaojia,
        station_channels=True,
    )
    call_command("worker", batch=True, verbosity=0)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert (
        receiver.bodies() == [{"msgtype": "text", "text": {"content": "差评待回访：水电维修"}}] * 3
    )
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3
