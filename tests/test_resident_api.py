"""Residents in the API (SPEC §5): list, create with consent, read masked, patch; and the summary."""

import json

from django.test import Client

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.core import crypto
from linli.people.models import Resident
from tests.conftest import WANG_ID, api_token, bearer


def get(user, path, **params):
    return Client().get(path, params, **bearer(api_token(user)))


def test_list_is_paginated_masked_and_scoped(registry, world):
    body = get(world.user(Role.STATION_STAFF), "/api/v1/residents").json()
    assert body["count"] == 3
    wang = next(item for item in body["items"] if item["name"] == "王秀梅")
    assert wang["id_number_masked"] == "3405**********1229"
    assert "id_number" not in wang
    assert wang["address"] == {"estate": "金桥花园", "building": "3", "unit": "2", "room": "502"}
    assert wang["tags"] == ["disabled", "living_alone"]
    assert wang["updated_at"].endswith("+08:00")
    assert WANG_ID not in str(body)


def test_list_filters_and_pinyin_search(registry, world):
    staff = world.user(Role.STATION_STAFF)
    assert [r["name"] for r in get(staff, "/api/v1/residents", q="wxm").json()["items"]] == [
        "王秀梅"
    ]
    minors = get(staff, "/api/v1/residents", tag="minor").json()["items"]
    assert [r["name"] for r in minors] == ["李梓涵"]
    assert "minor" in minors[0]["tags"]


def test_outsider_sees_none_and_gets_404(registry, world):
    assert get(world.outsider, "/api/v1/residents").json()["count"] == 1  # their own station's
    response = get(world.outsider, f"/api/v1/residents/{registry.wang.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_volunteers_reach_no_residents(registry, world):
    assert get(world.user(Role.VOLUNTEER), "/api/v1/residents").json()["count"] == 0


def test_create_with_consent_and_write_only_id_number(registry, world):
    staff = world.user(Role.STATION_STAFF)
    response = Client().post(
        "/api/v1/residents",
        {
            "name": "孙玉兰",
            "id_number": "340521195507070025",
            "address": {"estate": "金桥花园", "building": "1", "unit": "2", "room": "201"},
            "tags": ["empty_nest"],
            "consent": {"method": "verbal", "sensitive": True},
        },
        content_type="application/json",
        **bearer(api_token(staff)),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["gender"] == "F" and body["birth_date"] == "1955-07-07"
    assert body["id_number_masked"] == "3405**********0025"
    assert "340521195507070025" not in response.content.decode()
    assert body["station"] == "JIAOJIA"


def test_create_refusals_are_422_with_fields(registry, world):
    staff = world.user(Role.STATION_STAFF)
    response = Client().post(
        "/api/v1/residents",
        {"name": "孙玉兰", "id_number": "340521195507070026", "consent": {"method": "paper"}},
        content_type="application/json",
        **bearer(api_token(staff)),
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert {field["loc"][0] for field in error["fields"]} >= {"id_number"}
    assert Resident.objects.filter(name="孙玉兰").count() == 0


def test_supervisor_cannot_create(registry, world):
    response = Client().post(
        "/api/v1/residents?station=JIAOJIA",
        {
            "name": "孙玉兰",
            "gender": "F",
            "birth_date": "1950-01-01",
            "consent": {"method": "paper"},
        },
        content_type="application/json",
        **bearer(api_token(world.user(Role.SUPERVISOR))),
    )
    assert response.status_code == 404


def test_patch_changes_only_what_is_sent(registry, world):
    staff = world.user(Role.STATION_STAFF)
    response = Client().patch(
        f"/api/v1/residents/{registry.wang.pk}",
        {"phone": "13855550777", "tags": ["living_alone"]},
        content_type="application/json",
        **bearer(api_token(staff)),
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["phone"] == "13855550777"
    assert body["tags"] == ["living_alone"]
    assert body["id_number_masked"] == "3405**********1229"
    assert AuditLog.objects.filter(action="resident.update").count() == 1


def test_patch_of_one_sensitive_field_keeps_the_others(registry, world):
    response = Client().patch(
        f"/api/v1/residents/{registry.wang.pk}",
        {"health_notes": "高血压"},
        content_type="application/json",
        **bearer(api_token(world.user(Role.STATION_STAFF))),
    )
    assert response.status_code == 200, response.json()
    wang = Resident.objects.get(pk=registry.wang.pk)
    assert json.loads(crypto.decrypt(wang.sensitive_cipher)) == {
        "disability_type": "肢体",
        "disability_grade": "二级",
        "health_notes": "高血压",
    }


def test_patch_refuses_a_birth_date_against_the_id_number(registry, world):
    response = Client().patch(
        f"/api/v1/residents/{registry.wang.pk}",
        {"birth_date": "1960-01-01"},
        content_type="application/json",
        **bearer(api_token(world.user(Role.STATION_STAFF))),
    )
    assert response.status_code == 422
    assert "不符" in response.json()["error"]["message"]


def test_summary_counts_rows(registry, world):
    staff = world.user(Role.STATION_STAFF)
    summary = get(staff, "/api/v1/stats/summary", station="JIAOJIA").json()
    assert summary["estates"] == 2
    assert summary["buildings"] == 4
    assert summary["households"] == 2
    assert summary["residents"] == 3
    admin_all = get(world.user(Role.ADMIN), "/api/v1/stats/summary").json()
    assert admin_all["residents"] == 4
    assert get(world.outsider, "/api/v1/stats/summary", station="JIAOJIA").status_code == 404
    assert get(world.user(Role.VOLUNTEER), "/api/v1/stats/summary").status_code == 403
