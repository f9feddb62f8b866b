"""A resident's first week, through the HTTP client: the desk links the account to the person
record (search, never automatic), a temporary password that must be changed, a code texted to
reset a forgotten password, 点单 without an account (reviewed and sorted by staff), and the
sign-in page's ways in."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.test import Client, override_settings

from linli.accounts import actions as account_actions
from linli.accounts.models import Role, User
from linli.assistance.models import RequestStatus, ServiceRequest
from linli.audit.models import AuditLog
from linli.people.models import Resident
from tests.conftest import make_user, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(world: Any) -> User:
    """A resident who signed up with her phone: an account with the resident role, no record."""
    return make_user("13912340001", Role.RESIDENT, world.jiaojia, name="王秀梅")


# --- linking at the desk ---------------------------------------------------------------------


def test_signing_up_links_nothing_by_itself(newcomer: User, registry: Any) -> None:
    assert not Resident.objects.filter(user=newcomer).exists()
    page = signed_in(newcomer).get("/requests/new/")
    assert 'data-testid="own-address"' not in page.content.decode()


def test_the_desk_finds_the_account_by_phone_and_links_it(
    world: Any, registry: Any, newcomer: User
) -> None:
    staff = signed_in(world.user(Role.STATION_STAFF))
    waiting = staff.get("/residents/accounts/").content.decode()
    assert "13912340001" in waiting
    found = staff.get(f"/residents/{registry.wang.pk}/account/search/?q=1234 0001")
    assert f'data-testid="link-account-{newcomer.pk}"' in found.content.decode()
    linked = staff.post(f"/residents/{registry.wang.pk}/account/link/", {"account": newcomer.pk})
    assert linked.status_code == 302
    assert Resident.objects.get(pk=registry.wang.pk).user == newcomer
    assert AuditLog.objects.filter(action="resident.link_account").count() == 1
    staff.get("/")  # the flash message is shown once
    assert "13912340001" not in staff.get("/residents/accounts/").content.decode()
    # Her address now fills itself in the request form.
    form = signed_in(newcomer).get("/requests/new/").content.decode()
    assert 'data-testid="own-address"' in form
    assert "3栋2单元502" in form


def test_search_offers_only_unlinked_accounts_of_the_station(
    world: Any, registry: Any, newcomer: User
) -> None:
    elsewhere = make_user("13912340002", Role.RESIDENT, world.huangchi, name="王秀梅")
    staff = signed_in(world.user(Role.STATION_STAFF))
    found = staff.get(f"/residents/{registry.wang.pk}/account/search/?q=王秀梅").content.decode()
    assert f"link-account-{newcomer.pk}" in found
    assert f"link-account-{elsewhere.pk}" not in found
    refused = staff.post(f"/residents/{registry.wang.pk}/account/link/", {"account": elsewhere.pk})
    assert refused.status_code == 302
    assert Resident.objects.get(pk=registry.wang.pk).user is None
    admin_found = staff.get(f"/residents/{registry.wang.pk}/account/search/?q=admin-user")
    assert "link-account" not in admin_found.content.decode()


def test_others_cannot_link(world: Any, registry: Any, newcomer: User) -> None:
    url = f"/residents/{registry.wang.pk}/account/link/"
    assert signed_in(world.outsider).post(url, {"account": newcomer.pk}).status_code == 404
    assert (
        signed_in(world.user(Role.VOLUNTEER)).post(url, {"account": newcomer.pk}).status_code == 403
    )
    assert (
        signed_in(world.user(Role.SUPERVISOR)).post(url, {"account": newcomer.pk}).status_code
        == 403
    )
    staff = signed_in(world.user(Role.STATION_STAFF))
    assert staff.post(url, {"account": "x" * 30}).status_code == 404
    assert Resident.objects.get(pk=registry.wang.pk).user is None


def test_unlink(world: Any, registry: Any, newcomer: User) -> None:
    Resident.objects.filter(pk=registry.wang.pk).update(user=newcomer)
    staff = signed_in(world.user(Role.STATION_STAFF))
    assert staff.post(f"/residents/{registry.wang.pk}/account/unlink/").status_code == 302
    assert Resident.objects.get(pk=registry.wang.pk).user is None


# --- a temporary password from the desk --------------------------------------------------------


def test_temporary_password_must_be_changed(world: Any, registry: Any, newcomer: User) -> None:
    Resident.objects.filter(pk=registry.wang.pk).update(user=newcomer)
    staff = signed_in(world.user(Role.STATION_STAFF))
    page = staff.post(f"/residents/{registry.wang.pk}/account/temporary-password/")
    assert page.status_code == 200
    text = page.content.decode()
    temporary = text.split('data-testid="temporary-password-value">')[1].split("<")[0]
    assert len(temporary) == 10
    browser = Client()
    signed = browser.post("/accounts/login/", {"phone": "13912340001", "password": temporary})
    assert signed.status_code == 302
    home = browser.get("/")
    assert home.status_code == 302 and home["Location"] == "/accounts/password/"
    assert browser.get("/requests/new/")["Location"] == "/accounts/password/"
    changed = browser.post(
        "/accounts/password/",
        {
            "old_password": temporary,
            "new_password": "my-own-pass-2026",
            "new_password_again": "my-own-pass-2026",
        },
    )
    assert changed.status_code == 302
    assert browser.get("/").status_code == 200
    assert not User.objects.get(pk=newcomer.pk).must_change_password


def test_api_refuses_a_temporary_password(world: Any, newcomer: User) -> None:
    temporary = account_actions.password_set_temporary(
        user=newcomer, actor=world.user(Role.STATION_STAFF)
    )
    answer = Client().post(
        "/api/v1/auth/token",
        {"phone": newcomer.phone, "password": temporary},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "password_change_required"


def test_a_desk_cannot_reset_a_colleague(world: Any) -> None:
    colleague = make_user("13912340009", Role.STATION_STAFF, world.jiaojia)
    with pytest.raises(Exception):  # noqa: B017, PT011 (PermissionDenied)
        account_actions.password_set_temporary(user=colleague, actor=world.user(Role.STATION_STAFF))
    assert not User.objects.get(pk=colleague.pk).must_change_password


# --- a code by SMS ---------------------------------------------------------------------------


class _Gateway(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers["Content-Length"])
        _Gateway.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def gateway() -> Any:
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received = []
    with override_settings(SMS_GATEWAY_URL=f"http://127.0.0.1:{server.server_port}/sms"):
        yield _Gateway.received
    server.shutdown()


def test_reset_by_sms_code(
    newcomer: User, gateway: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post("/accounts/password/reset/", {"op": "send", "phone": "139 1234 0001"})
    assert sent.status_code == 200
    assert 'data-testid="reset-sent"' in sent.content.decode()
    assert gateway[0]["phone"] == "13912340001"
    code = "".join(char for char in gateway[0]["text"] if char.isdigit())[:6]
    wrong = browser.post(
        "/accounts/password/reset/",
        {
            "op": "reset",
            "phone": "13912340001",
            "code": "000000" if code != "000000" else "111111",
            "new_password": "fresh-pass-2026",
            "new_password_again": "fresh-pass-2026",
        },
    )
    assert wrong.status_code == 422
    done = browser.post(
        "/accounts/password/reset/",
        {
            "op": "reset",
            "phone": "13912340001",
            "code": code,
            "new_password": "fresh-pass-2026",
            "new_password_again": "fresh-pass-2026",
        },
    )
    assert done.status_code == 302
    assert User.objects.get(pk=newcomer.pk).check_password("fresh-pass-2026")
    again = browser.post(
        "/accounts/password/reset/",
        {
            "op": "reset",
            "phone": "13912340001",
            "code": code,
            "new_password": "other-pass-2026",
            "new_password_again": "other-pass-2026",
        },
    )
    assert again.status_code == 422


def test_unknown_phone_gets_the_same_answer(
    gateway: list[dict[str, Any]], django_capture_on_commit_callbacks: Any, db: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = Client().post("/accounts/password/reset/", {"op": "send", "phone": "13912349999"})
    assert sent.status_code == 200
    assert 'data-testid="reset-sent"' in sent.content.decode()
    assert gateway == []


def test_five_wrong_codes_spend_the_code(newcomer: User, gateway: Any) -> None:
    account_actions.password_reset_code_send(phone=newcomer.phone)
    for _attempt in range(5):
        with pytest.raises(account_actions.AccountError):
            account_actions.password_reset_with_code(
                phone=newcomer.phone, code="999999", new_password="fresh-pass-2026"
            )
    assert newcomer.reset_codes.get().tries == 5


def test_without_a_gateway_the_page_sends_to_the_desk(db: Any) -> None:
    page = Client().get("/accounts/password/reset/").content.decode()
    assert 'data-testid="reset-desk"' in page
    assert 'data-testid="reset-send-form"' not in page


# --- the sign-in page and 点单 without an account ----------------------------------------------


@override_settings(STATION_PHONE="0555-6712345")
def test_sign_in_page_shows_every_way_in(world: Any) -> None:
    page = Client().get("/accounts/login/").content.decode()
    for testid in ("login-forgot", "login-ask", "login-volunteer"):
        assert f'data-testid="{testid}"' in page
    assert "0555-6712345" in page
    public = Client().get("/stations/JIAOJIA/about/").content.decode()
    assert "/requests/ask/?station=JIAOJIA" in public
    assert Client().get("/stations/DANGTU/about/").status_code == 404


def test_asking_without_an_account(world: Any, registry: Any, menu: Any) -> None:
    browser = Client()
    assert browser.get("/requests/ask/?station=JIAOJIA").status_code == 200
    done = browser.post(
        "/requests/ask/",
        {
            "station": "JIAOJIA",
            "name": "张大爷",
            "phone": "0555-6701234",
            "address": "金桥花园3栋2单元502",
            "description": "家里灯不亮了",
        },
    )
    assert done.status_code == 302
    asked = ServiceRequest.objects.get()
    assert asked.requester is None
    assert asked.category == ""
    assert asked.status == RequestStatus.SUBMITTED
    assert asked.building is not None and asked.room == "502"
    assert asked.requester_phone == "05556701234"
    assert "您的单号是" in browser.get(done["Location"]).content.decode()
    # Staff see it to sort, and cannot dispatch before they do.
    staff = signed_in(world.user(Role.STATION_STAFF))
    page = staff.get(f"/requests/{asked.pk}/").content.decode()
    assert 'data-testid="classify-form"' in page
    refused = staff.post(f"/requests/{asked.pk}/do/dispatch/", {"mode": "open"})
    assert refused.status_code == 422
    sorted_ = staff.post(
        f"/requests/{asked.pk}/do/classify/",
        {"category": "community", "item": str(menu.repair.pk)},
    )
    assert sorted_.status_code == 302
    asked.refresh_from_db()
    assert (asked.category, asked.item_id) == ("community", menu.repair.pk)
    assert staff.post(f"/requests/{asked.pk}/do/dispatch/", {"mode": "open"}).status_code == 302


def test_ask_bounds(world: Any, registry: Any, menu: Any) -> None:
    browser = Client()
    data = {
        "station": "JIAOJIA",
        "name": "张大爷",
        "phone": "13912345678",
        "address": "某处",
        "description": "帮忙",
    }
    for _attempt in range(3):
        assert browser.post("/requests/ask/", data).status_code == 302
    assert browser.post("/requests/ask/", data).status_code == 429
    assert browser.post("/requests/ask/", {**data, "phone": "12"}).status_code == 422
    assert (
        browser.post("/requests/ask/", {**data, "name": "a\x00b"}).status_code == 400
    )  # refused before any view
    assert browser.post("/requests/ask/", {**data, "description": "x" * 1001}).status_code == 422
    assert browser.post("/requests/ask/", {**data, "station": "NOPE"}).status_code == 404
    assert ServiceRequest.objects.count() == 3
