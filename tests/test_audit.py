"""The audit log: written by actions, read-only for everyone, pruned by a background task."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from linli.accounts.models import Role
from linli.audit.actions import audit_record
from linli.audit.models import AuditLog
from linli.audit.tasks import next_prune_time, prune_audit_log, schedule_audit_prune
from tests.conftest import PASSWORD, signed_in

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_rows_record_who_when_what_and_where_from(world):
    Client(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="WeChat/8.0").post(
        "/accounts/login/", {"phone": world.user(Role.RESIDENT).phone, "password": PASSWORD}
    )
    row = AuditLog.objects.get(action="login.success")
    assert row.actor == world.user(Role.RESIDENT)
    assert row.actor_label == world.user(Role.RESIDENT).phone
    assert row.ip == "10.1.2.3"
    assert row.user_agent == "WeChat/8.0"
    assert row.target_type == "accounts.user"
    assert timezone.now() - row.at < timedelta(seconds=5)


def test_the_required_events_are_all_there(world):
    """Logins, failed logins, role changes and token creation each leave a row."""
    client = Client()
    phone = world.user(Role.VOLUNTEER).phone
    client.post("/accounts/login/", {"phone": phone, "password": "wrong-password"})
    client.post("/accounts/login/", {"phone": phone, "password": PASSWORD})
    client.post(
        "/api/v1/auth/token",
        {"phone": phone, "password": PASSWORD},
        content_type="application/json",
    )
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"login.failed", "login.success", "token.create", "role.grant"} <= actions


def test_a_row_cannot_be_rewritten(world):
    row = audit_record(actor=None, action="test.event")
    row.action = "something.else"
    with pytest.raises(PermissionError):
        row.save()


def test_the_audit_page_has_no_way_to_edit(world):
    client = signed_in(world.user(Role.ADMIN))
    assert client.post("/audit/", {"action": "x"}).status_code == 405
    page = client.get("/audit/").content.decode()
    assert "授予角色" in page
    assert "role.grant" not in page  # codes only in the export


def test_station_staff_read_their_stations_rows_only(world):
    for where, station in (("jiaojia", world.jiaojia), ("huangchi", world.huangchi)):
        audit_record(actor=None, action="test.event", station=station, after={"note": where})
    audit_record(actor=None, action="test.event", after={"note": "nowhere"})
    page = signed_in(world.user(Role.STATION_STAFF)).get("/audit/?action=test.").content.decode()
    assert "说明：jiaojia" in page
    assert "huangchi" not in page and "nowhere" not in page
    supervisor = signed_in(world.user(Role.SUPERVISOR)).get("/audit/?action=test.")
    assert "jiaojia" in supervisor.content.decode()
    assert "nowhere" not in supervisor.content.decode()
    admin_page = signed_in(world.user(Role.ADMIN)).get("/audit/?action=test.").content.decode()
    assert "huangchi" in admin_page and "nowhere" in admin_page


def test_audit_page_filters_with_htmx_and_constant_queries(world, django_assert_max_num_queries):
    client = signed_in(world.user(Role.ADMIN))
    with django_assert_max_num_queries(12) as few:
        client.get("/audit/")
    for index in range(60):
        audit_record(
            actor=None,
            action=f"test.bulk{index}",
            station=world.jiaojia,
            after={"note": f"第{index}条"},
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/audit/")
    fragment = client.get("/audit/?action=test.bulk5", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert "第5条" in fragment and "第6条" not in fragment


def test_prune_removes_only_rows_past_retention(world, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    # Rows written that long ago (the log refuses to have its times changed afterwards).
    AuditLog.objects.create(action="test.old", at=timezone.now() - timedelta(days=31))
    AuditLog.objects.create(action="test.young", at=timezone.now() - timedelta(days=29))
    deleted = prune_audit_log.call()
    assert deleted == 1
    assert not AuditLog.objects.filter(action="test.old").exists()
    assert AuditLog.objects.filter(action="test.young").exists()
    prune_row = AuditLog.objects.get(action="audit.prune")
    assert prune_row.after is not None and prune_row.after["deleted"] == 1


def test_prune_runs_through_the_queue_and_the_worker(transactional_db, settings):
    """The real path: enqueue into the database queue, then `linli worker --batch` runs it.

    Committed for real (the worker closes and reopens connections, like a separate process)."""
    settings.AUDIT_RETENTION_DAYS = 30
    AuditLog.objects.create(action="test.old", at=timezone.now() - timedelta(days=400))
    result = prune_audit_log.enqueue()
    assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()
    call_command("worker", batch=True, verbosity=0)
    done = DBTaskResult.objects.get(id=result.id)
    assert done.status == "SUCCESSFUL"
    assert done.return_value == 1
    assert not AuditLog.objects.filter(action="test.old").exists()


def test_next_prune_is_at_three_in_the_morning_station_time():
    evening = datetime(2026, 11, 29, 22, 0, tzinfo=SHANGHAI)
    assert next_prune_time(evening) == datetime(2026, 11, 30, 3, 0, tzinfo=SHANGHAI)
    small_hours = datetime(2026, 11, 29, 2, 0, tzinfo=SHANGHAI)
    assert next_prune_time(small_hours) == datetime(2026, 11, 29, 3, 0, tzinfo=SHANGHAI)


def test_restarts_queue_one_prune_per_night(world, django_capture_on_commit_callbacks):
    now = datetime(2026, 11, 29, 22, 0, tzinfo=SHANGHAI)
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_audit_prune(now) is True
        assert schedule_audit_prune(now) is False
    queued = DBTaskResult.objects.get(task_path="linli.audit.tasks.prune_audit_log")
    assert queued.run_after == datetime(2026, 11, 30, 3, 0, tzinfo=SHANGHAI)
