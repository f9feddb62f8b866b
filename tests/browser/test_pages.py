"""Users' stories in a real browser on a 360 px phone: sign-in, 2FA enrolment, display switches,
language, and one home-page card per role."""

import base64
import gettext
import re
import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from linli.accounts.models import Role, User
from tests.conftest import PASSWORD, World, enrol_totp, totp_now

pytestmark = pytest.mark.browser

STAFF_ROLES = {Role.ADMIN, Role.SUPERVISOR, Role.STATION_STAFF}
ENGLISH_MO = (
    Path(__file__).resolve().parents[2] / "linli" / "locale" / "en" / "LC_MESSAGES" / "django.mo"
)


@pytest.fixture
def site(transactional_db, world: World, live_server) -> str:
    """The live server's base URL, with the test world already in its (shared) database."""
    return live_server.url


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]


def expect_path(page: Page, path: str) -> None:
    page.wait_for_url(re.compile(r"^https?://[^/]+" + re.escape(path) + r"(\?.*)?$"))


def log_in(page: Page, site: str, user: User, password: str = PASSWORD) -> None:
    page.goto(f"{site}/accounts/login/")
    form = page.get_by_test_id("login-form")
    form.locator("input[name=phone]").fill(user.phone)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def enter_code(page: Page, code: str) -> None:
    page.locator("input[name=code]").fill(code)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def totp_at(secret: str, t: int | None = None) -> tuple[str, int]:
    """The 6-digit code for time step `t` (now if None) of a base32 secret, and that step."""
    totp = TOTP(base64.b32decode(secret), step=30, t0=0, digits=6)
    totp.time = time.time() if t is None else t * 30
    return f"{totp.token():06d}", totp.t()


def html_classes(page: Page) -> list[str]:
    return page.evaluate("document.documentElement.className").split()


# 1 -----------------------------------------------------------------------------------------------


def test_volunteer_logs_in_on_a_small_phone(page: Page, site: str, world: World, screenshots: Path):
    volunteer = world.user(Role.VOLUNTEER)
    log_in(page, site, volunteer)

    expect_path(page, "/")
    card = page.get_by_test_id("role-card-volunteer")
    expect(card).to_be_visible()
    expect(card.locator("h2")).to_have_text("志愿者")
    expect(page.get_by_test_id("logout")).to_be_visible()

    page.screenshot(path=str(screenshots / "home-volunteer-360.png"), full_page=True)
    assert page.evaluate("window.innerWidth") == 360
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"home page is {scroll_width}px wide on a 360px phone"


# 2 -----------------------------------------------------------------------------------------------


def test_station_staff_enrols_totp_then_signs_in_with_a_code(
    page: Page, site: str, world: World, screenshots: Path
):
    staff = world.user(Role.STATION_STAFF)
    log_in(page, site, staff)

    # Staff without an authenticator are sent to enrol before anything else.
    expect_path(page, "/accounts/2fa/setup/")
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]+=*", secret), secret
    page.screenshot(path=str(screenshots / "2fa-setup-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    code, used_step = totp_at(secret)
    enter_code(page, code)

    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    texts = [text.strip() for text in codes.all_inner_texts()]
    assert len(set(texts)) == 10 and all(texts)

    page.locator("main a.button.primary[href='/']").click()
    expect_path(page, "/")
    expect(page.get_by_test_id("role-card-station_staff")).to_be_visible()
    expect(page.get_by_test_id("suggest-2fa")).to_have_count(0)

    page.get_by_test_id("logout").click()
    expect_path(page, "/accounts/login/")
    expect(page.get_by_test_id("logout")).to_have_count(0)

    # Second sign-in: password, then a code from the authenticator.
    log_in(page, site, staff)
    expect_path(page, "/accounts/login/otp/")
    # A code is accepted once only: use the next time step if this one was spent on enrolment.
    _code, now_step = totp_at(secret)
    fresh, _step = totp_at(secret, max(now_step, used_step + 1))
    enter_code(page, fresh)

    expect_path(page, "/")
    expect(page.get_by_test_id("role-card-station_staff")).to_be_visible()


# 3 -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("testid", "css_class"),
    [("toggle-large", "large-type"), ("toggle-contrast", "high-contrast")],
)
def test_display_switches_turn_on_persist_and_turn_off(
    page: Page, site: str, world: World, testid: str, css_class: str
):
    log_in(page, site, world.user(Role.VOLUNTEER))
    expect_path(page, "/")
    html = page.locator("html")
    assert css_class not in html_classes(page)
    expect(page.get_by_test_id(testid)).to_have_attribute("aria-pressed", "false")

    page.get_by_test_id(testid).click()
    expect(html).to_have_class(re.compile(rf"(^|\s){css_class}(\s|$)"))
    expect(page.get_by_test_id(testid)).to_have_attribute("aria-pressed", "true")
    expect_path(page, "/")

    # Kept for this browser: on a reload and on another page.
    page.reload()
    assert css_class in html_classes(page)
    page.goto(f"{site}/stations/")
    assert css_class in html_classes(page)

    page.get_by_test_id(testid).click()
    expect(html).not_to_have_class(re.compile(rf"(^|\s){css_class}(\s|$)"))
    expect(page.get_by_test_id(testid)).to_have_attribute("aria-pressed", "false")
    expect_path(page, "/stations/")
    page.reload()
    assert css_class not in html_classes(page)


def test_display_switches_work_before_signing_in(page: Page, site: str):
    page.goto(f"{site}/accounts/login/")
    page.get_by_test_id("toggle-large").click()
    expect(page.locator("html")).to_have_class(re.compile(r"(^|\s)large-type(\s|$)"))
    expect_path(page, "/accounts/login/")
    page.get_by_test_id("toggle-contrast").click()
    expect(page.locator("html")).to_have_class(re.compile(r"(^|\s)high-contrast(\s|$)"))
    page.reload()
    assert {"large-type", "high-contrast"} <= set(html_classes(page))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# 4 -----------------------------------------------------------------------------------------------


def english(msgid: str) -> str | None:
    """The English catalogue's translation of `msgid`, if that catalogue exists and has one."""
    if not ENGLISH_MO.exists():
        return None
    with ENGLISH_MO.open("rb") as handle:
        text = gettext.GNUTranslations(handle).gettext(msgid)
    return text if text != msgid else None


def test_language_switch_to_english_and_back(page: Page, site: str, world: World):
    log_in(page, site, world.user(Role.VOLUNTEER))
    expect_path(page, "/")
    html = page.locator("html")
    nav = page.locator("nav.mainnav")
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(nav).to_contain_text("首页")

    page.get_by_test_id("lang-en").click()
    expect(html).to_have_attribute("lang", "en")
    expect_path(page, "/")
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.get_by_test_id("lang-en")).to_have_count(0)
    expect(page.get_by_test_id("lang-zh-hans")).to_be_visible()

    home_en, logout_en = english("首页"), english("退出")
    if home_en is not None:
        expect(nav).not_to_contain_text("首页")
        expect(nav).to_contain_text(home_en)
    if logout_en is not None:
        expect(page.get_by_test_id("logout")).to_have_text(logout_en)

    page.reload()  # the choice is kept
    assert page.evaluate("document.documentElement.lang") == "en"

    page.get_by_test_id("lang-zh-hans").click()
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(nav).to_contain_text("首页")
    expect(page.get_by_test_id("logout")).to_have_text("退出")
    expect(page.get_by_test_id("lang-en")).to_be_visible()


# 5 -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_its_own_card(page: Page, site: str, world: World, role: str):
    user = world.user(role)
    device = enrol_totp(user) if role in STAFF_ROLES else None
    log_in(page, site, user)

    if device is not None:
        expect_path(page, "/accounts/login/otp/")
        enter_code(page, totp_now(device))

    expect_path(page, "/")
    expect(page.get_by_test_id(f"role-card-{role}")).to_be_visible()
    expect(page.get_by_test_id(f"role-card-{role}").locator(":scope > h2")).to_have_text(
        str(Role(role).label)
    )
    assert page.locator("[data-testid^='role-card-']").count() == 1
    expect(page.get_by_test_id("no-role")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
