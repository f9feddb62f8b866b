"""Health records, the most sensitive data of the system: written and read only by station staff
and the caregivers of the person's centre, with the person's separate consent, encrypted at rest,
every read audited; out-of-range values alert the staff; supervisors see counts only.

The cast: tests/care_cast.py (王秀梅 has a sensitive-data consent and is a member of the elderly
centre, where the caregiver user works; 刘德福 gave no such consent).
"""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.health.actions import check_book, check_slots_create
from linli.health.models import HealthRecord
from linli.notifications.models import Notification
from tests.care_cast import Care, build_care
from tests.conftest import api_token, bearer, reads_in_english, signed_in


@pytest.fixture
def care(world, registry, corps) -> Care:
    return build_care(world, registry, corps)


def api(user: Any) -> dict[str, Any]:
    return bearer(api_token(user))


def write(user: Any, resident: Any, **values: Any) -> Any:
    body = {"resident": resident.pk, "measured_at": timezone.now().isoformat(), **values}
    return Client().post("/api/v1/health/records", body, content_type="application/json",
                         **api(user))  # fmt: skip


def read(user: Any, resident: Any) -> Any:
    return Client().get(f"/api/v1/residents/{resident.pk}/health", **api(user))


def test_a_caregiver_records_and_reads_encrypted_and_audited(care):
    carer = care.elderly_carer
    answer = write(carer, care.wang, systolic=128, diastolic=82, glucose="5.6", heart_rate=72,
                   weight_kg="58.0", height_cm="156.0", note="状态良好")  # fmt: skip
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["systolic"], body["glucose"], body["bmi"], body["alert"]) == (128, "5.6", "23.8",
                                                                                False)  # fmt: skip
    record = HealthRecord.objects.get()
    for clear in ("128", "5.6", "状态良好"):
        assert clear not in record.values_cipher
    before = AuditLog.objects.filter(action="health_record.read").count()
    listed = read(carer, care.wang).json()
    assert listed["count"] == 1 and listed["items"][0]["note"] == "状态良好"
    assert AuditLog.objects.filter(action="health_record.read", actor=carer).count() == before + 1
    audit = AuditLog.objects.filter(action="health_record.create").get()
    assert "128" not in str(audit.after)


@pytest.mark.parametrize(
    "who, status",
    [
        ("staff", 201),
        ("admin", 201),
        ("elderly_carer", 201),
        ("disabled_carer", 404),
        ("idle_carer", 404),
        ("supervisor", 404),
        ("volunteer", 404),
        ("team_leader", 404),
        ("resident", 404),
        ("canteen_operator", 404),
        ("outsider", 404),
        ("outside_carer", 404),
    ],
)
def test_only_staff_and_the_centres_caregivers_get_in(care, world, who, status):
    users = {
        "staff": world.user(Role.STATION_STAFF),
        "admin": world.user(Role.ADMIN),
        "elderly_carer": care.elderly_carer,
        "disabled_carer": care.disabled_carer,
        "idle_carer": care.idle_carer,
        "supervisor": world.user(Role.SUPERVISOR),
        "outsider": world.outsider,
        "outside_carer": care.outside_carer,
    }
    user = users.get(who) or world.user(who)
    assert write(user, care.wang, systolic=120, diastolic=80).status_code == status
    assert read(user, care.wang).status_code == (200 if status == 201 else 404)
    page = signed_in(user).get(f"/health/{care.wang.pk}/")
    assert page.status_code == (200 if status == 201 else 404)
    if status == 404:
        assert HealthRecord.objects.count() == 0


def test_a_member_who_left_is_no_longer_the_caregivers(care, world):
    from linli.daycare.actions.members import member_leave

    member_leave(membership=care.wang_member, actor=world.user(Role.STATION_STAFF), reason="搬家")
    assert read(care.elderly_carer, care.wang).status_code == 404
    assert read(world.user(Role.STATION_STAFF), care.wang).status_code == 200


def test_without_the_separate_consent_nothing_is_recorded(care, world):
    answer = write(world.user(Role.STATION_STAFF), care.liu, systolic=120, diastolic=80)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "no_sensitive_consent"
    assert not HealthRecord.objects.exists()


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"systolic": 20},
        {"systolic": 400},
        {"systolic": 120, "diastolic": 130},
        {"glucose": "99"},
        {"glucose": "5.55"},
        {"heart_rate": 2**70},
        {"weight_kg": "-3"},
        {"systolic": 120, "note": "坏\x00"},
        {"systolic": 120, "note": "长" * 301},
        {"systolic": 120, "measured_at": "2999-01-01T00:00:00+08:00"},
        {"systolic": 120, "measured_at": "1899-01-01T00:00:00+08:00"},
        {"systolic": 120, "check_activity": 99999999},
    ],
)
def test_bad_values_are_refused(care, world, values):
    answer = write(world.user(Role.STATION_STAFF), care.wang, **values)
    assert answer.status_code == 422, (values, answer.content)
    assert answer.json()["error"]["code"] == "validation_error"
    assert not HealthRecord.objects.exists()


def test_out_of_range_values_alert_the_staff_and_thresholds_are_the_stations(care, world):
    staff = world.user(Role.STATION_STAFF)
    high = write(care.elderly_carer, care.wang, systolic=165, diastolic=95).json()
    assert high["alert"] is True and high["out_of_range"] == ["systolic", "diastolic"]
    alert = Notification.objects.get(user=staff, kind="health.alert")
    assert "王秀梅" in alert.title and "165" not in alert.title + alert.body
    assert reads_in_english(alert) == (
        "A health record of 王秀梅 has values out of range\n"
        "Please look at the health records and follow up."
    )
    assert not Notification.objects.filter(user=world.outsider, kind="health.alert").exists()
    # The station widens the range: the same value is no alert any more.
    client = signed_in(staff)
    client.post("/health/thresholds/", {"metric": "systolic", "low": "90", "high": "170"})
    client.post("/health/thresholds/", {"metric": "diastolic", "low": "60", "high": "100"})
    calm = write(care.elderly_carer, care.wang, systolic=165, diastolic=95).json()
    assert calm["alert"] is False
    assert Notification.objects.filter(kind="health.alert").count() == 1
    refused = client.post(
        "/health/thresholds/", {"metric": "systolic", "low": "150", "high": "100"}
    )
    assert "上限须高于下限" in refused.content.decode()
    assert signed_in(care.elderly_carer).get("/health/thresholds/").status_code == 403
    assert signed_in(world.user(Role.SUPERVISOR)).get("/health/thresholds/").status_code == 403


def test_supervisors_see_counts_and_never_a_value(care, world):
    write(care.elderly_carer, care.wang, systolic=165, diastolic=95)
    write(care.elderly_carer, care.wang, systolic=125, diastolic=80)
    supervisor = world.user(Role.SUPERVISOR)
    counts = Client().get("/api/v1/health/counts", **api(supervisor)).json()
    assert counts == {"records": 2, "residents": 1, "alerts": 1}
    assert (
        Client().get("/api/v1/health/counts", **api(world.outside_supervisor)).json()["records"]
        == 0
    )
    assert Client().get("/api/v1/health/counts", **api(care.elderly_carer)).status_code == 403
    assert read(supervisor, care.wang).status_code == 404


def test_the_trend_chart_on_the_persons_pages(care, world):
    carer = care.elderly_carer
    for days, systolic in ((60, 150), (30, 142), (1, 136)):
        body = {"measured_at": (timezone.now() - timedelta(days=days)).isoformat()}
        Client().post("/api/v1/health/records", {"resident": care.wang.pk, "systolic": systolic,
                                                 "diastolic": 85, **body},
                      content_type="application/json", **api(carer))  # fmt: skip
    page = signed_in(carer).get(f"/daycare/{care.elderly.pk}/members/{care.wang_member.pk}/")
    html = page.content.decode()
    assert 'data-echart="health-chart-data"' in html
    assert '"kind": "line"' in html and "150.0, 142.0, 136.0" in html
    # The form on the person's health page writes a record too.
    client = signed_in(carer)
    client.post(f"/health/{care.wang.pk}/", {"measured_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                                              "systolic": "118", "diastolic": "76"})  # fmt: skip
    assert HealthRecord.objects.filter(resident=care.wang).count() == 4


def test_the_quarterly_check_slots_and_bookings(care, world):
    from linli.activities.actions.lifecycle import ActivityInput, activity_create, activity_publish
    from linli.core.errors import DomainError

    staff = world.user(Role.STATION_STAFF)
    starts = (timezone.now() + timedelta(days=10)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    check = activity_publish(
        activity=activity_create(
            station=world.jiaojia,
            data=ActivityInput(title="“健康义诊”老年人免费体检", category="health",
                               place="焦家社区老年人日间照料中心", starts_at=starts,
                               ends_at=starts + timedelta(hours=2), capacity=10,
                               responsible_name="王秀梅"),
            actor=staff,
        ),
        actor=staff,
    )  # fmt: skip
    slots = check_slots_create(activity=check, minutes=30, capacity=1, actor=staff)
    assert len(slots) == 4
    check_book(slot=slots[0], resident=care.wang, actor=staff)
    with pytest.raises(DomainError) as full:
        check_book(slot=slots[0], resident=care.zhang, actor=staff)
    assert full.value.code == "slot_full"
    with pytest.raises(DomainError) as twice:
        check_book(slot=slots[1], resident=care.wang, actor=staff)
    assert twice.value.code == "already_booked"
    page = signed_in(staff).get(f"/health/checks/{check.pk}/").content.decode()
    assert "已约 1 / 1" in page and "王秀梅" in page
    supervisor_page = signed_in(world.user(Role.SUPERVISOR)).get(f"/health/checks/{check.pk}/")
    assert "王秀梅" not in supervisor_page.content.decode()
    assert signed_in(world.outsider).get(f"/health/checks/{check.pk}/").status_code == 404
    client = signed_in(staff)
    client.post(f"/health/checks/{check.pk}/", {"slot": slots[2].pk, "name": "张桂兰"})
    assert check.check_slots.get(pk=slots[2].pk).bookings.get().resident == care.zhang


def test_key_rotation_re_encrypts_health_records(care, world, settings):
    from io import StringIO

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from linli.core import crypto

    write(care.elderly_carer, care.wang, systolic=131, diastolic=83)
    original = list(settings.FIELD_KEYS)
    new_key = Fernet.generate_key().decode()
    try:
        settings.FIELD_KEYS = [new_key, *original]
        crypto.reset_key_cache()
        out = StringIO()
        call_command("rotate_field_keys", stdout=out)
        assert "1 条健康记录" in out.getvalue()
        settings.FIELD_KEYS = [new_key]  # the old key is gone
        crypto.reset_key_cache()
        assert read(care.elderly_carer, care.wang).json()["items"][0]["systolic"] == 131
    finally:
        settings.FIELD_KEYS = original
        crypto.reset_key_cache()
