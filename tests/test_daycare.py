"""The day-care centres as caregivers and staff use them: the day's check-in and check-out (by a
tap on the roster, the member's card, by hand, the API), who may do it, the members' way in and
out, care plans and sessions (a volunteer's session is service hours in the ledger), equipment
loans and the person-times counted from the rows.

The cast: tests/care_cast.py (the elderly centre with 王秀梅, 张桂兰 and 刘德福; the caregiver user
works there; `disabled_carer` at the disabled centre; `idle_carer` at none; 黄池's own centre).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.core.errors import DomainError
from linli.daycare.actions import attendance, members
from linli.daycare.actions.care import PlanInput, care_plan_create, care_session_record
from linli.daycare.actions.centres import equipment_add, equipment_lend, equipment_return
from linli.daycare.models import (
    MEMBER_TRANSITIONS,
    CentreAttendance,
    Membership,
    MemberStatus,
)
from linli.daycare.queries import daycare_figures, monthly_person_times
from linli.ledger.models import EntryKind, LedgerEntry
from linli.people.actions import resident_card_reissue
from linli.people.card import resident_card_token
from linli.volunteers.models import Course, TrainingAttendance, TrainingSession
from tests.care_cast import Care, build_care
from tests.conftest import api_token, bearer, signed_in


@pytest.fixture
def care(world, registry, corps) -> Care:
    return build_care(world, registry, corps)


def api(user: Any) -> dict[str, Any]:
    return bearer(api_token(user))


def post(user: Any, path: str, body: dict[str, Any]) -> Any:
    return Client().post(path, body, content_type="application/json", **api(user))


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# --- attendance: the states ----------------------------------------------------------------------

# (what happened before today, what is asked, member?) → the answer: the stay after, or the code.
ATTENDANCE_TABLE = [
    ("none", "in", True, "open"),
    ("none", "out", True, "not_checked_in"),
    ("open", "in", True, "already_checked_in"),
    ("open", "out", True, "closed"),
    ("closed", "in", True, "open"),  # back after going home: a second stay
    ("closed", "out", True, "not_checked_in"),
    ("none", "in", False, "not_a_member"),
    ("none", "out", False, "not_a_member"),
]


@pytest.mark.parametrize("before, kind, member, expected", ATTENDANCE_TABLE)
def test_attendance_states(care, world, registry, before, kind, member, expected):
    carer = care.elderly_carer
    resident = care.zhang if member else registry.li
    now = timezone.now()
    if before in ("open", "closed"):
        attendance.attendance_check_in(
            centre=care.elderly, resident=resident, actor=carer, at=now - timedelta(hours=3)
        )
    if before == "closed":
        attendance.attendance_check_out(
            centre=care.elderly, resident=resident, actor=carer, at=now - timedelta(hours=2)
        )
    response = post(carer, f"/api/v1/daycare/centres/{care.elderly.pk}/attendance",
                    {"resident": resident.pk, "kind": kind})  # fmt: skip
    if expected in ("open", "closed"):
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["out_at"] is None) == (expected == "open")
    else:
        assert response.status_code == 409
        assert response.json()["error"]["code"] == expected
    open_stays = CentreAttendance.objects.filter(resident=resident, out_at__isnull=True).count()
    assert open_stays <= 1


def test_a_stay_left_open_yesterday_must_be_closed_by_hand(care):
    carer = care.elderly_carer
    yesterday = timezone.localdate() - timedelta(days=1)
    attendance.attendance_check_in(
        centre=care.elderly, resident=care.wang, actor=carer, at=local(yesterday, 8)
    )
    with pytest.raises(DomainError) as refused:
        attendance.attendance_check_in(centre=care.elderly, resident=care.wang, actor=carer)
    assert refused.value.code == "already_checked_in" and "请先签退" in refused.value.message
    attendance.attendance_check_out(
        centre=care.elderly, resident=care.wang, actor=carer, at=local(yesterday, 16)
    )
    stay = attendance.attendance_check_in(centre=care.elderly, resident=care.wang, actor=carer)
    assert stay.day == timezone.localdate()


def test_bad_times_are_refused(care):
    carer = care.elderly_carer
    for at in (timezone.now() + timedelta(hours=2), local(date(2020, 1, 2), 9)):
        response = post(carer, f"/api/v1/daycare/centres/{care.elderly.pk}/attendance",
                        {"resident": care.wang.pk, "kind": "in", "at": at.isoformat()})  # fmt: skip
        assert response.status_code == 422
    in_at = timezone.now() - timedelta(hours=1)
    attendance.attendance_check_in(centre=care.elderly, resident=care.wang, actor=carer, at=in_at)
    early = post(carer, f"/api/v1/daycare/centres/{care.elderly.pk}/attendance",
                 {"resident": care.wang.pk, "kind": "out",
                  "at": (in_at - timedelta(hours=1)).isoformat()})  # fmt: skip
    assert early.status_code == 422
    for bad in ({"resident": 2**70, "kind": "in"}, {"resident": care.wang.pk, "kind": "maybe"}, {}):
        answer = post(carer, f"/api/v1/daycare/centres/{care.elderly.pk}/attendance", bad)
        assert answer.status_code == 422


def test_a_member_who_left_is_refused_like_a_non_member(care, world):
    staff = world.user(Role.STATION_STAFF)
    members.member_leave(membership=care.liu_member, actor=staff, reason="随子女迁居外地")
    response = post(care.elderly_carer, f"/api/v1/daycare/centres/{care.elderly.pk}/attendance",
                    {"resident": care.liu.pk, "kind": "in"})  # fmt: skip
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_a_member"


# --- attendance: who may keep it -----------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status",
    [
        ("elderly_carer", 201),
        ("staff", 201),
        ("admin", 201),
        ("disabled_carer", 404),  # a caregiver of 焦家, but not of this centre
        ("idle_carer", 404),
        ("supervisor", 403),  # reads the centre's figures, keeps no attendance
        ("volunteer", 404),
        ("resident", 404),
        ("team_leader", 404),
        ("canteen_operator", 404),
        ("outsider", 404),
        ("outside_carer", 404),
    ],
)
def test_who_keeps_the_attendance(care, world, who, status):
    users = {
        "elderly_carer": care.elderly_carer,
        "disabled_carer": care.disabled_carer,
        "idle_carer": care.idle_carer,
        "outside_carer": care.outside_carer,
        "staff": world.user(Role.STATION_STAFF),
        "admin": world.user(Role.ADMIN),
        "supervisor": world.user(Role.SUPERVISOR),
        "outsider": world.outsider,
    }
    user = users.get(who) or world.user(who)
    path = f"/api/v1/daycare/centres/{care.elderly.pk}/attendance"
    assert post(user, path, {"resident": care.wang.pk, "kind": "in"}).status_code == status
    listed = Client().get(path, **api(user))
    assert listed.status_code == (200 if status == 201 else status)
    assert signed_in(user).get(f"/daycare/{care.elderly.pk}/day/").status_code == (
        200 if status == 201 else status
    )
    if status == 201:
        assert [item["name"] for item in listed.json()["items"]] == ["王秀梅"]


def test_the_centres_each_role_sees(care, world):
    def names(user: Any) -> set[str]:
        return {
            c["name"] for c in Client().get("/api/v1/daycare/centres", **api(user)).json()["items"]
        }

    both = {care.elderly.name, care.disabled.name}
    assert names(world.user(Role.STATION_STAFF)) == both
    assert names(world.user(Role.SUPERVISOR)) == both
    assert names(care.elderly_carer) == {care.elderly.name}
    assert names(care.idle_carer) == set()
    assert names(world.user(Role.VOLUNTEER)) == set()
    assert names(world.outsider) == {care.outside_centre.name}
    centres = Client().get("/api/v1/daycare/centres", **api(world.user(Role.STATION_STAFF))).json()
    elderly = next(c for c in centres["items"] if c["kind"] == "elderly")
    assert elderly["opened_on"] == "2021-06-01" and elderly["members"] == 3
    # Supervisors see the figures, not who came nor the members.
    supervisor = world.user(Role.SUPERVISOR)
    figures = Client().get(f"/api/v1/daycare/centres/{care.elderly.pk}/figures", **api(supervisor))
    assert figures.status_code == 200
    assert Client().get(f"/api/v1/daycare/centres/{care.elderly.pk}/members",
                        **api(supervisor)).status_code == 404  # fmt: skip
    assert signed_in(supervisor).get(f"/daycare/{care.elderly.pk}/members/").status_code == 404
    assert signed_in(supervisor).get(f"/daycare/{care.elderly.pk}/").status_code == 200


# --- the roster page, the card, by hand ----------------------------------------------------------


def test_a_tap_checks_in_the_next_out_and_the_count_follows(care, django_assert_max_num_queries):
    client = signed_in(care.elderly_carer)
    tap = f"/daycare/{care.elderly.pk}/day/tap/{care.zhang_member.pk}/"
    answer = client.post(tap, HTTP_HX_REQUEST="true")
    html = answer.content.decode()
    assert 'data-state="in"' in html and "签到" in html
    assert "在站 1 人" in html and 'hx-swap-oob="true"' in html
    answer = client.post(tap, HTTP_HX_REQUEST="true")
    assert 'data-state="out"' in answer.content.decode()
    stay = CentreAttendance.objects.get(resident=care.zhang)
    assert stay.out_at is not None and stay.in_method == "roster"
    with django_assert_max_num_queries(25):
        page = client.get(f"/daycare/{care.elderly.pk}/day/")
    assert "今日到站 1 人次" in page.content.decode()
    # Another centre's member cannot be tapped here.
    other = client.post(
        f"/daycare/{care.elderly.pk}/day/tap/{care.outside_centre.members.get().pk}/"
    )
    assert other.status_code == 404


def test_the_members_card_checks_in_and_out(care, world, registry):
    client = signed_in(care.elderly_carer)
    scan = f"/daycare/{care.elderly.pk}/day/scan/"
    link = f"https://linli.example.org/residents/card/{resident_card_token(care.wang)}/"
    client.post(scan, {"scanned": link})
    assert CentreAttendance.objects.get(resident=care.wang).in_method == "card"
    client.post(scan, {"scanned": resident_card_token(care.wang)})
    assert CentreAttendance.objects.get(resident=care.wang).out_at is not None
    # A card of someone who is not a member, a forged one, a replaced one: refused, nothing kept.
    page = client.post(scan, {"scanned": resident_card_token(registry.li)}, follow=True)
    assert "不是本中心的在托人员" in page.content.decode()
    page = client.post(scan, {"scanned": "forged-token-1234567890"}, follow=True)
    assert "二维码无效" in page.content.decode()
    old = resident_card_token(care.zhang)
    resident_card_reissue(resident=care.zhang, actor=world.user(Role.STATION_STAFF))
    page = client.post(scan, {"scanned": old}, follow=True)
    assert "补办新卡" in page.content.decode()
    assert CentreAttendance.objects.count() == 1


def test_by_hand_with_a_time(care):
    client = signed_in(care.elderly_carer)
    manual = f"/daycare/{care.elderly.pk}/day/manual/"
    today = timezone.localdate()
    at = local(today, 0, 5)
    client.post(manual, {"membership": care.liu_member.pk, "kind": "in",
                         "at": at.strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    stay = CentreAttendance.objects.get(resident=care.liu)
    assert stay.in_at == at and stay.in_method == "manual"
    page = client.post(manual, {"membership": care.liu_member.pk, "kind": "in",
                                "at": at.strftime("%Y-%m-%dT%H:%M")}, follow=True)  # fmt: skip
    assert "尚未签退" in page.content.decode()
    assert CentreAttendance.objects.count() == 1


# --- members: application, assessment, agreement, leaving ----------------------------------------

MOVES = {
    MemberStatus.ASSESSED: lambda m, actor: members.member_assess(
        membership=m, actor=actor, care_level="partial", needs="午餐、康复"
    ),
    MemberStatus.ACTIVE: lambda m, actor: members.member_agree(
        membership=m, actor=actor, fee_tier="low", agreement_number="ELD-001"
    ),
    MemberStatus.DECLINED: lambda m, actor: members.member_decline(
        membership=m, actor=actor, reason="床位已满"
    ),
    MemberStatus.LEFT: lambda m, actor: members.member_leave(
        membership=m, actor=actor, reason="入住养老院"
    ),
}


def _membership_in(state: str, centre: Any, resident: Any) -> Membership:
    return Membership.objects.create(
        centre=centre, resident=resident, status=state, applied_on=date(2024, 1, 2)
    )


@pytest.mark.parametrize("start", list(MEMBER_TRANSITIONS))
@pytest.mark.parametrize("target", list(MOVES))
def test_every_membership_move(care, world, registry, start, target):
    membership = _membership_in(start, care.disabled, registry.li)
    staff = world.user(Role.STATION_STAFF)
    if target in MEMBER_TRANSITIONS[start]:
        moved = MOVES[target](membership, staff)
        assert moved.status == target
    else:
        with pytest.raises(DomainError) as refused:
            MOVES[target](membership, staff)
        assert refused.value.code == "invalid_transition" and refused.value.status == 409
        membership.refresh_from_db()
        assert membership.status == start


def test_who_moves_a_membership(care, world, registry):
    from django.core.exceptions import PermissionDenied

    applied = _membership_in(MemberStatus.APPLIED, care.elderly, registry.li)
    # A caregiver records the assessment; the agreement is the staff's.
    members.member_assess(membership=applied, actor=care.elderly_carer, care_level="self_care",
                          needs="")  # fmt: skip
    with pytest.raises(PermissionDenied):
        members.member_agree(membership=applied, actor=care.elderly_carer, fee_tier="paid")
    with pytest.raises(PermissionDenied):
        members.member_assess(membership=_membership_in("applied", care.disabled, care.liu),
                              actor=care.elderly_carer, care_level="partial", needs="")  # fmt: skip


def test_admitting_through_the_api(care, world, registry):
    staff = world.user(Role.STATION_STAFF)
    path = f"/api/v1/daycare/centres/{care.disabled.pk}/members"
    answer = post(staff, path, {"resident": care.wang.pk, "fee_tier": "free"})
    assert answer.status_code == 201
    assert answer.json()["status"] == "active" and answer.json()["fee_tier"] == "free"
    again = post(staff, path, {"resident": care.wang.pk, "fee_tier": "free"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_member"
    assert post(staff, path, {"resident": care.outsider.pk, "fee_tier": "low"}).status_code == 422
    assert post(staff, path, {"resident": registry.li.pk, "fee_tier": "gold"}).status_code == 422
    for user, status in ((care.disabled_carer, 403), (world.user(Role.SUPERVISOR), 403),
                         (world.user(Role.VOLUNTEER), 404), (world.outsider, 404)):  # fmt: skip
        assert (
            post(user, path, {"resident": registry.li.pk, "fee_tier": "low"}).status_code == status
        )


def test_applying_on_the_page_then_assessing(care, world, registry):
    client = signed_in(world.user(Role.STATION_STAFF))
    found = client.get(f"/daycare/{care.elderly.pk}/members/search/?q=李建国")
    assert "李建国" in found.content.decode()
    client.post(f"/daycare/{care.elderly.pk}/members/apply/", {"resident": registry.li.pk,
                                                                "note": "女儿代为申请"})  # fmt: skip
    membership = Membership.objects.get(resident=registry.li, centre=care.elderly)
    assert membership.status == "applied"
    base = f"/daycare/{care.elderly.pk}/members/{membership.pk}/"
    client.post(base + "assess/", {"care_level": "partial", "needs": "午餐"})
    client.post(base + "agree/", {"fee_tier": "low", "agreement_number": "ELD-2026-01"})
    membership.refresh_from_db()
    assert (membership.status, membership.fee_tier) == ("active", "low")
    page = client.get(base).content.decode()
    assert "在托" in page and "ELD-2026-01" in page


# --- care plans, sessions, the ledger ------------------------------------------------------------


@pytest.fixture
def course_and_trained(corps, world, care) -> Any:
    course = Course.objects.create(
        station=world.jiaojia, name="助残服务与康复护理基础", hours=Decimal(6), organizer="县残联"
    )
    care.disabled.volunteer_course = course
    care.disabled.save(update_fields=["volunteer_course"])
    session = TrainingSession.objects.create(course=course, held_on=date(2022, 3, 1))
    TrainingAttendance.objects.create(session=session, volunteer=corps.volunteer, hours=6)
    return course


def test_a_trained_volunteers_care_session_is_service_hours_once(
    care, world, corps, registry, course_and_trained
):
    staff = world.user(Role.STATION_STAFF)
    member = members.member_admit(centre=care.disabled, resident=registry.li, fee_tier="low",
                                  actor=staff, on=date(2022, 2, 1))  # fmt: skip
    session = care_session_record(
        membership=member, kind="haircut", started_at=timezone.now() - timedelta(hours=2),
        minutes=90, volunteer=corps.volunteer, actor=care.disabled_carer,
    )  # fmt: skip
    entry = LedgerEntry.objects.get(source_key=f"care_session:{session.pk}")
    assert (entry.kind, entry.amount, entry.volunteer) == (EntryKind.CARE, Decimal("1.50"),
                                                           corps.volunteer)  # fmt: skip
    assert session.ledger_entry == entry
    hours = Client().get(f"/api/v1/volunteers/{corps.volunteer.pk}/hours",
                         **api(world.user(Role.VOLUNTEER))).json()  # fmt: skip
    assert Decimal(str(hours["total_hours"])) == Decimal("1.5")
    # A caregiver's own session is not volunteer service; an untrained volunteer is refused.
    care_session_record(membership=member, kind="nursing", started_at=timezone.now(), minutes=30,
                        actor=care.disabled_carer)  # fmt: skip
    assert LedgerEntry.objects.filter(kind=EntryKind.CARE).count() == 1
    with pytest.raises(DomainError) as refused:
        care_session_record(membership=member, kind="companionship", started_at=timezone.now(),
                            minutes=30, volunteer=corps.leader, actor=care.disabled_carer)  # fmt: skip
    assert refused.value.code == "not_qualified"
    # The elderly centre's caregiver is no one at the disabled centre.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        care_session_record(membership=member, kind="nursing", started_at=timezone.now(),
                            minutes=30, actor=care.elderly_carer)  # fmt: skip


def test_care_plans_on_the_member_page(care, world):
    client = signed_in(care.elderly_carer)
    base = f"/daycare/{care.elderly.pk}/members/{care.wang_member.pk}/"
    today = timezone.localdate()
    client.post(base + "plans/", {"goals": "保持自理能力", "services": "午餐、健身操",
                                  "starts_on": today.isoformat(),
                                  "review_on": (today + timedelta(days=180)).isoformat()})  # fmt: skip
    assert care.wang_member.plans.get().goals == "保持自理能力"
    bad = client.post(base + "plans/", {"goals": "x", "services": "y", "starts_on": today.isoformat(),
                                        "review_on": (today - timedelta(days=1)).isoformat()},
                      follow=True)  # fmt: skip
    assert care.wang_member.plans.count() == 1 and "复评日期" in bad.content.decode()
    page = client.get(base).content.decode()
    assert "保持自理能力" in page and "执行中" in page
    # Who may open a member's page: staff and the centre's caregivers only.
    for user, status in ((world.user(Role.STATION_STAFF), 200), (care.disabled_carer, 404),
                         (world.user(Role.SUPERVISOR), 404), (world.user(Role.VOLUNTEER), 404),
                         (world.outsider, 404)):  # fmt: skip
        assert signed_in(user).get(base).status_code == status
    with pytest.raises(DomainError):
        care_plan_create(membership=_membership_in("applied", care.elderly, care.outsider),
                         data=PlanInput("a", "b", today, today), actor=None)  # fmt: skip


def test_disability_details_are_shown_on_request_and_audited(care, world):
    from linli.audit.models import AuditLog

    client = signed_in(care.elderly_carer)
    answer = client.post(f"/daycare/{care.elderly.pk}/members/{care.wang_member.pk}/disability/")
    assert "肢体" in answer.content.decode() and "二级" in answer.content.decode()
    assert AuditLog.objects.filter(action="resident.reveal", actor=care.elderly_carer).exists()
    assert (
        signed_in(care.disabled_carer)
        .post(f"/daycare/{care.elderly.pk}/members/{care.wang_member.pk}/disability/")
        .status_code
        == 404
    )


# --- equipment and beds --------------------------------------------------------------------------


def test_lending_a_wheelchair_who_has_it_and_overdue(care, world):
    carer = care.elderly_carer
    chair = equipment_add(centre=care.elderly, kind="wheelchair", label="轮椅-01", actor=carer)
    today = timezone.localdate()
    loan = equipment_lend(equipment=chair, resident=care.zhang, actor=carer,
                          lent_on=today - timedelta(days=40), due_on=today - timedelta(days=10))  # fmt: skip
    with pytest.raises(DomainError) as refused:
        equipment_lend(equipment=chair, resident=care.wang, due_on=today, actor=carer)
    assert refused.value.code == "on_loan"
    page = signed_in(carer).get(f"/daycare/{care.elderly.pk}/equipment/").content.decode()
    assert "张桂兰" in page and "逾期" in page and "借出 1 件" in page
    equipment_return(loan=loan, actor=carer)
    with pytest.raises(DomainError):
        equipment_return(loan=loan, actor=carer)
    client = signed_in(carer)
    client.post(f"/daycare/{care.elderly.pk}/equipment/lend/",
                {"equipment": chair.pk, "name": "王秀梅", "due_on": (today + timedelta(days=30)).isoformat()})  # fmt: skip
    assert chair.loans.get(returned_on__isnull=True).resident == care.wang
    assert (
        signed_in(world.user(Role.SUPERVISOR))
        .get(f"/daycare/{care.elderly.pk}/equipment/")
        .status_code
        == 404
    )


# --- figures from rows ---------------------------------------------------------------------------


def test_person_times_are_counted_from_the_rows(care, world):
    carer = care.elderly_carer
    day = date(2024, 5, 6)
    for resident in (care.wang, care.zhang):
        attendance.attendance_check_in(centre=care.elderly, resident=resident, actor=carer,
                                       at=local(day, 8))  # fmt: skip
        attendance.attendance_check_out(centre=care.elderly, resident=resident, actor=carer,
                                        at=local(day, 11))  # fmt: skip
    # 王秀梅 came back in the afternoon: still one person-time that day.
    attendance.attendance_check_in(centre=care.elderly, resident=care.wang, actor=carer,
                                   at=local(day, 14))  # fmt: skip
    attendance.attendance_check_out(centre=care.elderly, resident=care.wang, actor=carer,
                                    at=local(day, 16))  # fmt: skip
    attendance.attendance_check_in(centre=care.elderly, resident=care.wang, actor=carer,
                                   at=local(day + timedelta(days=1), 8))  # fmt: skip
    assert dict(monthly_person_times(care.elderly, 2024))[5] == 3
    staff = world.user(Role.STATION_STAFF)
    summary = Client().get("/api/v1/stats/summary?year=2024", **api(staff)).json()
    assert summary["daycare_person_times"] == 3
    assert summary["elders"] == 3
    figures = Client().get(f"/api/v1/daycare/centres/{care.elderly.pk}/figures?year=2024",
                           **api(world.user(Role.SUPERVISOR))).json()  # fmt: skip
    assert figures["person_times"] == 3 and figures["by_month"][4] == {"period": "2024-05",
                                                                       "person_times": 3}  # fmt: skip
    assert daycare_figures([world.huangchi.pk], 2024)["daycare_person_times"] == 0


def test_disabled_served_counts_members_of_the_disabled_centre(care, world, registry):
    staff = world.user(Role.STATION_STAFF)
    members.member_admit(centre=care.disabled, resident=care.wang, fee_tier="free", actor=staff,
                         on=date(2022, 2, 1))  # fmt: skip
    members.member_admit(centre=care.disabled, resident=registry.li, fee_tier="low", actor=staff,
                         on=date(2025, 2, 1))  # fmt: skip
    summary = Client().get("/api/v1/stats/summary", **api(staff)).json()
    assert summary["disabled_served"] == 2
    assert (
        Client().get("/api/v1/stats/summary?year=2023", **api(staff)).json()["disabled_served"] == 1
    )


def test_the_caregivers_home_shows_the_centres_day(care):
    client = signed_in(care.elderly_carer)
    attendance.attendance_check_in(
        centre=care.elderly, resident=care.wang, actor=care.elderly_carer
    )
    card = client.get("/daycare/home-card/").content.decode()
    assert care.elderly.name in card and "今日在站 1 人" in card and care.disabled.name not in card
    assert "在托 3 人" in card
    assert "暂无" not in signed_in(care.idle_carer).get("/daycare/home-card/").content.decode()


def test_staff_keep_the_caregivers_list(care, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    client.post(f"/daycare/{care.elderly.pk}/staff/", {"phone": care.idle_carer.phone})
    assert Client().get("/api/v1/daycare/centres", **api(care.idle_carer)).json()["count"] == 1
    post_row = care.elderly.staff.get(user=care.idle_carer)
    client.post(f"/daycare/{care.elderly.pk}/staff/{post_row.pk}/remove/")
    assert Client().get("/api/v1/daycare/centres", **api(care.idle_carer)).json()["count"] == 0
    # Someone without the caregiver role is not added.
    page = client.post(
        f"/daycare/{care.elderly.pk}/staff/", {"phone": world.user(Role.VOLUNTEER).phone}
    )
    assert "须有护理员角色" in page.content.decode()
    assert (
        signed_in(care.elderly_carer).get(f"/daycare/{care.elderly.pk}/staff/").status_code == 403
    )


# --- every page, every role ----------------------------------------------------------------------

PAGES = [
    # (path, who gets 200; everyone else in reach 403 or 404 as noted)
    ("/daycare/{elderly}/", {"staff", "admin", "supervisor", "elderly_carer"}),
    ("/daycare/{elderly}/attendance/", {"staff", "admin", "supervisor", "elderly_carer"}),
    ("/daycare/{elderly}/day/", {"staff", "admin", "elderly_carer"}),
    ("/daycare/{elderly}/members/", {"staff", "admin", "elderly_carer"}),
    ("/daycare/{elderly}/members/{wang_member}/", {"staff", "admin", "elderly_carer"}),
    ("/daycare/{elderly}/equipment/", {"staff", "admin", "elderly_carer"}),
    ("/daycare/{elderly}/staff/", {"staff", "admin"}),
    ("/daycare/new/", {"staff", "admin", "outsider"}),  # at their own station
    ("/health/{wang}/", {"staff", "admin", "elderly_carer"}),
    ("/health/thresholds/", {"staff", "admin", "outsider"}),
    ("/health/checks/", {"staff", "admin", "supervisor", "outsider"}),
    # 王秀梅 is visited by 党员志愿服务队, which 黄文静 joined and 张志强 leads.
    ("/elders/{wang}/", {"staff", "admin", "supervisor", "volunteer", "team_leader"}),
    ("/elders/{wang}/visit/", {"staff", "admin", "volunteer", "team_leader"}),
    ("/elders/", {"staff", "admin", "supervisor", "outsider"}),
    ("/elders/map/", {"staff", "admin", "supervisor", "outsider"}),
    ("/elders/visits/", {"volunteer", "team_leader"}),
]
WHO = ["staff", "admin", "supervisor", "elderly_carer", "disabled_carer", "volunteer",
       "team_leader", "resident", "canteen_operator", "outsider", "outside_carer"]  # fmt: skip


@pytest.mark.parametrize("path, allowed", PAGES)
def test_every_care_page_opens_for_exactly_its_people(care, world, path, allowed):
    users = {
        "staff": world.user(Role.STATION_STAFF),
        "admin": world.user(Role.ADMIN),
        "supervisor": world.user(Role.SUPERVISOR),
        "elderly_carer": care.elderly_carer,
        "disabled_carer": care.disabled_carer,
        "volunteer": world.user(Role.VOLUNTEER),
        "team_leader": world.user(Role.TEAM_LEADER),
        "resident": world.user(Role.RESIDENT),
        "canteen_operator": world.user(Role.CANTEEN_OPERATOR),
        "outsider": world.outsider,
        "outside_carer": care.outside_carer,
    }
    url = path.format(elderly=care.elderly.pk, wang_member=care.wang_member.pk, wang=care.wang.pk)
    for who in WHO:
        status = signed_in(users[who]).get(url).status_code
        if who in allowed:
            assert status == 200, (url, who, status)
        else:
            assert status in (403, 404), (url, who, status)
            if who in ("outsider", "outside_carer") and "{" in path:
                assert status == 404, (url, who, status)  # someone else's: as if missing


def test_staff_create_a_centre(world):
    client = signed_in(world.user(Role.STATION_STAFF))
    answer = client.post("/daycare/new/", {"name": "焦家社区第二照料中心", "kind": "elderly",
                                           "opened_on": "2026-01-05", "capacity": "20",
                                           "opening_hours": "工作日 8:00–17:00"})  # fmt: skip
    assert answer.status_code == 302
    listed = Client().get("/api/v1/daycare/centres", **api(world.user(Role.STATION_STAFF))).json()
    assert [c["name"] for c in listed["items"]] == ["焦家社区第二照料中心"]
    bad = client.post("/daycare/new/", {"name": "x", "kind": "elderly", "opened_on": "1850-01-01",
                                        "capacity": "0", "opening_hours": ""})  # fmt: skip
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
