"""A volunteer's first day in a real browser on a 360 px phone: register, approval, the card."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from linli.accounts.models import Role
from linli.core.idcard import make_id_number
from linli.volunteers.models import Volunteer
from tests.browser.test_pages import enter_code, expect_path, log_in
from tests.conftest import Corps, World, enrol_totp, totp_now

pytestmark = pytest.mark.browser

NEW_ID = make_id_number("340521", date(1999, 4, 18), 37, "F")
NEW_PHONE = "13722223333"
NEW_PASSWORD = "spring-river-2026"


@pytest.fixture
def volunteer_site(transactional_db, world: World, corps: Corps, live_server) -> str:
    return live_server.url


def test_a_new_volunteer_registers_is_approved_and_sees_their_card(
    page: Page, volunteer_site: str, world: World, screenshots: Path
):
    site = volunteer_site
    # 1. Registration on a phone, no account yet.
    page.goto(f"{site}/volunteers/register/?station=JIAOJIA")
    form = page.get_by_test_id("register-form")
    expect(page.get_by_test_id("consent-text")).to_contain_text("民政部令第67号")
    form.locator("input[name=name]").fill("孙晓雯")
    form.locator("input[name=id_number]").fill(NEW_ID)
    form.locator("input[name=phone]").fill(NEW_PHONE)
    form.locator("input[name=password]").fill(NEW_PASSWORD)
    form.locator("input[name=password_again]").fill(NEW_PASSWORD)
    form.locator("input[name=categories][value=education]").check()
    form.get_by_test_id("slot-sat-am").check()
    form.locator("input[name=consent]").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshots / "volunteer-register-360.png"), full_page=True)
    form.locator("button[type=submit]").last.click()
    expect_path(page, "/volunteers/register/done/")
    volunteer = Volunteer.objects.get(person__name="孙晓雯")
    assert volunteer.status == Volunteer.Status.PENDING

    # 2. Station staff approve it from the pending list.
    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    page.context.clear_cookies()
    log_in(page, site, staff)
    enter_code(page, totp_now(device))
    page.goto(f"{site}/volunteers/pending/")
    row = page.get_by_test_id("pending-row").filter(has_text="孙晓雯")
    row.get_by_test_id("approve").click()
    # htmx swaps the application for its outcome in place: the status and the new number.
    expect(row.get_by_role("status")).to_contain_text("在册")
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.ACTIVE
    assert volunteer.number.startswith("JIAOJIA")

    # 3. The volunteer signs in and opens the card with its QR code.
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/")
    page.locator("input[name=phone]").fill(NEW_PHONE)
    page.locator("input[name=password]").fill(NEW_PASSWORD)
    page.locator("[data-testid=login-form] button[type=submit]").click()
    expect_path(page, "/")
    page.get_by_role("link", name="志愿者证").click()
    expect_path(page, "/volunteers/me/card/")
    expect(page.get_by_test_id("volunteer-number")).to_have_text(volunteer.number)
    expect(page.get_by_test_id("card-qr").locator("svg")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshots / "volunteer-card-360.png"), full_page=True)
