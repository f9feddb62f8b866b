"""Every role's first week, in a real browser on a 360 px phone: a resident without an account
asks for help from the sign-in page, another signs up with her phone number and the desk links
her account to her record (journey 1); the request form chooses the tile as she types (journey 2); a volunteer reads her
hours by year and asks for one correction in place (journey 4)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from linli.accounts.models import Role, User
from linli.assistance.models import ServiceRequest
from linli.ledger.actions import ledger_credit
from linli.ledger.models import Account, CorrectionRequest, EntryKind
from linli.people.models import Resident
from tests.browser.test_pages import enter_code, expect_path, log_in
from tests.conftest import PASSWORD, Corps, Menu, Registry, World, enrol_totp, totp_now

pytestmark = pytest.mark.browser


@pytest.fixture
def site(
    transactional_db: Any, world: World, menu: Menu, registry: Registry, live_server: Any
) -> str:
    return live_server.url


# The first page of a live server can take a while on a busy machine (CI shares its cores).
PATIENCE_MS = 30_000


def fits(page: Page) -> None:
    """Nothing wider than the phone, but the header's bar, whose links scroll sideways inside it."""
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => !e.closest('.topbar') && e.getBoundingClientRect().right > 361)"
        ".slice(0, 1).map(e => { let out = []; for (let n = e; n; n = n.parentElement) out.push(n.tagName + '.' + n.className + ' ' + Math.round(n.getBoundingClientRect().width) + '/' + getComputedStyle(n).gridTemplateColumns); return out.join(' < '); })"
    )
    assert not wide, wide
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_journey_1_asking_without_an_account_and_the_desk_linking_an_account(
    page: Page, browser: Browser, site: str, world: World, registry: Registry, screenshots: Path
) -> None:
    page.set_default_timeout(PATIENCE_MS)
    # Without an account: from the sign-in page, a large-type form.
    page.goto(f"{site}/accounts/login/")
    expect(page.get_by_test_id("login-volunteer")).to_be_visible()
    expect(page.get_by_test_id("login-forgot")).to_be_visible()
    page.get_by_test_id("login-ask").click()
    expect_path(page, "/requests/ask/")
    page.get_by_test_id("ask-stations").get_by_role("link", name="焦家社区实践站").click()
    form = page.get_by_test_id("ask-form")
    form.locator("input[name=name]").fill("张大爷")
    form.locator("input[name=phone]").fill("0555-6701234")
    form.locator("input[name=address]").fill("金桥花园3栋2单元502")
    form.locator("textarea[name=description]").fill("家里的灯不亮了")
    fits(page)
    page.screenshot(path=str(screenshots / "ask-360.png"), full_page=True)
    page.get_by_test_id("ask-submit").click()
    expect(page.get_by_test_id("ask-done")).to_contain_text("您的单号是")
    asked = ServiceRequest.objects.get()
    assert asked.requester is None and asked.category == "" and asked.room == "502"

    # She signs up with her phone number from the sign-in page; nothing is linked by itself.
    page.goto(f"{site}/accounts/login/")
    page.get_by_test_id("login-sign-up").click()
    page.get_by_test_id("sign-up-stations").get_by_role("link", name="焦家社区实践站").click()
    form = page.get_by_test_id("sign-up-form")
    form.locator("input[name=name]").fill("王秀梅")
    form.locator("input[name=phone]").fill("139 1234 0001")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=password_again]").fill(PASSWORD)
    fits(page)
    page.screenshot(path=str(screenshots / "sign-up-360.png"), full_page=True)
    page.get_by_test_id("sign-up-submit").click()
    expect(page.get_by_test_id("sign-up-done")).to_be_visible()
    newcomer = User.objects.get(phone="13912340001")
    assert not Resident.objects.filter(user=newcomer).exists()

    # The desk counts her account among those to match, finds her record and links it.
    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    desk_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    desk_context.set_default_timeout(PATIENCE_MS)
    desk = desk_context.new_page()
    try:
        log_in(desk, site, staff)
        enter_code(desk, totp_now(device))
        expect(desk.get_by_test_id("desk-accounts")).to_be_visible()
        desk.get_by_test_id("desk-accounts").get_by_role("link").first.click()
        expect(desk.get_by_test_id("unlinked-accounts")).to_contain_text("13912340001")
        desk.goto(f"{site}/residents/{registry.wang.pk}/")
        desk.get_by_test_id("account-q").fill("12340001")
        desk.get_by_test_id(f"link-account-{newcomer.pk}").click()
        expect(desk.get_by_test_id("linked-account")).to_contain_text("13912340001")
    finally:
        desk_context.close()
    assert Resident.objects.get(pk=registry.wang.pk).user == newcomer

    # Her address now fills itself.
    log_in(page, site, newcomer)
    page.goto(f"{site}/requests/new/")
    expect(page.get_by_test_id("own-address")).to_contain_text("金桥花园3栋2单元502")
    fits(page)


def test_journey_2_the_words_choose_the_tile(
    page: Page, site: str, world: World, registry: Registry, menu: Menu, screenshots: Path
) -> None:
    page.set_default_timeout(PATIENCE_MS)
    resident = world.user(Role.RESIDENT)
    Resident.objects.filter(pk=registry.wang.pk).update(user=resident)
    log_in(page, site, resident)
    page.goto(f"{site}/requests/new/")
    page.get_by_test_id("request-description").fill("想请人陪我去医院看病")
    expect(page.get_by_test_id("recognised")).to_be_visible()
    expect(page.get_by_test_id(f"quick-{menu.escort.pk}")).to_be_checked()
    # She changes her mind: her own choice stays as she keeps typing.
    page.locator("label.tile", has_text="不知道选哪个").click()
    page.get_by_test_id("request-description").fill("想请人陪我去医院看病，顺便取药")
    page.wait_for_timeout(1500)
    expect(page.get_by_test_id("category-unsure")).to_be_checked()
    fits(page)
    page.screenshot(path=str(screenshots / "request-recognised-360.png"), full_page=True)
    page.get_by_test_id("request-submit").click()
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    made = ServiceRequest.objects.get()
    assert made.category == "" and made.item is None
    expect(page.get_by_test_id("request-title")).to_contain_text("待归类")


def credit(corps: Corps, day: date, hours: str, what: str) -> Any:
    entry, _created = ledger_credit(
        volunteer=corps.volunteer,
        account=Account.HOURS,
        amount=Decimal(hours),
        kind=EntryKind.ACTIVITY,
        served_on=day,
        description=what,
        source_key=f"browser:{what}",
        actor=None,
    )
    return entry


def test_journey_4_hours_by_year_and_one_correction(
    page: Page, site: str, world: World, corps: Corps, screenshots: Path
) -> None:
    page.set_default_timeout(PATIENCE_MS)
    year = timezone.localdate().year
    first = credit(corps, date(year - 1, 3, 5), "100", "3·5学雷锋")
    entries = [credit(corps, date(year, 1, day), "0.5", f"楼道清扫{day}") for day in range(1, 7)]
    log_in(page, site, world.user(Role.VOLUNTEER))
    page.goto(f"{site}/activities/my-hours/")
    years = page.get_by_test_id("hours-year")
    expect(years).to_have_count(2)
    expect(years.first).to_have_attribute("data-year", str(year))
    expect(page.get_by_test_id("next-star")).to_have_text("距2星还差197小时")
    assert page.locator("form.correction").count() == 0
    # Last year's entries open on demand, in place.
    expect(page.get_by_test_id(f"correct-{first.pk}")).to_have_count(0)
    page.get_by_test_id(f"open-year-{year - 1}").click()
    page.get_by_test_id(f"correct-{first.pk}").click()
    form = page.get_by_test_id(f"correction-form-{first.pk}")
    expect(form).to_be_visible()
    fits(page)
    page.screenshot(path=str(screenshots / "my-hours-360.png"), full_page=True)
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids))
    form.locator("input[name=message]").fill("应为101小时")
    form.locator("button[type=submit]").click()
    expect_path(page, "/activities/my-hours/")
    assert CorrectionRequest.objects.filter(entry=first).exists()
    assert not CorrectionRequest.objects.filter(entry__in=entries).exists()
