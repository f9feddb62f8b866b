"""银龄爱心食堂 in a real browser: the operator's counter on a tablet (scan a card, serve in one
tap, search by initials, a walk-in, the board following along), and a son ordering his father's
lunch on a 360 px phone in large type."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.canteen.actions import funder_save, order_place
from linli.canteen.models import MealOrder, OrderStatus
from linli.people.actions import AddressInput
from linli.people.card import resident_card_token
from linli.people.models import Resident
from tests.browser.test_pages import expect_path, log_in
from tests.canteen.conftest import PRICES, at, make_tiers, publish
from tests.conftest import Registry, World, add_resident

pytestmark = pytest.mark.browser


@pytest.fixture
def site(transactional_db, world: World, registry: Registry, live_server) -> str:
    """焦家's canteen today: the tiers, three meals, 王秀梅's lunch ordered by phone; 李德福 (82)
    lives with his son 李建国, whose account is the resident user."""
    minzheng = funder_save(station=world.jiaojia, name="当涂县民政局", actor=None)
    juweihui = funder_save(station=world.jiaojia, name="焦家社区居委会", actor=None)
    make_tiers(world.jiaojia, minzheng, juweihui, date(2021, 6, 1))
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    menus = {meal: publish(world.jiaojia, today, meal) for meal in PRICES}
    for meal in PRICES:
        publish(world.jiaojia, tomorrow, meal, cutoff=at(tomorrow, 9))
    order_place(
        menu=menus["lunch"], resident=registry.wang, mode="dine_in", channel="phone", actor=None
    )
    add_resident(
        world.jiaojia,
        "李德福",
        gender="M",
        birth_date=date(today.year - 82, 1, 15),
        address=AddressInput("焦家小区", "8", "1", "101"),
        relation="parent",
    )
    Resident.objects.filter(pk=registry.li.pk).update(user=world.user(Role.RESIDENT))
    return live_server.url


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_counter_on_a_tablet(
    browser: Browser, site: str, world: World, registry: Registry, screenshots: Path
):
    context = browser.new_context(
        viewport={"width": 800, "height": 1280}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, site, world.user(Role.CANTEEN_OPERATOR))
        page.get_by_test_id("home-counter").click()
        expect_path(page, "/canteen/counter/")
        expect(page.get_by_test_id("board-lunch-ordered")).to_have_text("1")
        expect(page.get_by_test_id("board-lunch-served")).to_have_text("0")

        # The scanner types the card's link into the focused field and presses Enter.
        scan = page.get_by_test_id("scan-input")
        expect(scan).to_be_focused()
        scan.fill(f"{site}/residents/card/{resident_card_token(registry.wang)}/")
        scan.press("Enter")
        expect(page.get_by_test_id("person-name")).to_contain_text("王秀梅")
        expect(page.get_by_test_id("person-tier")).to_contain_text("残疾人")
        expect(scan).to_have_value("")
        page.screenshot(path=str(screenshots / "canteen-counter-tablet.png"), full_page=True)

        # One tap serves; the board follows.
        page.get_by_test_id("meal-lunch").get_by_test_id("serve").click()
        expect(page.get_by_test_id("served-message")).to_contain_text(
            "王秀梅 已取餐：午餐，应付 9.50 元"
        )
        expect(page.get_by_test_id("meal-lunch").get_by_test_id("served")).to_be_visible()
        expect(page.get_by_test_id("board-lunch-served")).to_have_text("1")
        expect(scan).to_be_focused()

        # 李德福 has no card with him: found by his initials, a walk-in dinner, served at once.
        page.get_by_test_id("search-input").fill("ldf")
        father = Resident.objects.get(name="李德福")
        page.get_by_test_id(f"found-{father.pk}").click()
        expect(page.get_by_test_id("person-name")).to_contain_text("李德福")
        page.get_by_test_id("meal-dinner").get_by_test_id("walk-in-dine_in").dblclick()
        expect(page.get_by_test_id("served-message")).to_contain_text(
            "李德福 现场点餐并已取餐：晚餐"
        )
        expect(page.get_by_test_id("board-dinner-served")).to_have_text("1")
        fits(page, 800)
        page.screenshot(path=str(screenshots / "canteen-counter-walk-in.png"), full_page=True)
        # A card that is not ours is named as such, where the person would have been.
        scan.fill("https://example.com/residents/card/forged-token-123/")
        scan.press("Enter")
        expect(page.get_by_test_id("serve-error")).to_contain_text("二维码无效")
    finally:
        context.close()
    # The double tap on 现场点餐 made one order, served once.
    walk_in = MealOrder.objects.get(resident__name="李德福", meal="dinner")
    assert (walk_in.status, walk_in.channel) == (OrderStatus.SERVED, "counter")
    served = AuditLog.objects.filter(action="meal_order.served")
    assert served.count() == 2


def test_a_son_orders_his_fathers_lunch_on_a_phone_in_large_type(
    page: Page, site: str, world: World, screenshots: Path
):
    log_in(page, site, world.user(Role.RESIDENT))
    page.get_by_test_id("home-meal-order").click()
    expect_path(page, "/canteen/order/")
    page.get_by_test_id("toggle-large").click()
    expect(page.locator("html")).to_have_class(re.compile("large-type"))
    tomorrow = timezone.localdate() + timedelta(days=1)
    father = Resident.objects.get(name="李德福")
    offer = page.get_by_test_id(f"offer-{tomorrow.isoformat()}-lunch")
    row = offer.get_by_test_id(f"row-{father.pk}")
    expect(row).to_contain_text("补贴 3.00 元，只需付 9.00 元")
    fits(page, 360)
    row.get_by_test_id("order-delivery").click()
    expect(page.locator(".messages")).to_contain_text("已为李德福订好")
    expect(
        page.get_by_test_id(f"offer-{tomorrow.isoformat()}-lunch").get_by_test_id(
            f"row-{father.pk}"
        )
    ).to_contain_text("送餐上门")
    fits(page, 360)
    page.screenshot(path=str(screenshots / "canteen-order-360-large.png"), full_page=True)
    order = MealOrder.objects.get(resident=father)
    assert (order.mode, order.channel, str(order.payable)) == ("delivery", "family", "9.00")
