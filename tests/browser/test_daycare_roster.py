"""The day at the elderly centre on a tablet: the caregiver opens the day's roster from her home
page, taps three members in and one of them out, and sees the day's count follow every tap."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from linli.daycare.models import CentreAttendance
from tests.browser.test_pages import expect_path, log_in
from tests.care_cast import Care, build_care
from tests.conftest import Corps, Registry, World

pytestmark = pytest.mark.browser


@pytest.fixture
def centre_site(transactional_db, world: World, registry: Registry, corps: Corps, live_server):
    return live_server.url, build_care(world, registry, corps)


def test_a_caregiver_checks_in_three_members_and_one_out_on_a_tablet(
    browser: Browser, centre_site: tuple[str, Care], screenshots: Path
):
    site, care = centre_site
    context = browser.new_context(
        viewport={"width": 800, "height": 1280}, has_touch=True, locale="zh-CN"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, site, care.elderly_carer)
        card = page.get_by_test_id("home-day-count")
        expect(card).to_contain_text("今日在站 0 人")
        page.get_by_test_id(f"home-roster-{care.elderly.pk}").click()
        expect_path(page, f"/daycare/{care.elderly.pk}/day/")
        count = page.get_by_test_id("day-count")
        expect(count).to_contain_text("在站 0 人")
        for number, membership in enumerate(
            (care.wang_member, care.zhang_member, care.liu_member), start=1
        ):
            tile = page.get_by_test_id(f"tile-{membership.pk}")
            tile.get_by_role("button").tap()
            expect(page.get_by_test_id(f"tile-{membership.pk}")).to_have_attribute(
                "data-state", "in"
            )
            expect(count).to_contain_text(f"在站 {number} 人")
        page.get_by_test_id(f"tile-{care.zhang_member.pk}").get_by_role("button").tap()
        expect(page.get_by_test_id(f"tile-{care.zhang_member.pk}")).to_have_attribute(
            "data-state", "out"
        )
        expect(count).to_contain_text("在站 2 人 · 今日到站 3 人次 · 已离站 1 人")
        assert page.evaluate("document.documentElement.scrollWidth") <= 800
        page.screenshot(path=str(screenshots / "daycare-roster-tablet.png"), full_page=True)
        assert CentreAttendance.objects.count() == 3
        assert CentreAttendance.objects.filter(out_at__isnull=False).get().resident == care.zhang
        # The home page tells the same day.
        page.goto(f"{site}/")
        expect(page.get_by_test_id("home-day-count")).to_contain_text("今日在站 2 人 · 到站 3 人次")
    finally:
        context.close()


def test_the_roster_fits_a_phone(
    browser: Browser, centre_site: tuple[str, Care], screenshots: Path
):
    site, care = centre_site
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    try:
        log_in(page, site, care.elderly_carer)
        page.goto(f"{site}/daycare/{care.elderly.pk}/day/")
        page.get_by_test_id(f"tile-{care.wang_member.pk}").get_by_role("button").tap()
        expect(page.get_by_test_id("day-count")).to_contain_text("在站 1 人")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(screenshots / "daycare-roster-360.png"), full_page=True)
    finally:
        context.close()
