"""An activity in a real browser on 360 px phones: a volunteer signs up, checks in by the
activity's QR code, staff close and verify, and the volunteer sees the hours and downloads the
certificate."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from linli.accounts.models import Role
from linli.activities.actions.lifecycle import ActivityInput, activity_create, activity_publish
from linli.activities.models import Activity, Attendance
from tests.browser.test_pages import enter_code, expect_path, log_in
from tests.conftest import Corps, World, enrol_totp, totp_now

pytestmark = pytest.mark.browser


@pytest.fixture
def activity_site(
    transactional_db, world: World, corps: Corps, live_server
) -> tuple[str, Activity]:
    starts_at = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=30)
    data = ActivityInput(
        title="3·5学雷锋志愿日",
        category="community",
        place="焦家社区广场",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        capacity=20,
        responsible_name="陈红",
        team=corps.party_team,
        description="义务理发、家电维修、清扫楼道",
    )
    activity = activity_create(station=world.jiaojia, data=data, actor=None)
    return live_server.url, activity_publish(activity=activity, actor=None)


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_sign_up_check_in_by_qr_verify_and_see_the_hours(
    page: Page,
    browser: Browser,
    activity_site: tuple[str, Activity],
    world: World,
    corps: Corps,
    screenshots: Path,
):
    site, activity = activity_site
    # 1. The volunteer finds the activity on their phone and signs up.
    log_in(page, site, world.user(Role.VOLUNTEER))
    page.get_by_role("link", name="报名活动").click()
    expect_path(page, "/activities/")
    fits(page)
    page.get_by_role("link", name="3·5学雷锋志愿日").click()
    expect_path(page, f"/activities/{activity.pk}/")
    page.get_by_test_id("signup").click()
    expect(page.get_by_test_id("signup-state")).to_contain_text("您已报名")
    expect(page.get_by_test_id("seats")).to_contain_text("已报名 1 / 20 人")
    fits(page)
    page.screenshot(path=str(screenshots / "activity-detail-360.png"), full_page=True)

    # 2. The responsible person shows the check-in QR code on their own phone.
    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    staff_context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    staff_page = staff_context.new_page()
    try:
        log_in(staff_page, site, staff)
        enter_code(staff_page, totp_now(device))
        staff_page.goto(f"{site}/activities/{activity.pk}/")
        staff_page.get_by_test_id("show-qr").click()
        expect(staff_page.get_by_test_id("checkin-qr").locator("svg")).to_be_visible()
        fits(staff_page)
        staff_page.screenshot(path=str(screenshots / "activity-qr-360.png"), full_page=True)
        checkin_url = staff_page.get_by_test_id("checkin-link").get_attribute("href")
        assert checkin_url and "/checkin/" in checkin_url

        # 3. The volunteer's scan opens the link: one tap checks in.
        page.goto(checkin_url)
        page.get_by_test_id("checkin-button").click()
        expect(page.get_by_test_id("checkin-done")).to_contain_text("签到成功")
        fits(page)
        row = Attendance.objects.get(activity=activity, volunteer=corps.volunteer)
        assert row.checkin_method == "activity_qr"

        # 4. Staff close the activity, adjust the hours and verify them.
        staff_page.goto(f"{site}/activities/{activity.pk}/")
        staff_page.get_by_test_id("close").click()
        expect(staff_page.get_by_test_id("close-question")).to_contain_text("已签到 1 人")
        staff_page.get_by_test_id("close-confirm").click()
        expect_path(staff_page, f"/activities/{activity.pk}/hours/")
        hours_row = staff_page.get_by_test_id("hours-row").filter(has_text="黄文静")
        hours_row.get_by_test_id("hours-input").fill("2.5")
        hours_row.get_by_test_id("hours-save").click()
        expect(staff_page.get_by_test_id("hours-row").filter(has_text="黄文静").get_by_test_id(
            "hours-input")).to_have_value("2.50")  # fmt: skip
        fits(staff_page)
        staff_page.get_by_test_id("verify").click()
        expect(staff_page.get_by_test_id("verify-question")).to_have_text(
            "将为1名志愿者记入2.5小时，确认？"
        )
        staff_page.get_by_test_id("verify-confirm").click()
        expect(staff_page.get_by_test_id("activity-status")).to_have_text("已核定")
    finally:
        staff_context.close()

    # 5. The volunteer sees the hours in their record.
    page.goto(f"{site}/activities/my-hours/")
    expect(page.get_by_test_id("total-hours")).to_have_text("2.50")
    expect(page.get_by_test_id("entry")).to_contain_text("3·5学雷锋志愿日")
    expect(page.get_by_test_id("entry-hours")).to_contain_text("2.50")
    fits(page)
    page.screenshot(path=str(screenshots / "activity-my-hours-360.png"), full_page=True)

    # 6. …and downloads the certificate (built at ledger:certificate).
    try:
        reverse("ledger:certificate")
    except NoReverseMatch:  # pragma: no cover - the certificate pages are not there yet
        return
    page.get_by_test_id("certificate").click()
    expect_path(page, reverse("ledger:certificate"))
    with page.expect_download() as download_info:
        page.get_by_test_id("certificate-download").click()
    path = download_info.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
