"""The API's token life cycle: obtain, use, list, revoke; every bad token is a 401, never a 500."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import ApiToken, Role
from linli.audit.models import AuditLog
from tests.conftest import PASSWORD, api_token, bearer


def test_resident_obtains_a_token_and_reads_me(world):
    resident = world.user(Role.RESIDENT)
    response = Client().post(
        "/api/v1/auth/token",
        {"phone": resident.phone, "password": PASSWORD, "name": "我的手机"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("linli_")
    assert body["expires_at"].endswith("+08:00")
    assert "no-store" in response["Cache-Control"]  # the secret must not be kept by a proxy
    me = Client().get("/api/v1/me", **bearer(body["token"])).json()
    assert me["phone"] == resident.phone
    assert me["roles"] == [
        {
            "role": "resident",
            "role_name": "居民",
            "station": {"code": "JIAOJIA", "name": "焦家社区实践站", "kind": "station"},
        }
    ]
    assert [station["code"] for station in me["stations"]] == ["JIAOJIA"]
    # Only the hash is stored.
    assert not ApiToken.objects.filter(key_hash=body["token"]).exists()
    created = AuditLog.objects.get(action="token.create")
    assert created.actor == resident
    assert AuditLog.objects.filter(action="login.success", after__channel="api").exists()


def test_supervisor_me_lists_the_whole_subtree(world):
    token = api_token(world.user(Role.SUPERVISOR))
    me = Client().get("/api/v1/me", **bearer(token)).json()
    assert [station["code"] for station in me["stations"]] == ["DANGTU-KFQ", "JIAOJIA"]


def test_wrong_password_is_401_in_the_error_format(world):
    response = Client().post(
        "/api/v1/auth/token",
        {"phone": world.user(Role.RESIDENT).phone, "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "invalid_credentials", "message": "手机号码或密码不正确。"}
    }


def test_a_password_typed_as_the_phone_is_not_audited(world):
    response = Client().post(
        "/api/v1/auth/token",
        {"phone": "my-secret-pass", "password": "x"},
        content_type="application/json",
    )
    assert response.status_code == 401
    row = AuditLog.objects.get(action="login.failed")
    assert "my-secret-pass" not in str(row.after)


def test_sixth_wrong_password_locks_the_api_too(world):
    phone = world.user(Role.RESIDENT).phone
    codes = []
    for _ in range(6):
        response = Client().post(
            "/api/v1/auth/token",
            {"phone": phone, "password": "nope"},
            content_type="application/json",
        )
        codes.append(response.status_code)
    assert codes == [401] * 5 + [429]
    assert response.json()["error"]["code"] == "locked_out"
    assert AuditLog.objects.filter(action="login.locked", after__channel="api").count() == 1


def test_revoked_token_is_refused(world):
    token = api_token(world.user(Role.VOLUNTEER))
    client = Client()
    assert client.get("/api/v1/me", **bearer(token)).status_code == 200
    assert client.delete("/api/v1/auth/token", **bearer(token)).status_code == 204
    refused = client.get("/api/v1/me", **bearer(token))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    assert AuditLog.objects.filter(action="token.revoke").count() == 1


def test_one_token_revokes_another_of_the_same_user_only(world):
    volunteer = world.user(Role.VOLUNTEER)
    phone_token = api_token(volunteer)
    tablet_token = api_token(volunteer)
    listing = Client().get("/api/v1/auth/tokens", **bearer(phone_token)).json()
    assert len(listing) == 2
    assert sum(item["current"] for item in listing) == 1
    tablet_id = next(item["id"] for item in listing if not item["current"])
    other = api_token(world.user(Role.RESIDENT))
    # Someone else's token id is simply not found.
    assert Client().delete(f"/api/v1/auth/tokens/{tablet_id}", **bearer(other)).status_code == 404
    assert (
        Client().delete(f"/api/v1/auth/tokens/{tablet_id}", **bearer(phone_token)).status_code
        == 204
    )
    assert Client().get("/api/v1/me", **bearer(tablet_token)).status_code == 401
    assert Client().get("/api/v1/me", **bearer(phone_token)).status_code == 200


def test_expired_token_is_refused(world):
    token = api_token(world.user(Role.VOLUNTEER))
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get("/api/v1/me", **bearer(token)).status_code == 401


def test_token_of_a_deactivated_account_is_refused(world):
    volunteer = world.user(Role.VOLUNTEER)
    token = api_token(volunteer)
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])
    assert Client().get("/api/v1/me", **bearer(token)).status_code == 401


def test_password_change_revokes_every_token(world):
    from linli.accounts import actions

    volunteer = world.user(Role.VOLUNTEER)
    token = api_token(volunteer)
    actions.password_change(user=volunteer, new_password="another-good-secret-9", actor=volunteer)
    assert Client().get("/api/v1/me", **bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer garbage",
        "Bearer linli_" + "x" * 43,
        "Bearer " + "linli_" + "é" * 10,
        "Bearer " + "a" * 5000,
        "Bearer",
        "Token linli_abc",
        "",
    ],
)
def test_bad_tokens_are_401_not_500(world, header):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_no_token_is_401(world):
    assert Client().get("/api/v1/me").status_code == 401


def test_api_responses_are_not_cached(world):
    token = api_token(world.user(Role.VOLUNTEER))
    response = Client().get("/api/v1/me", **bearer(token))
    assert "no-store" in response["Cache-Control"]
