"""Irreversible steps ask once in a real browser: staff verifying hours read how many volunteers
get how many hours, may step back, and confirm; rejecting a request asks the same way, and Enter
in the reason field sends nothing."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from linli.accounts.models import Role
from linli.activities.actions.lifecycle import activity_close
from linli.activities.models import Activity, ActivityStatus, Attendance
from linli.assistance.models import RequestStatus, ServiceRequest
from tests.browser.test_pages import enter_code, expect_path, log_in
from tests.conftest import Corps, Menu, World, enrol_totp, make_volunteer, submit_request, totp_now
from tests.test_activity_pages import attended, make_activity

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, world: World, menu: Menu, corps: Corps, live_server) -> str:
    return live_server.url


def test_verifying_hours_and_rejecting_a_request_ask_once(
    browser: Browser, site: str, world: World, corps: Corps, screenshots: Path
):
    from datetime import date

    activity = make_activity(world, team=corps.party_team)
    attended(world, corps, activity)  # 黄文静: two hours
    second = make_volunteer(world.jiaojia, None, "李明", date(1990, 1, 1), 21, phone="13811110021")
    Attendance.objects.create(activity=activity, volunteer=second)
    activity_close(activity=activity, actor=None)
    Attendance.objects.filter(activity=activity, volunteer=second).update(hours="1.5")
    service_request = submit_request(world.jiaojia, description="楼道灯坏了")

    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        log_in(page, site, staff)
        enter_code(page, totp_now(device))
        page.goto(f"{site}/activities/{activity.pk}/hours/")
        expect(page.get_by_test_id("verify-question")).to_be_hidden()
        page.get_by_test_id("verify").click()
        question = page.get_by_test_id("verify-question")
        expect(question).to_have_text("将为2名志愿者记入3.5小时，确认？")
        page.screenshot(path=str(screenshots / "confirm-verify-360.png"), full_page=True)
        page.get_by_role("button", name="再想想").click()
        expect(question).to_be_hidden()
        activity.refresh_from_db()
        assert activity.status == ActivityStatus.CLOSED
        page.get_by_test_id("verify").click()
        page.get_by_test_id("verify-confirm").click()
        expect(page.get_by_test_id("activity-status")).to_have_text("已核定")
        assert Activity.objects.get(pk=activity.pk).status == ActivityStatus.VERIFIED

        page.goto(f"{site}/requests/{service_request.pk}/")
        page.locator("summary", has_text="不予受理").first.click()
        reason = page.locator("form[action$='/do/reject/'] [name=reason]")
        reason.fill("不属于服务范围")
        if reason.evaluate("el => el.tagName") == "INPUT":
            reason.press("Enter")  # implicit submission must not reject
        page.get_by_test_id("reject").click()
        expect(page.get_by_test_id("reject-question")).to_contain_text(
            f"不予受理后 #{service_request.pk} 即结束"
        )
        assert ServiceRequest.objects.get(pk=service_request.pk).status == RequestStatus.SUBMITTED
        page.get_by_test_id("reject-confirm").click()
        expect_path(page, f"/requests/{service_request.pk}/")
        expect(page.get_by_test_id("request-status")).to_have_text("未受理")
    finally:
        context.close()
