"""The activity pages through the HTTP client: who sees and runs what, sign-up, check-in by the
activity's QR code, by a volunteer's card and by hand, closing, verifying, the volunteer's own
record, corrections, the 公示, recurring activities and the festival templates."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import chinese_calendar
import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.activities import checkin_token, themes
from linli.activities.actions.lifecycle import (
    ActivityInput,
    activity_close,
    activity_create,
    activity_publish,
    activity_verify,
)
from linli.activities.actions.recurrence import activity_create_series, occurrence_dates
from linli.activities.actions.signups import signup_create
from linli.activities.models import Activity, ActivityStatus, Attendance, HourClaim, SignupStatus
from linli.ledger.models import CorrectionRequest, LedgerEntry
from linli.volunteers import card
from tests.conftest import make_user, make_volunteer, signed_in


def make_activity(world: Any, *, team: Any = None, starts_in: timedelta = timedelta(minutes=-30),
                  hours: int = 3, capacity: int = 10, title: str = "学雷锋志愿服务",
                  publish: bool = True) -> Activity:  # fmt: skip
    starts_at = timezone.now().replace(second=0, microsecond=0) + starts_in
    data = ActivityInput(
        title=title,
        category="community",
        place="焦家社区广场",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        capacity=capacity,
        responsible_name="陈红",
        team=team,
        description="义务理发、清扫楼道",
        partners="团县委",
    )
    activity = activity_create(station=world.jiaojia, data=data, actor=None)
    return activity_publish(activity=activity, actor=None) if publish else activity


@pytest.fixture
def party_activity(world, corps) -> Activity:
    return make_activity(world, team=corps.party_team)


@pytest.fixture
def law_activity(world, corps) -> Activity:
    return make_activity(world, team=corps.law_team, title="法律咨询")


def staff(world):
    return signed_in(world.user(Role.STATION_STAFF))


def leader(world):
    return signed_in(world.user(Role.TEAM_LEADER))


def volunteer(world):
    return signed_in(world.user(Role.VOLUNTEER))


# --- access ----------------------------------------------------------------------------------------

MANAGE_PAGES = ["qr", "scan", "hours", "edit"]


@pytest.mark.parametrize("page", MANAGE_PAGES)
def test_manage_pages_open_to_staff_and_the_teams_leader_only(world, corps, party_activity,
                                                              law_activity, page):  # fmt: skip
    pk = party_activity.pk
    assert staff(world).get(f"/activities/{pk}/{page}/").status_code == 200
    assert leader(world).get(f"/activities/{pk}/{page}/").status_code == 200
    # The same leader runs nothing of another team's activity, and a volunteer nothing at all.
    assert leader(world).get(f"/activities/{law_activity.pk}/{page}/").status_code == 404
    assert volunteer(world).get(f"/activities/{pk}/{page}/").status_code == 404
    assert signed_in(world.outsider).get(f"/activities/{pk}/{page}/").status_code == 404


def test_detail_is_for_the_station_and_shows_everything_of_67号令(world, corps, party_activity):
    response = volunteer(world).get(f"/activities/{party_activity.pk}/")
    text = response.content.decode()
    for fact in ("学雷锋志愿服务", "焦家社区广场", "义务理发", "焦家社区实践站", "团县委", "陈红"):
        assert fact in text
    assert 'data-testid="signup"' in text
    assert 'data-testid="manage"' not in text
    assert (
        'data-testid="manage"'
        in staff(world).get(f"/activities/{party_activity.pk}/").content.decode()
    )
    assert signed_in(world.outsider).get(f"/activities/{party_activity.pk}/").status_code == 404
    assert signed_in(world.outside_supervisor).get("/activities/").status_code == 200


def test_list_hides_other_stations_and_keeps_its_query_count(world, corps,
                                                             django_assert_max_num_queries):  # fmt: skip
    for index in range(3):
        make_activity(world, title=f"活动{index}", starts_in=timedelta(days=index + 1))
    client = volunteer(world)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/activities/").status_code == 200
    for index in range(15):
        make_activity(world, title=f"更多{index}", starts_in=timedelta(days=index + 10),
                      team=corps.party_team)  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/activities/?status=published")
    assert "活动0" in response.content.decode()
    assert "活动0" not in signed_in(world.outsider).get("/activities/").content.decode()


def test_list_orders_upcoming_first_and_filters(world, corps):
    past = make_activity(world, title="上周活动", starts_in=timedelta(days=-2), publish=False)
    soon = make_activity(world, title="明天活动", starts_in=timedelta(days=1))
    later = make_activity(world, title="下周活动", starts_in=timedelta(days=7),
                          team=corps.party_team)  # fmt: skip
    text = staff(world).get("/activities/").content.decode()
    assert text.index(soon.title) < text.index(later.title) < text.index(past.title)
    text = staff(world).get(f"/activities/?team={corps.party_team.pk}").content.decode()
    assert later.title in text and soon.title not in text
    month = timezone.localtime(later.starts_at).strftime("%Y-%m")
    assert later.title in staff(world).get(f"/activities/?month={month}").content.decode()
    assert staff(world).get("/activities/?month=bad").status_code == 200


# --- sign-up ---------------------------------------------------------------------------------------


def test_sign_up_waitlist_position_and_promotion_notice(world, corps):
    activity = make_activity(world, capacity=1)
    second_user = make_user("13800009999", Role.VOLUNTEER, world.jiaojia, name="second")
    second = make_volunteer(world.jiaojia, second_user, "刘洋", date(1990, 1, 1), 21)
    response = volunteer(world).post(f"/activities/{activity.pk}/signup/", follow=True)
    assert "报名成功" in response.content.decode()
    response = signed_in(second_user).post(f"/activities/{activity.pk}/signup/", follow=True)
    assert "候补名单第 1 位" in response.content.decode()
    # Staff remove the first; the second is promoted and sees it on 我的活动.
    signup = activity.signups.get(volunteer=corps.volunteer)
    staff(world).post(f"/activities/{activity.pk}/roster/{signup.pk}/remove/")
    assert activity.signups.get(volunteer=second).status == SignupStatus.CONFIRMED
    mine = signed_in(second_user).get("/activities/?tab=mine").content.decode()
    assert "候补转正" in mine


def test_refusals_are_the_actions_chinese_message(world, corps):
    from linli.activities.actions.lifecycle import activity_cancel

    cancelled = activity_cancel(activity=make_activity(world), reason="暴雨预警", actor=None)
    response = volunteer(world).post(f"/activities/{cancelled.pk}/signup/", follow=True)
    assert "该活动当前不接受报名" in response.content.decode()
    # A draft is not there at all for a volunteer: its organisers' until published.
    draft = make_activity(world, publish=False)
    assert volunteer(world).post(f"/activities/{draft.pk}/signup/").status_code == 404


def test_staff_add_by_number_and_cancel_with_reason(world, corps, party_activity):
    client = leader(world)
    response = client.post(f"/activities/{party_activity.pk}/roster/",
                           {"who": corps.volunteer.number}, follow=True)  # fmt: skip
    assert "已为 黄文静 报名" in response.content.decode()
    response = client.post(f"/activities/{party_activity.pk}/cancel/", {"reason": ""}, follow=True)
    assert "取消活动必须填写原因" in response.content.decode()
    client.post(f"/activities/{party_activity.pk}/cancel/", {"reason": "暴雨预警"})
    party_activity.refresh_from_db()
    assert party_activity.status == ActivityStatus.CANCELLED
    mine = volunteer(world).get("/activities/?tab=mine").content.decode()
    assert "暴雨预警" in mine


# --- check-in --------------------------------------------------------------------------------------


def test_qr_token_checks_in_then_offers_check_out(world, corps, party_activity):
    signup_create(activity=party_activity, volunteer=corps.volunteer, actor=None)
    page = staff(world).get(f"/activities/{party_activity.pk}/qr/").content.decode()
    assert "<svg" in page and "/checkin/" in page
    token = checkin_token.checkin_token(party_activity)
    url = f"/activities/{party_activity.pk}/checkin/{token}/"
    client = volunteer(world)
    assert 'data-testid="checkin-button"' in client.get(url).content.decode()
    assert "签到成功" in client.post(url, {"direction": "in"}).content.decode()
    row = Attendance.objects.get(activity=party_activity, volunteer=corps.volunteer)
    assert row.checkin_method == "activity_qr"
    assert 'data-testid="checkout"' in client.get(url).content.decode()
    response = client.post(url, {"direction": "in"})
    assert response.status_code == 409 and "已经签到过了" in response.content.decode()


def test_qr_refresh_is_an_htmx_fragment(world, corps, party_activity):
    response = staff(world).get(f"/activities/{party_activity.pk}/qr/", HTTP_HX_REQUEST="true")
    assert response.content.decode().lstrip().startswith('<div id="checkin-qr"')


def test_expired_forged_and_other_activitys_tokens_are_refused(world, corps, party_activity,
                                                               law_activity):  # fmt: skip
    now = timezone.now()
    checkin_token.activity_checkin_verify(
        checkin_token.checkin_token(party_activity, now=now - timedelta(seconds=60)),
        party_activity, now=now)  # fmt: skip
    client = volunteer(world)
    old = checkin_token.checkin_token(party_activity, now=now - timedelta(minutes=3))
    response = client.get(f"/activities/{party_activity.pk}/checkin/{old}/")
    assert response.status_code == 400 and "已过期" in response.content.decode()
    good = checkin_token.checkin_token(party_activity)
    forged = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    response = client.get(f"/activities/{party_activity.pk}/checkin/{forged}/")
    assert response.status_code == 403 and "无效" in response.content.decode()
    other = checkin_token.checkin_token(law_activity)
    assert client.get(f"/activities/{party_activity.pk}/checkin/{other}/").status_code == 403
    outsider = signed_in(world.outsider)
    assert outsider.get(f"/activities/{party_activity.pk}/checkin/{good}/").status_code == 404


def test_staff_scan_a_card_by_link_or_token(world, corps, party_activity):
    signup_create(activity=party_activity, volunteer=corps.volunteer, actor=None)
    token = card.card_token(corps.volunteer)
    client = leader(world)
    page = client.get(f"/activities/{party_activity.pk}/scan/?card={token}").content.decode()
    assert "黄文静" in page and 'data-testid="scan-checkin"' in page
    pasted = f"http://testserver/volunteers/scan/{token}/"
    response = client.post(
        f"/activities/{party_activity.pk}/scan/", {"card": pasted, "direction": "in"}
    )
    assert "已签到" in response.content.decode()
    row = Attendance.objects.get(activity=party_activity, volunteer=corps.volunteer)
    assert row.checkin_method == "card_scan" and row.checkin_by == world.user(Role.TEAM_LEADER)
    response = client.get(f"/activities/{party_activity.pk}/scan/?card=not-a-token")
    assert response.status_code == 403


def test_manual_check_in_and_out_with_times(world, corps, party_activity):
    signup_create(activity=party_activity, volunteer=corps.volunteer, actor=None)
    client = staff(world)
    start = timezone.localtime(party_activity.starts_at)
    for direction, at in (("in", start), ("out", start + timedelta(hours=2))):
        client.post(f"/activities/{party_activity.pk}/manual/", {
            "volunteer": corps.volunteer.pk, "direction": direction,
            "at": at.strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    row = Attendance.objects.get(activity=party_activity, volunteer=corps.volunteer)
    assert row.checkin_method == row.checkout_method == "manual"
    assert row.checked_in_at and row.checked_out_at
    assert row.checked_out_at - row.checked_in_at == timedelta(hours=2)


# --- close, verify, the record ---------------------------------------------------------------------


def attended(world, corps, activity):
    signup_create(activity=activity, volunteer=corps.volunteer, actor=None)
    client = staff(world)
    start = timezone.localtime(activity.starts_at)
    for direction, at in (("in", start), ("out", start + timedelta(hours=2))):
        client.post(f"/activities/{activity.pk}/manual/", {
            "volunteer": corps.volunteer.pk, "direction": direction,
            "at": at.strftime("%Y-%m-%dT%H:%M")})  # fmt: skip
    return client


def test_close_edit_verify_and_the_volunteer_sees_the_hours(world, corps, party_activity):
    client = attended(world, corps, party_activity)
    response = client.post(f"/activities/{party_activity.pk}/close/", follow=True)
    assert "2.00" in response.content.decode() or 'value="2.00"' in response.content.decode()
    row = Attendance.objects.get(activity=party_activity, volunteer=corps.volunteer)
    client.post(
        f"/activities/{party_activity.pk}/hours/{row.pk}/", {"hours": "2.5", "note": "提前到场"}
    )
    row.refresh_from_db()
    assert row.hours == Decimal("2.50")
    response = client.post(
        f"/activities/{party_activity.pk}/hours/{row.pk}/", {"hours": "9"}, follow=True
    )
    assert "时长必须在 0 到活动时长之间" in response.content.decode()
    client.post(f"/activities/{party_activity.pk}/verify/")
    party_activity.refresh_from_db()
    assert party_activity.status == ActivityStatus.VERIFIED
    page = volunteer(world).get("/activities/my-hours/").content.decode()
    assert "2.50" in page and "学雷锋志愿服务" in page and "焦家社区广场" in page
    # 公示: the full name and the hours, to anyone of the station; no phone number.
    public = signed_in(world.user(Role.RESIDENT)).get("/activities/publicity/").content.decode()
    assert "黄文静" in public and "2.50" in public
    assert (
        signed_in(world.outsider).get("/activities/publicity/").content.decode().count("黄文静")
        == 0
    )


def test_correction_request_and_decision(world, corps, party_activity):
    client = attended(world, corps, party_activity)
    activity_close(activity=party_activity, actor=None)
    activity_verify(activity=party_activity, actor=world.user(Role.STATION_STAFF))
    entry = LedgerEntry.objects.get(volunteer=corps.volunteer, account="hours")
    volunteer(world).post(
        f"/activities/my-hours/{entry.pk}/correction/", {"message": "我服务了3小时"}
    )
    request = CorrectionRequest.objects.get(entry=entry)
    assert leader(world).get("/activities/corrections/").status_code == 403
    assert "我服务了3小时" in client.get("/activities/corrections/").content.decode()
    assert signed_in(world.outsider).post(f"/activities/corrections/{request.pk}/",
                                          {"decision": "accept", "answer": "x"}).status_code == 404  # fmt: skip
    client.post(f"/activities/corrections/{request.pk}/",
                {"decision": "accept", "answer": "核实为3小时", "corrected_hours": "3"})  # fmt: skip
    page = volunteer(world).get("/activities/my-hours/").content.decode()
    assert "冲正：核实为3小时" in page and "3.00" in page
    # Someone else's entry is not theirs to question.
    other = volunteer(world).post(
        f"/activities/my-hours/{entry.pk + 100}/correction/", {"message": "x"}
    )
    assert other.status_code == 404


def test_hour_claim_for_an_activity_attended_without_checking_in(world, corps, party_activity):
    signup_create(activity=party_activity, volunteer=corps.volunteer, actor=None)
    activity_close(activity=party_activity, actor=None)
    client = volunteer(world)
    page = client.get("/activities/my-hours/").content.decode()
    assert 'data-testid="claim-form"' in page
    signup = party_activity.signups.get(volunteer=corps.volunteer)
    start = timezone.localtime(party_activity.starts_at)
    client.post("/activities/my-hours/claim/", {
        "signup": signup.pk, "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "note": "手机没电"})  # fmt: skip
    claim = HourClaim.objects.get(activity=party_activity)
    response = staff(world).post(f"/activities/{party_activity.pk}/verify/", follow=True)
    assert "还有待审核的补报时长" in response.content.decode()
    staff(world).post(
        f"/activities/{party_activity.pk}/claims/{claim.pk}/", {"decision": "approve"}
    )
    row = Attendance.objects.get(activity=party_activity, volunteer=corps.volunteer)
    assert row.hours == Decimal("1.00") and row.checkin_method == "claim"


def test_overdue_badge_and_page(world, corps):
    activity = make_activity(world, title="旧活动")
    activity_close(activity=activity, actor=None)
    long_ago = timezone.now() - timedelta(days=40)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=long_ago, ends_at=long_ago + timedelta(hours=2)
    )
    assert 'data-testid="overdue"' in staff(world).get("/activities/").content.decode()
    page = staff(world).get("/activities/overdue/").content.decode()
    assert "旧活动" in page and "逾期未核定" in page
    assert volunteer(world).get("/activities/overdue/").status_code == 403


# --- new, edit, recurrence, festival templates -----------------------------------------------------


def form_data(**changes: Any) -> dict[str, Any]:
    start = timezone.localtime() + timedelta(days=3)
    data = {
        "title": "敬老院慰问", "category": "elderly_disabled", "place": "县敬老院",
        "starts_at": start.strftime("%Y-%m-%dT09:00"), "ends_at": start.strftime("%Y-%m-%dT11:00"),
        "capacity": "8", "responsible_name": "陈红", "repeat": "none",
    }  # fmt: skip
    return data | changes


def test_staff_create_and_edit(world, corps):
    response = staff(world).post("/activities/new/", form_data())
    activity = Activity.objects.get(title="敬老院慰问")
    assert response.status_code == 302 and activity.status == ActivityStatus.DRAFT
    assert activity.organizer == "焦家社区实践站"
    response = staff(world).post(f"/activities/{activity.pk}/edit/",
                                 form_data(title="重阳敬老院慰问", capacity="12"))  # fmt: skip
    activity.refresh_from_db()
    assert activity.title == "重阳敬老院慰问" and activity.capacity == 12


def test_a_leader_creates_only_for_their_own_team(world, corps):
    client = leader(world)
    response = client.post("/activities/new/", form_data(team=corps.law_team.pk))
    assert response.status_code == 200 and not Activity.objects.exists()
    response = client.post("/activities/new/", form_data())
    assert response.status_code == 200 and not Activity.objects.exists()  # a team is required
    client.post("/activities/new/", form_data(team=corps.party_team.pk))
    assert Activity.objects.get().team == corps.party_team
    assert volunteer(world).get("/activities/new/").status_code == 403


def test_record_afterwards_inside_the_window_only(world, corps):
    yesterday = timezone.localtime() - timedelta(days=1)
    ok = form_data(starts_at=yesterday.strftime("%Y-%m-%dT09:00"),
                   ends_at=yesterday.strftime("%Y-%m-%dT11:00"))  # fmt: skip
    assert staff(world).post("/activities/new/", ok).status_code == 302
    old = timezone.localtime() - timedelta(days=40)
    late = form_data(title="太久以前", starts_at=old.strftime("%Y-%m-%dT09:00"),
                     ends_at=old.strftime("%Y-%m-%dT11:00"))  # fmt: skip
    response = staff(world).post("/activities/new/", late)
    assert "10 个工作日内" in response.content.decode()


def test_recurrence_weekly_through_the_form(world, corps):
    first = timezone.localdate() + timedelta(days=2)
    data = form_data(starts_at=f"{first:%Y-%m-%d}T09:00", ends_at=f"{first:%Y-%m-%d}T11:00",
                     repeat="weekly", repeat_until=f"{first + timedelta(days=21):%Y-%m-%d}")  # fmt: skip
    staff(world).post("/activities/new/", data)
    activities = list(Activity.objects.order_by("starts_at"))
    assert [timezone.localdate(a.starts_at) for a in activities] == [
        first + timedelta(weeks=n) for n in range(4)
    ]
    assert len({a.series_key for a in activities}) == 1 and activities[0].series_key
    assert all(timezone.localtime(a.starts_at).hour == 9 for a in activities)


def test_occurrence_rules():
    assert occurrence_dates(date(2026, 1, 31), "quarterly", date(2026, 12, 31)) == [
        date(2026, 1, 31), date(2026, 4, 30), date(2026, 7, 31), date(2026, 10, 31)]  # fmt: skip
    # 2026-09-28 Monday … 2026-10-09: the National Day holidays are skipped, 调休 Saturday kept.
    days = occurrence_dates(date(2026, 9, 28), "workdays", date(2026, 10, 9))
    assert all(chinese_calendar.is_workday(day) for day in days)
    assert date(2026, 10, 1) not in days and date(2026, 10, 9) in days


def test_series_is_all_or_nothing(world, corps):
    start = timezone.now() + timedelta(days=1)
    data = ActivityInput(title="", category="community", place="广场", starts_at=start,
                         ends_at=start + timedelta(hours=1), capacity=5, responsible_name="陈红")  # fmt: skip
    with pytest.raises(Exception):  # noqa: B017
        activity_create_series(station=world.jiaojia, data=data, rule="weekly",
                               until=timezone.localdate() + timedelta(days=30), actor=None)  # fmt: skip
    assert not Activity.objects.exists()


def test_themes_give_valid_dates():
    for year in range(2021, 2031):
        for theme in themes.THEMES:
            day = theme.date_in(year)
            assert day is not None and day.year == year, (theme.key, year)
        qingming = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
        assert themes.QINGMING[year] == qingming[0][0]
        assert themes.LANTERN[year] < themes.QINGMING[year] < themes.DRAGON_BOAT[year]
        assert themes.DRAGON_BOAT[year] < themes.DOUBLE_NINTH[year]
    for year in range(2021, 2027):  # years chinese_calendar knows the holidays of
        assert (
            chinese_calendar.get_holiday_detail(themes.DRAGON_BOAT[year])[1]
            == "Dragon Boat Festival"
        )
    assert themes.LANTERN[2026] == date(2026, 3, 3)
    assert themes.DRAGON_BOAT[2026] == date(2026, 6, 19)
    assert themes.DOUBLE_NINTH[2026] == date(2026, 10, 18)
    assert themes.BY_KEY["double_ninth"].partners == "县中医院"


def test_new_form_prefilled_from_a_festival_template(world, corps):
    year = timezone.localdate().year
    page = staff(world).get(f"/activities/new/?theme=double_ninth&year={year}").content.decode()
    assert "重阳义诊" in page and "县中医院" in page
    day = themes.DOUBLE_NINTH.get(year)
    if day is not None:
        assert f"{day:%Y-%m-%d}T08:30" in page


def test_every_role_gets_the_list_and_the_nav_link(world, corps):
    for role in Role.values:
        response = signed_in(world.user(role)).get("/activities/")
        assert response.status_code == 200, role
        assert 'href="/activities/"' in response.content.decode()


def test_dates_follow_the_language(world, corps, party_activity):
    starts_at = timezone.localtime(party_activity.starts_at)
    chinese = f"{starts_at.year}年{starts_at.month}月{starts_at.day}日 {starts_at:%H:%M}"
    assert chinese in staff(world).get("/activities/").content.decode()
    client = staff(world)
    client.cookies["django_language"] = "en"
    english = f"{starts_at.day} {starts_at:%b} {starts_at.year} {starts_at:%H:%M}"
    html = client.get("/activities/").content.decode()
    assert english in html and chinese not in html


def test_the_move_message_follows_the_language(world, corps):
    draft = make_activity(world, publish=False)
    client = staff(world)
    client.cookies["django_language"] = "en"
    page = client.post(f"/activities/{draft.pk}/publish/", follow=True).content.decode()
    assert "The activity has been published" in page


def test_token_window(world, corps, party_activity):
    moment = datetime(2026, 3, 5, 9, 0, 30, tzinfo=timezone.get_current_timezone())
    token = checkin_token.checkin_token(party_activity, now=moment)
    assert token == checkin_token.checkin_token(party_activity, now=moment + timedelta(seconds=20))
    checkin_token.activity_checkin_verify(token, party_activity, now=moment + timedelta(seconds=89))
    with pytest.raises(checkin_token.CheckinTokenError) as error:
        checkin_token.activity_checkin_verify(
            token, party_activity, now=moment + timedelta(seconds=90)
        )
    assert error.value.status == 400
