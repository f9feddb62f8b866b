"""群众点单 end to end in a real browser, residents and volunteers on 360 px phones: a resident
asks for help, staff dispatch to a suggested volunteer, the volunteer accepts, serves and records
the hours, the resident rates it and reads every step on the timeline."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from linli.accounts.models import Role
from linli.assistance.models import RequestStatus, ServiceRequest
from linli.people.models import Resident
from tests.browser.test_pages import enter_code, expect_path, log_in
from tests.conftest import Corps, Menu, Registry, World, enrol_totp, totp_now

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, world: World, menu: Menu, registry: Registry, live_server) -> str:
    """The live server, with the resident account linked to 王秀梅's record (金桥花园3栋2单元502),
    as staff do when a resident signs up at the station."""
    Resident.objects.filter(pk=registry.wang.pk).update(user=world.user(Role.RESIDENT))
    return live_server.url


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def request_path(page: Page) -> str:
    match = re.search(r"/requests/(\d+)/", page.url)
    assert match, page.url
    return match.group(0)


def test_a_request_from_asking_to_rating(
    page: Page,
    browser: Browser,
    site: str,
    world: World,
    corps: Corps,
    menu: Menu,
    screenshots: Path,
):
    # 1. The resident asks for help on their phone: a few taps and a sentence.
    resident = world.user(Role.RESIDENT)
    log_in(page, site, resident)
    page.get_by_test_id("home-new-request").click()
    expect_path(page, "/requests/new/")
    page.get_by_test_id("toggle-large").click()  # 大字, as many elders have it
    expect(page.locator("html")).to_have_class(re.compile("large-type"))
    expect(page.get_by_test_id("own-address")).to_contain_text("金桥花园3栋2单元502")
    page.get_by_test_id("request-description").fill("卫生间水龙头一直滴水，关不紧")
    page.locator("label.tile", has_text="社区服务").click()
    page.locator("label.choice", has_text="水电维修").click()
    page.locator("label.tile-urgent").click()
    page.locator("label.choice", has_text="明天上午").click()
    fits(page)
    page.screenshot(path=str(screenshots / "request-new-360.png"), full_page=True)
    page.get_by_test_id("request-submit").click()
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    detail = request_path(page)
    expect(page.get_by_test_id("request-status")).to_have_text("待审核")
    service_request = ServiceRequest.objects.get()
    assert service_request.item == menu.repair
    assert service_request.address == "金桥花园3栋2单元502"
    assert service_request.urgency == "urgent"
    fits(page)

    # 2. Staff review it on the board and send it to the volunteer the page suggests.
    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    staff_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    staff_page = staff_context.new_page()
    try:
        log_in(staff_page, site, staff)
        enter_code(staff_page, totp_now(device))
        staff_page.goto(f"{site}/requests/board/")
        staff_page.get_by_test_id(f"request-{service_request.pk}").locator(
            "a.activity-title"
        ).click()
        expect_path(staff_page, detail)
        suggestion = staff_page.get_by_test_id(f"suggest-{corps.volunteer.pk}")
        expect(suggestion).to_contain_text("派给TA")
        suggestion.click()
        expect(staff_page.get_by_test_id("request-status")).to_have_text("已派单")
    finally:
        staff_context.close()

    # 3. The volunteer finds it on their phone, takes it, serves and records the hours.
    volunteer_context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        locale="zh-CN",
    )
    volunteer_page = volunteer_context.new_page()
    try:
        log_in(volunteer_page, site, world.user(Role.VOLUNTEER))
        expect(volunteer_page.get_by_test_id("home-takeable-count")).to_have_text("1")
        volunteer_page.get_by_test_id("home-takeable").click()
        expect_path(volunteer_page, "/requests/tasks/")
        card = volunteer_page.get_by_test_id("request-card").filter(has_text="水龙头")
        expect(card).to_contain_text("金桥花园")
        expect(card).not_to_contain_text("502")
        fits(volunteer_page)
        volunteer_page.screenshot(path=str(screenshots / "request-tasks-360.png"), full_page=True)
        card.get_by_test_id("request-open").click()
        expect_path(volunteer_page, detail)
        volunteer_page.get_by_test_id("accept").click()
        expect(volunteer_page.get_by_test_id("request-status")).to_have_text("已接单")
        expect(volunteer_page.get_by_test_id("contact-phone")).to_be_visible()

        volunteer_page.goto(f"{site}/requests/tasks/?tab=mine")
        in_hand = volunteer_page.get_by_test_id("request-card").filter(has_text="水龙头")
        expect(in_hand.get_by_test_id("request-address")).to_have_text("金桥花园3栋2单元502")
        fits(volunteer_page)
        volunteer_page.screenshot(
            path=str(screenshots / "request-my-tasks-360.png"), full_page=True
        )
        in_hand.get_by_test_id("request-open").click()
        volunteer_page.get_by_test_id("start").click()
        expect(volunteer_page.get_by_test_id("request-status")).to_have_text("服务中")
        form = volunteer_page.get_by_test_id("complete-form")
        form.locator("input[name=hours]").fill("1.5")
        form.locator("textarea[name=note]").fill("更换了水龙头阀芯，不再滴水")
        form.get_by_test_id("complete").click()
        expect(volunteer_page.get_by_test_id("request-status")).to_have_text("已完成")
        fits(volunteer_page)
    finally:
        volunteer_context.close()

    # 4. The resident sees it done, rates it, and reads every step.
    page.goto(f"{site}/requests/mine/")
    mine = page.get_by_test_id("request-card").filter(has_text="水龙头")
    expect(mine.get_by_test_id("request-sentence")).to_have_text("服务完成")
    fits(page)
    page.screenshot(path=str(screenshots / "request-mine-360.png"), full_page=True)
    mine.get_by_test_id("request-rate").click()
    page.wait_for_url(f"{site}{detail}#rate")
    rate_form = page.get_by_test_id("rate-form")
    rate_form.get_by_text("非常满意").click()
    rate_form.get_by_test_id("rate").click()
    expect(page.get_by_test_id("request-status")).to_have_text("已评价")

    timeline = page.get_by_test_id("timeline")
    for step in [
        "需求已提交",  # 提交
        "工作人员已派单",  # 派单
        "志愿者已接单",  # 接单
        "志愿者开始服务",  # 开始服务
        "服务完成",
        "已评价",
    ]:
        expect(timeline).to_contain_text(step)
    expect(timeline).to_contain_text("非常满意")
    fits(page)
    page.screenshot(path=str(screenshots / "request-rated-360.png"), full_page=True)

    service_request.refresh_from_db()
    assert service_request.status == RequestStatus.RATED
    assert service_request.volunteer == corps.volunteer
    assert str(service_request.hours) == "1.50"
    assert service_request.score == 5
