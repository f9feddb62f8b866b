"""Pick-up time at the 午间微学堂 on the tutor's phone: the tutor on duty opens the day's page,
sees who is in, refuses a neighbour who shows his resident card, hands 李梓涵 to her father with
one tap, and the page tells who has left and with whom."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from linli.accounts.models import Role
from linli.notifications.models import Notification
from linli.people.card import resident_card_token
from linli.studyroom.actions.day import stay_check_in
from linli.studyroom.models import PickupRefusal, Stay
from tests.browser.test_pages import expect_path, log_in
from tests.conftest import Corps, Registry, World
from tests.studyroom.conftest import Study, build_study

pytestmark = pytest.mark.browser


@pytest.fixture
def study_site(transactional_db, world: World, registry: Registry, corps: Corps, live_server):
    study = build_study(world, registry, corps)
    stay_check_in(room=study.room, pupil=study.pupil, actor=None)
    return live_server.url, world, study


def test_the_tutor_hands_a_pupil_to_her_father_on_a_phone(
    browser: Browser, study_site: tuple[str, World, Study], screenshots: Path
):
    site, world, study = study_site
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
        device_scale_factor=2, locale="zh-CN",
    )  # fmt: skip
    context.set_default_timeout(30_000)  # a shared, busy machine: the first page is slow
    page = context.new_page()
    pupil = study.pupil.pk
    try:
        log_in(page, site, world.user(Role.VOLUNTEER))
        page.goto(f"{site}/study-room/duty/")
        expect_path(page, f"/study-room/{study.room.pk}/duty/")
        count = page.get_by_test_id("duty-count")
        expect(count).to_contain_text("在堂 1 人 · 已接走 0 人 · 未到 0 人")
        tile = page.get_by_test_id(f"pupil-{pupil}")
        expect(tile).to_have_attribute("data-state", "in")
        expect(tile).to_contain_text("李梓涵")
        expect(page.get_by_test_id(f"hand-{pupil}-{study.father.pk}")).to_contain_text("李建国")
        expect(page.get_by_test_id(f"hand-{pupil}-{study.grandmother.pk}")).to_contain_text(
            "李秀英"
        )
        page.screenshot(path=str(screenshots / "study-room-duty-360.png"), full_page=True)
        # A neighbour shows his card: refused on the spot, the pupil stays in.
        page.get_by_test_id(f"scan-{pupil}").fill(resident_card_token(study.neighbour))
        page.get_by_test_id(f"scan-{pupil}").press("Enter")
        expect(page.get_by_test_id(f"error-{pupil}")).to_contain_text("不在 李梓涵 的接送人名单中")
        expect(page.get_by_test_id(f"pupil-{pupil}")).to_have_attribute("data-state", "in")
        assert PickupRefusal.objects.filter(presented=study.neighbour).count() == 1
        assert Notification.objects.filter(kind="studyroom.pickup_refused").exists()
        # Her father: one tap.
        page.get_by_test_id(f"hand-{pupil}-{study.father.pk}").tap()
        expect(page.get_by_test_id(f"pupil-{pupil}")).to_have_attribute("data-state", "out")
        expect(page.get_by_test_id(f"left-{pupil}")).to_contain_text("李建国")
        expect(count).to_contain_text("在堂 0 人 · 已接走 1 人")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        stay = Stay.objects.get(pupil=study.pupil)
        assert stay.picked_up_by == study.father and stay.out_at is not None
        page.screenshot(path=str(screenshots / "study-room-picked-up-360.png"), full_page=True)
    finally:
        context.close()
