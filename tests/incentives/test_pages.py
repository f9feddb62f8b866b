"""The incentives pages as people use them: a volunteer's points, shelf, reservation and
passbook; staff at the counter, in the storeroom, on the rules and the honours."""

from __future__ import annotations

from linli.accounts.models import Role
from linli.incentives.actions.shop import shop_item_create
from linli.incentives.models import Redemption, ShopItem
from tests.conftest import signed_in
from tests.incentives.conftest import serve
from tests.test_annual_report import pdf_text


def test_a_volunteer_reserves_and_staff_hand_over_at_the_counter(world, corps):
    serve(corps.volunteer, "10")
    item = shop_item_create(station=world.jiaojia, name="大米", points=60, stock=2, actor=None)
    volunteer = signed_in(world.user(Role.VOLUNTEER))
    page = volunteer.get("/incentives/shop/")
    assert page.status_code == 200 and "大米" in page.content.decode()
    done = volunteer.post("/incentives/shop/", {"item": item.pk, "quantity": 1}, follow=True)
    redemption = Redemption.objects.get()
    assert redemption.pickup_code in done.content.decode()
    points = volunteer.get("/incentives/points/").content.decode()
    assert "爱心超市兑换 大米" in points
    staff = signed_in(world.user(Role.STATION_STAFF))
    found = staff.get("/incentives/shop/counter/", {"code": redemption.pickup_code})
    assert corps.volunteer.person.name in found.content.decode()
    handed = staff.post(
        "/incentives/shop/counter/", {"code": redemption.pickup_code, "hand_over": "1"}
    )
    assert "已交给" in handed.content.decode()
    redemption.refresh_from_db()
    assert redemption.status == "handed_over"
    assert volunteer.get("/incentives/shop/counter/").status_code == 403


def test_storeroom_rules_report_and_honours_are_staff_pages(world, corps):
    staff = signed_in(world.user(Role.STATION_STAFF))
    made = staff.post(
        "/incentives/shop/manage/",
        {"form": "item", "name": "食用油", "points": 80, "stock": 5, "unit": "桶"},
    )
    assert made.status_code == 302
    item = ShopItem.objects.get(name="食用油")
    staff.post(
        "/incentives/shop/manage/",
        {"form": "stock", "item": item.pk, "kind": "in", "quantity": 3, "reason": "采购"},
    )
    staff.post(
        "/incentives/shop/manage/", {"form": "take", f"counted_{item.pk}": "7", "note": "月末"}
    )
    item.refresh_from_db()
    assert item.stock == 7
    report = staff.get("/incentives/shop/report.xlsx", {"month": "2026-01"})
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd")
    assert staff.get("/incentives/shop/report.xlsx", {"month": "bad"}).status_code == 404
    assert staff.get("/incentives/rules/").status_code == 200
    assert (
        staff.post(
            "/incentives/rules/",
            {
                "points_per_hour": "15",
                "well_rated_points": "5",
                "recruit_points": "10",
                "no_show_points": "5",
            },
        ).status_code
        == 302
    )
    assert staff.get("/incentives/honours/").status_code == 200
    volunteer = signed_in(world.user(Role.VOLUNTEER))
    for url in ("/incentives/shop/manage/", "/incentives/rules/", "/incentives/honours/"):
        assert volunteer.get(url).status_code == 403, url


def test_the_passbook_page_and_pdf(world, corps):
    serve(corps.volunteer, "6")
    volunteer = signed_in(world.user(Role.VOLUNTEER))
    volunteer.post("/incentives/timebank/", {"form": "deposit", "hours": "4"})
    page = volunteer.get("/incentives/timebank/").content.decode()
    assert "存入已核定服务时长 4" in page
    pdf = volunteer.get("/incentives/timebank/passbook.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The project's CJK font, embedded: the Chinese comes back out exactly.
    assert b"WenQuanYiMicroHei" in pdf.content and b"STSong" not in pdf.content
    assert corps.volunteer.person.name in pdf_text(pdf.content)


def test_staff_see_a_volunteers_points_and_adjust_them_others_do_not(world, corps):
    serve(corps.volunteer, "1")
    staff = signed_in(world.user(Role.STATION_STAFF))
    url = f"/incentives/points/{corps.volunteer.pk}/"
    assert staff.post(url, {"points": "5", "reason": "表现突出"}).status_code == 302
    assert "表现突出" in staff.get(url).content.decode()
    leader = signed_in(world.user(Role.TEAM_LEADER))
    assert leader.get(url).status_code == 404
    assert leader.post(url, {"points": "5", "reason": "x"}).status_code == 404
