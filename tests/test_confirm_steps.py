"""Irreversible steps ask once, with their consequences in numbers read from the rows: verifying
an activity's hours, closing an activity, confirming a request's hours, rejecting a request."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from linli.accounts.models import Role
from linli.activities.actions.lifecycle import activity_close
from linli.activities.actions.signups import signup_create
from linli.activities.models import Attendance
from linli.core.confirm import award_question, hours_question, hours_text
from tests.conftest import make_volunteer, signed_in, submit_request
from tests.test_activity_pages import attended, make_activity

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("hours", "text"),
    [("28.50", "28.5"), ("3.00", "3"), ("0.25", "0.25"), ("12", "12"), ("100.10", "100.1")],
)
def test_hours_read_as_written(hours, text):
    assert hours_text(Decimal(hours)) == text


def test_the_questions_in_both_languages():
    from django.utils import translation

    assert hours_question(12, Decimal("28.50")) == "将为12名志愿者记入28.5小时，确认？"
    assert "归档" in hours_question(0, Decimal("0"))
    assert award_question("社区优秀防疫志愿者", 20).startswith(
        "将授予20名志愿者「社区优秀防疫志愿者」"
    )
    with translation.override("en"):
        assert (
            hours_question(1, Decimal("2"))
            == "Credit 1 volunteer with 2 hours? This cannot be undone."
        )
        assert hours_question(12, Decimal("28.5")).startswith(
            "Credit 12 volunteers with 28.5 hours"
        )


def test_closing_asks_with_who_came_and_who_did_not(world, corps):
    activity = make_activity(world, team=corps.party_team)
    client = attended(world, corps, activity)  # 黄文静 checked in and out
    absent = make_volunteer(world.jiaojia, None, "李明", date(1990, 1, 1), 21, phone="13811110021")
    signup_create(activity=activity, volunteer=absent, actor=None)
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert 'data-testid="close-question"' in page
    assert "已签到 1 人，另有 1 名报名者将记为缺席" in page
    assert 'data-testid="close-confirm"' in page


def test_verifying_asks_with_the_volunteers_and_hours_it_credits(world, corps):
    activity = make_activity(world, team=corps.party_team)
    client = attended(world, corps, activity)
    activity_close(activity=activity, actor=None)
    row = Attendance.objects.get(activity=activity, volunteer=corps.volunteer)
    client.post(f"/activities/{activity.pk}/hours/{row.pk}/", {"hours": "1.5", "note": ""})
    page = client.get(f"/activities/{activity.pk}/hours/").content.decode()
    assert "将为1名志愿者记入1.5小时，确认？" in page
    assert 'data-testid="verify-confirm"' in page


def test_rejecting_a_request_asks_and_names_it(world, menu):
    service_request = submit_request(world.jiaojia, description="楼道灯坏了")
    page = signed_in(world.user(Role.STATION_STAFF)).get(f"/requests/{service_request.pk}/")
    html = page.content.decode()
    assert f"不予受理后 #{service_request.pk} 即结束" in html
    assert 'data-testid="reject-confirm"' in html
    # Enter in the reason field sends nothing: the form's first submit button is disabled.
    form = html[html.index("/do/reject/") :]
    first_button = form[form.index("<button") : form.index(">", form.index("<button"))]
    assert "disabled" in first_button


def test_the_ended_activitys_page_asks_nothing_more(world, corps):
    activity = make_activity(world, team=corps.party_team, starts_in=timedelta(hours=-4))
    activity_close(activity=activity, actor=None)
    page = signed_in(world.user(Role.STATION_STAFF)).get(f"/activities/{activity.pk}/")
    assert 'data-testid="close-question"' not in page.content.decode()
