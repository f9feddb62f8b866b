"""Dispatching to one volunteer in a real browser: staff type pinyin initials into the picker, the
volunteer appears as they type with team, skills and load, one tap sends the request, and on a
re-dispatch that volunteer is not offered again."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from linli.accounts.models import Role
from linli.assistance.models import RequestStatus, ServiceRequest
from tests.browser.test_pages import enter_code, log_in
from tests.conftest import Corps, Menu, World, enrol_totp, submit_request, totp_now

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, world: World, menu: Menu, corps: Corps, live_server) -> str:
    return live_server.url


def test_the_picker_finds_as_you_type_and_dispatches(
    browser: Browser, site: str, world: World, corps: Corps, menu: Menu, screenshots: Path
):
    service_request = submit_request(
        world.jiaojia, description="家里全停电了", urgency="urgent", item_id=menu.repair.pk
    )
    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        log_in(page, site, staff)
        enter_code(page, totp_now(device))
        page.goto(f"{site}/requests/{service_request.pk}/")
        search = page.get_by_test_id("picker-q")
        search.press_sequentially("hwj", delay=60)
        found = page.get_by_test_id(f"picked-{corps.volunteer.pk}")
        expect(found).to_contain_text("黄文静")
        expect(found).to_contain_text("党员志愿服务队")
        expect(found.get_by_test_id("picked-load")).to_have_text("手上无单")
        expect(page.get_by_test_id(f"picked-{corps.leader.pk}")).to_have_count(0)
        page.screenshot(path=str(screenshots / "dispatch-picker-1280.png"), full_page=True)
        found.get_by_test_id(f"pick-{corps.volunteer.pk}").click()
        expect(page.get_by_test_id("request-status")).to_have_text("已派单")
        service_request.refresh_from_db()
        assert service_request.status == RequestStatus.DISPATCHED
        assert service_request.dispatch_volunteer_id == corps.volunteer.pk

        # 改派: the volunteer it waits on is not offered again, by name or by number.
        page.get_by_test_id("picker-q").fill("黄文静")
        expect(page.get_by_test_id("picker-none")).to_be_visible()
        expect(page.get_by_test_id(f"picked-{corps.volunteer.pk}")).to_have_count(0)
        assert ServiceRequest.objects.get(pk=service_request.pk).status == "dispatched"
    finally:
        context.close()
