"""Staff at their desk in a real browser: on a desktop the home page is the day's work, every
count a link to where it is done; on a phone the header stays one compact bar at the top."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from linli.accounts.models import Role
from linli.activities.models import ActivityStatus
from linli.assistance.models import ServiceRequest
from tests.browser.test_pages import enter_code, expect_path, log_in
from tests.conftest import Corps, Menu, World, enrol_totp, submit_request, totp_now
from tests.test_staff_desk import at, make_activity

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, world: World, menu: Menu, corps: Corps, live_server) -> str:
    today = timezone.localdate()
    submit_request(world.jiaojia, description="楼道灯坏了")
    late = submit_request(world.jiaojia, description="水管漏水")
    ServiceRequest.objects.filter(pk=late.pk).update(
        submitted_at=timezone.now() - timedelta(days=3)
    )
    make_activity(world, "敬老院慰问", at(today - timedelta(days=40), 9), ActivityStatus.CLOSED)
    make_activity(world, "重阳节义诊", at(today + timedelta(days=2), 9), ActivityStatus.PUBLISHED)
    return live_server.url


def test_the_desk_on_a_desktop_and_the_header_on_a_phone(
    browser: Browser, site: str, world: World, screenshots: Path
):
    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    desktop = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    try:
        page = desktop.new_page()
        log_in(page, site, staff)
        enter_code(page, totp_now(device))
        page.goto(f"{site}/")
        desk = page.get_by_test_id("desk")
        expect(desk.get_by_test_id("desk-review")).to_contain_text("2")
        expect(desk.get_by_test_id("desk-volunteers")).to_contain_text("1")
        expect(desk.get_by_test_id("desk-verify-overdue")).to_be_visible()
        expect(desk.get_by_test_id("desk-upcoming")).to_contain_text("重阳节义诊")
        # The desk uses the screen: the counts and the upcoming list side by side, wider
        # than the 72rem pages of forms.
        counts = desk.locator(".desk-counts").bounding_box()
        upcoming = desk.get_by_test_id("desk-upcoming").bounding_box()
        assert counts and upcoming
        assert upcoming["x"] > counts["x"] + counts["width"] - 1
        assert page.locator("main").bounding_box()["width"] > 72 * 16  # type: ignore[index]
        page.screenshot(path=str(screenshots / "staff-desk-1440.png"), full_page=True)
        desk.get_by_test_id("desk-review-overdue").click()
        expect_path(page, "/requests/board/")
        expect(page.locator("[data-overdue='1']")).to_have_count(1)
        page.go_back()
        desk.get_by_test_id("desk-volunteers").locator("a").first.click()
        expect_path(page, "/volunteers/pending/")
        expect(page.locator("main")).to_contain_text("周晓燕")
        # The same signed-in session on a phone (a TOTP code is good once).
        session = desktop.storage_state()
    finally:
        desktop.close()

    phone = browser.new_context(
        locale="zh-CN",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        storage_state=session,
    )
    try:
        page = phone.new_page()
        page.goto(f"{site}/")
        expect(page.get_by_test_id("desk")).to_be_visible()
        header = page.locator("header.topbar")
        box = header.bounding_box()
        assert box and box["height"] <= 56, box
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.evaluate("window.scrollTo(0, 1500)")
        assert page.evaluate("window.scrollY") > 200
        box = header.bounding_box()
        assert box and abs(box["y"]) < 1, box  # still at the top of the screen
        page.screenshot(path=str(screenshots / "staff-desk-360.png"))
    finally:
        phone.close()
