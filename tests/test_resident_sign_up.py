"""A resident signs up with her phone number from the sign-in page: an account with the resident
role at her station, linked to nothing until the desk matches it to her record; a number that
already has an account gets the same answer and changes nothing; sign-ups are rate-limited like
volunteer registration."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.models import AuditLog
from linli.people.models import Resident
from tests.conftest import PASSWORD, signed_in
from tests.test_staff_desk import desk_numbers

pytestmark = pytest.mark.django_db


def sign_up(client: Client, phone: str, **changes: str) -> Any:
    return client.post(
        "/accounts/signup/",
        {
            "station": "JIAOJIA",
            "name": "王秀梅",
            "phone": phone,
            "password": PASSWORD,
            "password_again": PASSWORD,
            **changes,
        },
    )


@pytest.fixture
def rates(settings: Any) -> dict[str, str]:
    settings.LINLI_RATES = {**settings.LINLI_RATES}
    return settings.LINLI_RATES


def test_the_sign_in_page_leads_to_it_and_it_asks_for_the_station_first(world: Any) -> None:
    login = Client().get("/accounts/login/").content.decode()
    assert 'data-testid="login-sign-up"' in login and "/accounts/signup/" in login
    picker = Client().get("/accounts/signup/").content.decode()
    assert 'data-testid="sign-up-stations"' in picker
    assert "?station=JIAOJIA" in picker and "?station=HUANGCHI" in picker
    assert "?station=DANGTU" not in picker.replace("?station=DANGTU-", "")  # a 中心 takes none
    form = Client().get("/accounts/signup/?station=JIAOJIA").content.decode()
    assert 'data-testid="sign-up-form"' in form
    assert Client().get("/accounts/signup/?station=NOWHERE").status_code == 404


def test_a_new_account_waits_on_the_desk_until_staff_link_it(world: Any, registry: Any) -> None:
    staff = signed_in(world.user(Role.STATION_STAFF))
    before = desk_numbers(staff.get("/").content.decode(), "accounts")
    done = sign_up(Client(), "139 1234 0001")
    assert done.status_code == 302 and done["Location"] == "/accounts/signup/done/"
    account = User.objects.get(phone="13912340001")
    assert account.name == "王秀梅" and account.check_password(PASSWORD)
    assert RoleAssignment.objects.filter(
        user=account, role=Role.RESIDENT, station=world.jiaojia
    ).exists()
    assert not Resident.objects.filter(user=account).exists()  # never linked by itself
    # She can sign in at once; the station's desk counts her account to match, and lists it.
    signed = Client().post("/accounts/login/", {"phone": "13912340001", "password": PASSWORD})
    assert signed.status_code == 302
    assert int(desk_numbers(staff.get("/").content.decode(), "accounts")) == int(before) + 1
    waiting = staff.get("/residents/accounts/").content.decode()
    assert "13912340001" in waiting
    found = staff.get(f"/residents/{registry.wang.pk}/account/search/?q=12340001")
    assert f'data-testid="link-account-{account.pk}"' in found.content.decode()
    staff.post(f"/residents/{registry.wang.pk}/account/link/", {"account": account.pk})
    assert Resident.objects.get(pk=registry.wang.pk).user == account
    assert int(desk_numbers(staff.get("/").content.decode(), "accounts")) == int(before)
    # Another station's staff never see her.
    assert (
        "13912340001" not in signed_in(world.outsider).get("/residents/accounts/").content.decode()
    )


def test_a_number_with_an_account_gets_the_same_answer_and_changes_nothing(world: Any) -> None:
    volunteer = world.user(Role.VOLUNTEER)
    fresh = sign_up(Client(), "13912340002")
    taken = sign_up(
        Client(), volunteer.phone, password="another-horse-77", password_again="another-horse-77"
    )
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    answer = Client().get(taken["Location"]).content.decode()
    assert 'data-testid="sign-up-done"' in answer
    volunteer.refresh_from_db()
    assert volunteer.check_password(PASSWORD)  # her password is not changed
    assert not volunteer.role_assignments.filter(role=Role.RESIDENT).exists()
    held = AuditLog.objects.get(action="resident.sign_up_held")
    assert held.station == world.jiaojia
    assert volunteer.phone not in str(held.after)  # masked


def test_refusals_that_reveal_nothing_are_said_beside_their_field(world: Any) -> None:
    for phone in ("13912340003", world.user(Role.VOLUNTEER).phone):
        weak = sign_up(Client(), phone, password="12345678", password_again="12345678")
        assert weak.status_code == 422  # the same for a free and a taken number
        assert 'data-testid="sign-up-form"' in weak.content.decode()
    mismatch = sign_up(Client(), "13912340003", password_again="something-else-99")
    assert mismatch.status_code == 422
    assert "两次输入的密码不一致" in mismatch.content.decode()
    bad_phone = sign_up(Client(), "12345")
    assert bad_phone.status_code == 422
    assert "11 位" in bad_phone.content.decode()
    too_long = sign_up(Client(), "13912340004", name="王" * 51)
    assert too_long.status_code == 422
    assert not User.objects.filter(phone__in=["13912340003", "13912340004"]).exists()


def test_sign_ups_are_limited_per_phone_and_per_address(world: Any, rates: dict[str, str]) -> None:
    rates["register_phone"] = "1/h"
    assert sign_up(Client(), "13912340005").status_code == 302
    again = sign_up(Client(), "13912340005")
    assert again.status_code == 429 and again["Retry-After"]
    assert "请求过于频繁" in again.content.decode()
    rates["register_address"] = "1/h"
    rates["register_phone"] = "100/h"
    refused = sign_up(Client(), "13912340006")
    assert refused.status_code == 429
    assert not User.objects.filter(phone="13912340006").exists()
