"""爱心超市 in a real browser on 360 px phones: 黄文静 reserves a bag of rice with her points
and reads her pick-up code; the station's social worker types the code at the counter on her
phone and hands the rice over in one tap."""

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from linli.accounts.models import Role
from linli.incentives.actions.points import points_adjust
from linli.incentives.actions.shop import shop_item_create
from linli.incentives.models import Redemption, RedemptionStatus
from tests.browser.test_pages import enter_code, log_in
from tests.conftest import Corps, World, enrol_totp, totp_now

pytestmark = pytest.mark.browser


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_volunteer_reserves_rice_and_staff_hand_it_over_on_a_phone(
    transactional_db, browser: Browser, world: World, corps: Corps, live_server, screenshots: Path
):
    site = live_server.url
    points_adjust(volunteer=corps.volunteer, amount=Decimal("400"), reason="服务积分", actor=None)
    shop_item_create(station=world.jiaojia, name="大米 5kg", points=300, stock=3, actor=None)
    shop_item_create(station=world.jiaojia, name="毛巾", points=50, stock=10, actor=None)

    volunteer_context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    staff_context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    try:
        page = volunteer_context.new_page()
        log_in(page, site, world.user(Role.VOLUNTEER))
        page.goto(f"{site}/incentives/shop/")
        expect(page.get_by_test_id("shop-points")).to_have_text("400")
        page.get_by_test_id("redeem-大米 5kg").click()
        page.wait_for_load_state()
        code = page.get_by_test_id("pickup-code").first.inner_text().strip()
        assert len(code) == 6 and code.isdigit()
        expect(page.get_by_test_id("shop-points")).to_have_text("100")
        fits(page)
        page.screenshot(path=str(screenshots / "shop-volunteer-360.png"), full_page=True)

        staff = world.user(Role.STATION_STAFF)
        device = enrol_totp(staff)
        counter = staff_context.new_page()
        log_in(counter, site, staff)
        enter_code(counter, totp_now(device))
        counter.goto(f"{site}/incentives/shop/counter/")
        counter.get_by_test_id("code-input").fill(code)
        counter.get_by_test_id("code-form").locator("button[type=submit]").click()
        expect(counter.get_by_test_id("found-redemption")).to_contain_text("黄文静")
        expect(counter.get_by_test_id("found-redemption")).to_contain_text("大米 5kg × 1")
        fits(counter)
        counter.get_by_test_id("hand-over").click()
        expect(counter.get_by_test_id("handed-over")).to_contain_text("已交给 黄文静")
        counter.screenshot(path=str(screenshots / "shop-counter-360.png"), full_page=True)
        assert Redemption.objects.get().status == RedemptionStatus.HANDED_OVER

        page.reload()
        expect(page.get_by_test_id("my-redemptions")).to_contain_text("已领取")
    finally:
        volunteer_context.close()
        staff_context.close()
