"""The station dashboard on a phone: a station worker opens 统计 from the header, sees the
year's figures and charts without scrolling sideways, taps a figure and lands on the rows behind
it — as many as the figure said."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from linli.accounts.models import Role
from tests.browser.test_pages import enter_code, expect_path, log_in
from tests.conftest import World, enrol_totp, totp_now
from tests.test_reports_pages import held

pytestmark = pytest.mark.browser


def test_a_station_worker_taps_a_figure_through_to_its_rows(
    transactional_db, world: World, live_server, page: Page, screenshots: Path
):
    held(world)
    site = live_server.url
    staff = world.user(Role.STATION_STAFF)
    device = enrol_totp(staff)
    page.set_default_navigation_timeout(60_000)  # the live server's first answer is slow
    log_in(page, site, staff)
    enter_code(page, totp_now(device))
    page.goto(f"{site}/reports/")
    expect(page.get_by_test_id("figure-cards")).to_be_visible()
    # The charts are drawn by the vendored ECharts (a canvas replaces each placeholder).
    expect(page.locator(".echart-drawn canvas").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    figure = page.get_by_test_id("figure-activities")
    expect(figure.locator(".figure-value")).to_have_text("3")
    page.screenshot(path=str(screenshots / "dashboard-phone.png"), full_page=False)
    figure.tap()
    expect_path(page, "/reports/JIAOJIA/rows/activities/")
    expect(page.get_by_test_id("rows-count")).to_contain_text("3")
    rows = page.locator("[data-testid=rows-section] tbody tr")
    expect(rows).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # A breakdown's figure opens its own rows: the activities of one category.
    page.go_back()
    page.get_by_test_id("chart-1").locator("summary").tap()
    page.get_by_test_id("chart-1").get_by_role("link", name=re.compile("卫生健康")).tap()
    expect_path(page, "/reports/JIAOJIA/rows/activities/")
    expect(page.locator("[data-testid=rows-section] tbody tr")).to_have_count(1)
    expect(page.locator("[data-testid=rows-section]")).to_contain_text("义诊")
