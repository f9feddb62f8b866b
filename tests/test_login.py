"""Signing in on the web: phone and password, the OTP step, lock-out after the sixth wrong password."""

import pytest
from django.test import Client

from linli.accounts.lockout import lockout_key
from linli.accounts.models import Role
from linli.audit.models import AuditLog
from tests.conftest import PASSWORD, enrol_totp, totp_now


def post_login(client: Client, phone: str, password: str):
    return client.post("/accounts/login/", {"phone": phone, "password": password})


def test_volunteer_signs_in_with_phone_and_password(world):
    client = Client()
    response = post_login(client, world.user(Role.VOLUNTEER).phone, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "志愿者" in home.content.decode()
    assert AuditLog.objects.filter(
        action="login.success", actor=world.user(Role.VOLUNTEER)
    ).exists()


@pytest.mark.parametrize("typed", ["+86 138-0000-0004", "0086 13800000004", "138 0000 0004"])
def test_phone_number_may_be_typed_with_prefix_and_spaces(world, typed):
    response = post_login(Client(), typed, PASSWORD)
    assert response.status_code == 302


@pytest.mark.parametrize("bad", ["12345", "23800000000", "1380000000a", "1280000000"])
def test_invalid_phone_is_refused_with_a_clear_message(world, bad):
    response = post_login(Client(), bad, PASSWORD)
    assert response.status_code == 200
    assert "11 位中国大陆手机号码" in response.content.decode()


def test_wrong_password_is_refused_and_audited(world):
    volunteer = world.user(Role.VOLUNTEER)
    response = post_login(Client(), volunteer.phone, "not-the-password")
    assert response.status_code == 200
    assert "手机号码或密码不正确" in response.content.decode()
    row = AuditLog.objects.get(action="login.failed")
    assert row.target_id == str(volunteer.pk)
    assert row.after == {"phone": volunteer.phone, "channel": "web", "locked": False}
    assert row.actor is None


def test_five_wrong_passwords_are_forgiven(world):
    volunteer = world.user(Role.VOLUNTEER)
    for _ in range(5):
        post_login(Client(), volunteer.phone, "wrong-password")
    assert post_login(Client(), volunteer.phone, PASSWORD).status_code == 302


def test_sixth_wrong_password_locks_the_account_and_is_audited(world):
    volunteer = world.user(Role.VOLUNTEER)
    for _ in range(5):
        assert post_login(Client(), volunteer.phone, "wrong-password").status_code == 200
    sixth = post_login(Client(), volunteer.phone, "wrong-password")
    assert sixth.status_code == 429
    assert "账户已暂时锁定" in sixth.content.decode()
    locked = AuditLog.objects.filter(action="login.locked", target_id=str(volunteer.pk))
    assert locked.count() == 1
    # While locked, even the right password is refused (and the refusal is audited too).
    again = post_login(Client(), volunteer.phone, PASSWORD)
    assert again.status_code == 429
    assert AuditLog.objects.filter(action="login.locked").count() == 2
    # Other accounts are not affected.
    assert post_login(Client(), world.user(Role.RESIDENT).phone, PASSWORD).status_code == 302


def test_lock_expires_after_the_cool_off(world, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt

    volunteer = world.user(Role.VOLUNTEER)
    for _ in range(6):
        post_login(Client(), volunteer.phone, "wrong-password")
    assert post_login(Client(), volunteer.phone, PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get(username=lockout_key(volunteer.phone))
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt.attempt_time - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert post_login(Client(), volunteer.phone, PASSWORD).status_code == 302


def test_user_with_authenticator_must_pass_the_otp_step(world):
    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    client = Client()
    response = post_login(client, staff.phone, PASSWORD)
    assert response["Location"] == "/accounts/login/otp/"
    # Not signed in yet: the home page still asks for a login.
    assert client.get("/")["Location"].startswith("/accounts/login/")
    wrong = client.post("/accounts/login/otp/", {"code": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    # Straight after a wrong code the authenticator makes the user wait a moment.
    hurried = client.post("/accounts/login/otp/", {"code": totp_now(device)})
    assert "秒后再试" in hurried.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post("/accounts/login/otp/", {"code": totp_now(device)})
    assert ok["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditLog.objects.filter(action="login.otp_failed", actor=staff).count() == 1


def test_otp_step_gives_up_after_five_wrong_codes(world):
    staff = world.user(Role.STATION_STAFF)
    enrol_totp(staff)
    client = Client()
    post_login(client, staff.phone, PASSWORD)
    for _ in range(4):
        client.post("/accounts/login/otp/", {"code": "000000"})
    fifth = client.post("/accounts/login/otp/", {"code": "000000"})
    assert fifth["Location"] == "/accounts/login/"
    assert client.get("/accounts/login/otp/")["Location"] == "/accounts/login/"


def test_next_parameter_is_followed_only_on_this_site(world):
    client = Client()
    ok = client.post(
        "/accounts/login/",
        {"phone": world.user(Role.VOLUNTEER).phone, "password": PASSWORD, "next": "/stations/"},
    )
    assert ok["Location"] == "/stations/"
    evil = Client().post(
        "/accounts/login/",
        {
            "phone": world.user(Role.VOLUNTEER).phone,
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert evil["Location"] == "/"


def test_logout_is_a_post_and_is_audited(world):
    client = Client()
    post_login(client, world.user(Role.RESIDENT).phone, PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert client.get("/")["Location"].startswith("/accounts/login/")
    assert AuditLog.objects.filter(action="logout").count() == 1


def test_inactive_account_cannot_sign_in(world):
    volunteer = world.user(Role.VOLUNTEER)
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])
    assert post_login(Client(), volunteer.phone, PASSWORD).status_code == 200
