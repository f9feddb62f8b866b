"""Rate limits on sign-in, tokens, registration, password changes and public look-ups; a locked
account still gets in with its second factor, or is unlocked by staff (issue: throttles)."""

import time
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client

from linli.accounts.lockout import lockout_key
from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.core import throttle
from linli.core.throttle import Rate
from tests.conftest import PASSWORD, enrol_totp, signed_in, totp_now


@pytest.fixture
def rates(settings: Any, monkeypatch: Any) -> dict[str, str]:
    settings.LINLI_RATES = {**settings.LINLI_RATES}
    # The limits count in fixed windows: a test's calls all fall in one, a second after its
    # start (an edge between two calls would start the count again).
    start = time.time()
    monkeypatch.setattr(throttle, "clock", lambda: (start // 86400) * 86400 + 1)
    return settings.LINLI_RATES


def token(client: Client, phone: str, password: str, **extra: Any) -> Any:
    return client.post(
        "/api/v1/auth/token",
        {"phone": phone, "password": password, **extra},
        content_type="application/json",
    )


def test_rates_read_as_written():
    assert Rate.parse("20/m") == Rate(20, 60)
    assert Rate.parse("5/15m") == Rate(5, 900)
    assert Rate.parse("30/h") == Rate(30, 3600)
    with pytest.raises(ValueError):
        Rate.parse("many")


def test_sign_in_is_limited_per_phone_in_chinese_with_retry_after(world, rates):
    rates["signin_phone"] = "3/m"
    phone = world.user(Role.VOLUNTEER).phone
    for _ in range(3):
        assert token(Client(), phone, "wrong").status_code == 401
    refused = token(Client(), phone, PASSWORD)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "请求过于频繁" in refused.json()["error"]["message"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    # The sign-in page counts the same phone, and answers a page.
    page = Client().post("/accounts/login/", {"phone": phone, "password": PASSWORD})
    assert page.status_code == 429
    assert "请求过于频繁" in page.content.decode()
    assert page["Retry-After"]
    # Another phone from the same address is still served.
    assert token(Client(), world.user(Role.RESIDENT).phone, PASSWORD).status_code == 200


def test_sign_in_is_limited_per_address(world, rates):
    rates["signin_address"] = "2/m"
    assert token(Client(), "13900000001", "x").status_code == 401
    assert token(Client(), "13900000002", "x").status_code == 401
    refused = token(Client(), world.user(Role.VOLUNTEER).phone, PASSWORD)
    assert refused.status_code == 429
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert token(other_address, world.user(Role.VOLUNTEER).phone, PASSWORD).status_code == 200


def test_registration_is_limited_per_address(world, rates):
    rates["register_address"] = "1/h"
    body = {
        "name": "张三",
        "id_number": "x",
        "phone": "13912345678",
        "password": "p",
        "consent": True,
    }
    first = Client().post("/api/v1/volunteers/register", body, content_type="application/json")
    assert first.status_code == 422
    second = Client().post("/api/v1/volunteers/register", body, content_type="application/json")
    assert second.status_code == 429 and second["Retry-After"]
    page = Client().post("/volunteers/register/", {"phone": "13912345679"})
    assert page.status_code == 429


def test_registration_is_limited_per_phone(world, rates):
    rates["register_phone"] = "1/h"
    body = {
        "name": "张三",
        "id_number": "x",
        "phone": "13912345678",
        "password": "p",
        "consent": True,
    }
    Client().post("/api/v1/volunteers/register", body, content_type="application/json")
    again = Client(REMOTE_ADDR="10.0.0.7").post(
        "/api/v1/volunteers/register", body, content_type="application/json"
    )
    assert again.status_code == 429


def test_password_changes_are_limited(world, rates):
    rates["password_phone"] = "1/h"
    client = signed_in(world.user(Role.VOLUNTEER))
    form = {"old_password": "wrong", "new_password": "x", "new_password_again": "x"}
    assert client.post("/accounts/password/", form).status_code == 200
    assert client.post("/accounts/password/", form).status_code == 429


def test_public_certificate_lookups_are_limited(world, rates):
    rates["lookup_address"] = "2/m"
    client = Client()
    assert client.get("/api/v1/certificates/NOPE-1").status_code == 404
    assert client.get("/api/v1/certificates/NOPE-2").status_code == 404
    refused = client.get("/api/v1/certificates/NOPE-3")
    assert refused.status_code == 429 and refused["Retry-After"]


def lock_out(phone: str) -> None:
    for _ in range(6):
        Client().post("/accounts/login/", {"phone": phone, "password": "wrong-password"})


def test_a_locked_account_with_a_second_factor_still_gets_in(world):
    admin = world.user(Role.ADMIN)
    device = enrol_totp(admin)
    lock_out(admin.phone)
    assert token(Client(), admin.phone, PASSWORD).status_code == 401  # the code is asked for
    answer = token(Client(), admin.phone, PASSWORD, otp=totp_now(device))
    assert answer.status_code == 200, answer.content
    # A wrong password is still refused as locked.
    assert token(Client(), admin.phone, "wrong-password").status_code == 429
    # The page takes them to the code step too.
    page = Client().post("/accounts/login/", {"phone": admin.phone, "password": PASSWORD})
    assert page.status_code == 302 and page["Location"] == "/accounts/login/otp/"
    assert AuditLog.objects.filter(action="login.locked_second_factor").exists()


def test_staff_or_admin_unlock_a_locked_account_audited(world):
    volunteer = world.user(Role.VOLUNTEER)
    lock_out(volunteer.phone)
    assert token(Client(), volunteer.phone, PASSWORD).status_code == 429
    admin = signed_in(world.user(Role.ADMIN))
    response = admin.post(f"/accounts/users/{volunteer.pk}/unlock/")
    assert response.status_code == 302
    assert token(Client(), volunteer.phone, PASSWORD).status_code == 200
    audit = AuditLog.objects.get(action="login.unlock")
    assert audit.actor == world.user(Role.ADMIN) and audit.target_id == str(volunteer.pk)
    # A volunteer may not unlock anyone.
    other = signed_in(volunteer).post(f"/accounts/users/{world.user(Role.ADMIN).pk}/unlock/")
    assert other.status_code in (403, 404)


def test_the_lock_out_table_holds_no_typed_phone_numbers(world):
    volunteer = world.user(Role.VOLUNTEER)
    lock_out(volunteer.phone)
    token(Client(), "my-password-123", "x")
    names = list(AccessAttempt.objects.values_list("username", flat=True))
    assert lockout_key(volunteer.phone) in names
    assert not any(volunteer.phone in name or "password" in name for name in names)


def _stored_text(model: Any) -> str:
    """Every text column of every row of an axes table, as one string."""
    fields = [
        field.name for field in model._meta.fields if field.get_internal_type() != "AutoField"
    ]
    return "\n".join(str(value) for row in model.objects.values_list(*fields) for value in row)


def test_no_axes_table_keeps_what_was_typed_or_who_signed_in(world):
    from axes.models import AccessFailureLog, AccessLog

    volunteer = world.user(Role.VOLUNTEER)
    typed = "13912340000"  # a phone with no account, typed into the page's form
    Client().post("/accounts/login/", {"phone": typed, "password": "wrong-password"})
    Client().post("/accounts/login/", {"phone": volunteer.phone, "password": "wrong-password"})
    token(Client(), "my-password-123", "wrong-password")
    # A successful sign-in, by the page and by the API.
    assert Client().post("/accounts/login/", {"phone": volunteer.phone, "password": PASSWORD})[
        "Location"
    ]
    assert token(Client(), world.user(Role.RESIDENT).phone, PASSWORD).status_code == 200
    assert AccessAttempt.objects.filter(username=lockout_key(typed)).exists()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        stored = _stored_text(model)
        for secret in (typed, volunteer.phone, world.user(Role.RESIDENT).phone, "my-password"):
            assert secret not in stored, (model.__name__, secret)
