"""The registry in a real browser on a 360 px phone: a social worker finds a resident."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from linli.accounts.models import Role
from tests.browser.test_pages import enter_code, expect_path, log_in
from tests.conftest import Registry, World, enrol_totp, totp_now

pytestmark = pytest.mark.browser


@pytest.fixture
def registry_site(transactional_db, world: World, registry: Registry, live_server) -> str:
    return live_server.url


def test_staff_finds_a_resident_by_pinyin_initials_on_a_phone(
    page: Page, registry_site: str, world: World, registry: Registry, screenshots: Path
):
    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    log_in(page, registry_site, staff)
    expect_path(page, "/accounts/login/otp/")
    enter_code(page, totp_now(device))
    expect_path(page, "/")
    page.get_by_role("link", name="居民登记").first.click()
    expect_path(page, "/residents/")
    results = page.get_by_test_id("resident-results")
    expect(results.locator(".person-name")).to_have_count(3)

    page.get_by_placeholder("姓名、拼音首字母、电话或身份证号").fill("wxm")
    # htmx swaps the results in place, without a page load, and keeps the query in the address.
    expect(results.locator(".person-name")).to_have_count(1)
    expect(results.locator(".person-name")).to_have_text("王秀梅")
    page.wait_for_url("**/residents/?q=wxm**")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshots / "resident-search-360.png"), full_page=True)

    results.locator(".person-name").click()
    expect_path(page, f"/residents/{registry.wang.pk}/")
    expect(page.locator("#id-number code")).to_have_text("3405**********1229")
    page.get_by_test_id("reveal-id").click()
    expect(page.get_by_test_id("id-number-full")).to_have_text("340521195803121229")
