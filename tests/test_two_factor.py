"""Two-factor sign-in: forced for staff roles under LINLI_REQUIRE_2FA, on the web and the API."""

import base64
import re

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from tests.conftest import PASSWORD, enrol_totp, signed_in, totp_now

STAFF = [Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF]
NOT_STAFF = [Role.TEAM_LEADER, Role.VOLUNTEER, Role.RESIDENT, Role.CANTEEN_OPERATOR, Role.CAREGIVER]


def secret_on_page(html: str) -> str:
    found = re.search(r'data-testid="totp-secret">([A-Z2-7=]+)<', html)
    assert found is not None, "the set-up page shows the secret for manual entry"
    return found.group(1)


def code_for_secret(secret: str) -> str:
    totp = TOTP(base64.b32decode(secret), step=30, digits=6)
    return f"{totp.token():06d}"


@pytest.mark.parametrize("role", STAFF)
def test_staff_without_two_factor_are_sent_to_enrol(world, role):
    client = signed_in(world.user(role), verified=False)
    for path in ["/", "/stations/", "/audit/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/setup/"
    assert client.get("/accounts/2fa/setup/").status_code == 200


def test_htmx_requests_are_redirected_with_a_header(world):
    client = signed_in(world.user(Role.STATION_STAFF), verified=False)
    response = client.get("/stations/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/accounts/2fa/setup/"


@pytest.mark.parametrize("role", NOT_STAFF)
def test_other_roles_are_not_forced(world, role):
    client = signed_in(world.user(role), verified=False)
    assert client.get("/").status_code == 200


def test_staff_are_not_forced_when_the_setting_is_off(world, settings):
    settings.REQUIRE_2FA = False
    client = signed_in(world.user(Role.STATION_STAFF), verified=False)
    home = client.get("/")
    assert home.status_code == 200
    assert 'data-testid="suggest-2fa"' in home.content.decode()


def test_enrolment_confirms_with_a_code_and_gives_recovery_codes(world):
    staff = world.user(Role.STATION_STAFF)
    client = Client()
    client.post("/accounts/login/", {"phone": staff.phone, "password": PASSWORD})
    setup = client.get("/accounts/2fa/setup/").content.decode()
    assert "<svg" in setup
    secret = secret_on_page(setup)
    wrong = client.post("/accounts/2fa/setup/", {"code": "123456"})
    assert "验证码不正确" in wrong.content.decode()
    done = client.post("/accounts/2fa/setup/", {"code": code_for_secret(secret)})
    codes = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/").status_code == 200  # this session is now verified
    assert AuditLog.objects.filter(action="2fa.enable", actor=staff).exists()
    assert StaticToken.objects.filter(device__user=staff).count() == 10


def test_recovery_code_signs_in_once(world):
    staff = world.user(Role.STATION_STAFF)
    client = Client()
    client.post("/accounts/login/", {"phone": staff.phone, "password": PASSWORD})
    setup = client.get("/accounts/2fa/setup/").content.decode()
    secret = secret_on_page(setup)
    done = client.post("/accounts/2fa/setup/", {"code": code_for_secret(secret)})
    recovery = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", done.content.decode())[0]

    first = Client()
    first.post("/accounts/login/", {"phone": staff.phone, "password": PASSWORD})
    assert first.post("/accounts/login/otp/", {"code": recovery})["Location"] == "/"
    second = Client()
    second.post("/accounts/login/", {"phone": staff.phone, "password": PASSWORD})
    assert second.post("/accounts/login/otp/", {"code": recovery}).status_code == 200


def test_admin_resets_a_lost_authenticator(world):
    staff = world.user(Role.STATION_STAFF)
    enrol_totp(staff)
    admin = signed_in(world.user(Role.ADMIN))
    response = admin.post(f"/accounts/users/{staff.pk}/2fa/reset/")
    assert response.status_code == 302
    assert not staff.authenticator_set.exists()
    assert AuditLog.objects.filter(action="2fa.reset", target_id=str(staff.pk)).exists()


# --- the API --------------------------------------------------------------------------------------


def token_post(client: Client, **payload):
    return client.post("/api/v1/auth/token", payload, content_type="application/json")


def test_api_refuses_staff_without_two_factor(world):
    staff = world.user(Role.STATION_STAFF)
    response = token_post(Client(), phone=staff.phone, password=PASSWORD)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "2fa_setup_required"


def test_api_asks_for_otp_once_set_up(world):
    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    client = Client()
    missing = token_post(client, phone=staff.phone, password=PASSWORD)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "otp_required"
    wrong = token_post(client, phone=staff.phone, password=PASSWORD, otp="000000")
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "otp_invalid"
    device.refresh_from_db()
    device.throttle_reset()
    ok = token_post(client, phone=staff.phone, password=PASSWORD, otp=totp_now(device))
    assert ok.status_code == 200
    assert ok.json()["user"]["two_factor"] is True


def test_api_otp_is_throttled_after_a_wrong_code(world):
    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    token_post(Client(), phone=staff.phone, password=PASSWORD, otp="000000")
    hurried = token_post(Client(), phone=staff.phone, password=PASSWORD, otp=totp_now(device))
    assert hurried.status_code == 429
    assert hurried.json()["error"]["code"] == "otp_throttled"


def test_a_volunteer_with_an_authenticator_also_needs_the_code(world):
    volunteer = world.user(Role.VOLUNTEER)
    enrol_totp(volunteer)
    response = token_post(Client(), phone=volunteer.phone, password=PASSWORD)
    assert response.json()["error"]["code"] == "otp_required"


def test_existing_staff_token_is_refused_if_two_factor_is_removed(world):
    from linli.accounts import actions

    staff = world.user(Role.STATION_STAFF)
    enrol_totp(staff)
    secret, _ = actions.token_create(user=staff, actor=staff)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    actions.two_factor_reset(user=staff, actor=None)
    refused = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "2fa_setup_required"


def test_the_authenticator_secret_is_stored_encrypted(world):
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff = world.user(Role.STATION_STAFF)
    client = Client()
    client.post("/accounts/login/", {"phone": staff.phone, "password": PASSWORD})
    secret = secret_on_page(client.get("/accounts/2fa/setup/").content.decode())
    client.post("/accounts/2fa/setup/", {"code": code_for_secret(secret)})
    hex_secret = base64.b32decode(secret).hex()
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_cipher FROM accounts_authenticator")
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 1
    for column in stored:
        assert hex_secret not in column.lower() and secret not in column
        assert not re.fullmatch(r"[0-9a-fA-F]+", column)
    assert not TOTPDevice.objects.exists()  # django-otp's clear-hex table stays empty
    # The same secret, decrypted, still makes the codes: a new session signs in with the next
    # step's code (this step's was used up by the enrolment).
    second = Client()
    second.post("/accounts/login/", {"phone": staff.phone, "password": PASSWORD})
    next_code = f"{TOTP(base64.b32decode(secret), step=30, t0=-30).token():06d}"
    response = second.post("/accounts/login/otp/", {"code": next_code})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_device_enrolled_before_encryption_keeps_working(world):
    """The migration moves django-otp's clear-hex devices into encrypted authenticators."""
    import importlib

    from django.apps import apps
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from linli.accounts.models import Authenticator

    migration = importlib.import_module(
        "linli.accounts.migrations.0004_authenticator_encrypted_secret"
    )
    staff = world.user(Role.STATION_STAFF)
    old = TOTPDevice.objects.create(user=staff, name="authenticator", confirmed=True, drift=1)
    secret = base64.b32encode(old.bin_key).decode()
    migration.encrypt_totp_secrets(apps, None)
    assert not TOTPDevice.objects.exists()
    device = Authenticator.objects.get(user=staff)
    assert device.confirmed and device.drift == 1 and old.key not in device.secret_cipher
    assert device.bin_key.hex() == old.key
    client = Client()
    client.post("/accounts/login/", {"phone": staff.phone, "password": PASSWORD})
    # The phone app, set up with the old secret, gives a code that is accepted.
    response = client.post("/accounts/login/otp/", {"code": code_for_secret(secret)})
    assert response.status_code == 302 and response["Location"] == "/"
