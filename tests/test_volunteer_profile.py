"""A volunteer's record per 民政部令第67号: who may read it, what it shows, awards and evaluations,
the volunteer's own page, edits and data download, and the home page cards."""

import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.accounts.models import Role, RoleAssignment
from linli.audit.models import AuditLog
from linli.core import crypto
from linli.volunteers.models import (
    TrainingAttendance,
    TrainingSession,
    Volunteer,
    VolunteerAward,
    VolunteerEvaluation,
    availability_bit,
)
from tests.conftest import make_volunteer, signed_in


def full_id(volunteer: Volunteer) -> str:
    return crypto.decrypt(volunteer.person.id_number_cipher)


def test_a_volunteer_sees_their_own_record_masked(corps, world):
    volunteer = corps.volunteer
    client = signed_in(world.user(Role.VOLUNTEER))
    for url in ["/volunteers/me/", f"/volunteers/{volunteer.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "黄文静" in html
        assert volunteer.person.id_number_masked in html
        assert full_id(volunteer) not in html
        assert volunteer.number in html
        assert "社区服务" in html
        assert 'data-testid="staff-actions"' not in html


@pytest.mark.parametrize("other", ["leader", "applicant", "outsider"])
def test_another_volunteers_page_is_404(corps, world, other):
    client = signed_in(world.user(Role.VOLUNTEER))
    assert client.get(f"/volunteers/{getattr(corps, other).pk}/").status_code == 404


def test_a_team_leader_reads_their_members_but_no_one_else(corps, world):
    client = signed_in(world.user(Role.TEAM_LEADER))
    page = client.get(f"/volunteers/{corps.volunteer.pk}/")
    assert page.status_code == 200
    assert 'data-testid="staff-actions"' not in page.content.decode()
    assert client.get(f"/volunteers/{corps.applicant.pk}/").status_code == 404
    assert client.get(f"/volunteers/{corps.outsider.pk}/").status_code == 404


def test_staff_of_another_station_get_404(corps, world):
    for user in (world.outsider, world.outside_supervisor):
        assert signed_in(user).get(f"/volunteers/{corps.volunteer.pk}/").status_code == 404
    assert signed_in(world.outsider).get(f"/volunteers/{corps.outsider.pk}/").status_code == 200


def test_staff_see_decisions_and_supervisors_only_read(corps, world):
    staff = signed_in(world.user(Role.STATION_STAFF)).get(f"/volunteers/{corps.volunteer.pk}/")
    assert 'data-testid="staff-actions"' in staff.content.decode()
    assert 'data-testid="decide-suspend"' in staff.content.decode()
    supervisor = signed_in(world.user(Role.SUPERVISOR)).get(f"/volunteers/{corps.volunteer.pk}/")
    assert supervisor.status_code == 200
    assert 'data-testid="staff-actions"' not in supervisor.content.decode()


def test_the_page_holds_every_67_record_section(corps, world):
    volunteer = corps.volunteer
    session = TrainingSession.objects.create(
        course=corps.law_course, held_on=date(2026, 3, 15), place="站点会议室"
    )
    corps.law_course.content = "法律援助的范围和流程"
    corps.law_course.save(update_fields=["content"])
    TrainingAttendance.objects.create(session=session, volunteer=volunteer, hours=4)
    VolunteerAward.objects.create(
        volunteer=volunteer,
        name="社区优秀防疫志愿者",
        awarded_on=date(2022, 5, 4),
        granted_by="当涂县",
    )
    VolunteerEvaluation.objects.create(
        volunteer=volunteer, evaluated_on=date(2025, 12, 20), result="excellent", comment="热心"
    )
    html = signed_in(world.user(Role.STATION_STAFF)).get(f"/volunteers/{volunteer.pk}/").content
    text = html.decode()
    for expected in [
        "党员志愿服务队",
        "法律援助基础",
        "法律援助的范围和流程",
        "4.0 小时",
        "县司法局",
        "2026-03-15",
        "社区优秀防疫志愿者",
        "2022-05-04",
        "当涂县",
        "优秀",
        "热心",
        "2025-12-20",
        volunteer.person.birth_date.strftime("%Y-%m-%d"),
        volunteer.person.phone or "—",
    ]:
        assert expected in text, expected
    # Monday, all day (make_volunteer's availability): three ticks in the grid.
    assert text.count("✓") == 3


def test_staff_add_awards_and_evaluations_audited(corps, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    url = f"/volunteers/{corps.volunteer.pk}/"
    response = client.post(
        url + "awards/",
        {
            "award-name": "优秀志愿者",
            "award-awarded_on": "2026-01-05",
            "award-granted_by": "焦家社区",
        },
    )
    assert response["Location"] == url
    award = VolunteerAward.objects.get(volunteer=corps.volunteer)
    assert (award.name, award.awarded_on, award.granted_by) == (
        "优秀志愿者",
        date(2026, 1, 5),
        "焦家社区",
    )
    assert award.recorded_by == world.user(Role.STATION_STAFF)
    response = client.post(
        url + "evaluations/",
        {
            "evaluation-evaluated_on": "2026-01-06",
            "evaluation-result": "good",
            "evaluation-comment": "按时到岗",
        },
    )
    assert response["Location"] == url
    evaluation = VolunteerEvaluation.objects.get(volunteer=corps.volunteer)
    assert (evaluation.result, evaluation.comment) == ("good", "按时到岗")
    actions = set(
        AuditLog.objects.filter(target_id=str(corps.volunteer.pk)).values_list("action", flat=True)
    )
    assert {"volunteer.award_add", "volunteer.evaluation_add"} <= actions


def test_award_and_evaluation_rules(corps, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = client.post(
        f"/volunteers/{corps.volunteer.pk}/awards/",
        {"award-name": "优秀", "award-awarded_on": tomorrow, "award-granted_by": "社区"},
        follow=True,
    )
    assert "日期不能晚于今天" in future.content.decode()
    applicant = client.post(
        f"/volunteers/{corps.applicant.pk}/evaluations/",
        {"evaluation-evaluated_on": "2026-01-06", "evaluation-result": "good"},
        follow=True,
    )
    assert "还不是志愿者" in applicant.content.decode()
    assert not VolunteerAward.objects.exists() and not VolunteerEvaluation.objects.exists()


@pytest.mark.parametrize("who", ["volunteer", "leader", "outsider"])
def test_only_staff_of_the_station_record_awards(corps, world, who):
    user = {
        "volunteer": world.user(Role.VOLUNTEER),
        "leader": world.user(Role.TEAM_LEADER),
        "outsider": world.outsider,
    }[who]
    response = signed_in(user).post(
        f"/volunteers/{corps.volunteer.pk}/awards/",
        {"award-name": "优秀", "award-awarded_on": "2026-01-05", "award-granted_by": "社区"},
    )
    assert response.status_code == (404 if who == "outsider" else 403)
    assert not VolunteerAward.objects.exists()


def test_staff_suspend_reinstate_and_record_leaving_from_the_page(corps, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    url = f"/volunteers/{corps.volunteer.pk}/decide/"
    user = corps.volunteer.user

    def status() -> str:
        return Volunteer.objects.get(pk=corps.volunteer.pk).status

    refused = client.post(url, {"decision": "suspend", "back": "detail"}, follow=True)
    assert "请填写暂停的原因" in refused.content.decode()
    assert status() == "active"
    client.post(url, {"decision": "suspend", "reason": "多次无故缺席"})
    assert status() == "suspended"
    assert not RoleAssignment.objects.filter(user=user, role=Role.VOLUNTEER).exists()
    page = client.get(f"/volunteers/{corps.volunteer.pk}/").content.decode()
    assert 'data-testid="decide-reinstate"' in page and "多次无故缺席" in page
    client.post(url, {"decision": "reinstate"})
    assert status() == "active"
    assert RoleAssignment.objects.filter(user=user, role=Role.VOLUNTEER).exists()
    response = client.post(url, {"decision": "leave", "reason": ""})
    assert response["Location"] == f"/volunteers/{corps.volunteer.pk}/"
    assert status() == "left"


# --- the volunteer's own pages ----------------------------------------------------------------


def test_a_volunteer_edits_their_own_profile(corps, world):
    client = signed_in(world.user(Role.VOLUNTEER))
    page = client.get("/volunteers/me/edit/").content.decode()
    assert 'value="mon-am" checked' in page
    assert 'name="name"' not in page and 'name="id_number"' not in page
    response = client.post(
        "/volunteers/me/edit/",
        {
            "skills": "手语",
            "categories": ["elderly_disabled", "family"],
            "availability": ["sat-pm", "sat-ev"],
            "residence_area": "焦家小区",
            "occupation": "护士",
            "political_status": "league",
        },
    )
    assert response["Location"] == "/volunteers/me/"
    volunteer = Volunteer.objects.get(pk=corps.volunteer.pk)
    assert volunteer.skills == "手语"
    assert volunteer.availability == availability_bit(5, 1) | availability_bit(5, 2)
    assert sorted(volunteer.categories.values_list("category", flat=True)) == [
        "elderly_disabled",
        "family",
    ]
    assert (volunteer.residence_area, volunteer.occupation, volunteer.political_status) == (
        "焦家小区",
        "护士",
        "league",
    )
    audit = AuditLog.objects.get(action="volunteer.update", target_id=str(volunteer.pk))
    assert audit.actor == world.user(Role.VOLUNTEER)


def test_an_account_without_a_volunteer_record_is_invited_to_apply(world):
    client = signed_in(world.user(Role.RESIDENT))
    page = client.get("/volunteers/me/")
    assert page.status_code == 200
    assert 'data-testid="not-a-volunteer"' in page.content.decode()
    assert client.get("/volunteers/me/edit/")["Location"] == "/volunteers/apply/"
    assert client.get("/volunteers/me/data.json").status_code == 404


def test_the_data_download_holds_every_record_and_is_audited(corps, world):
    volunteer = corps.volunteer
    session = TrainingSession.objects.create(course=corps.law_course, held_on=date(2026, 3, 15))
    TrainingAttendance.objects.create(session=session, volunteer=volunteer, hours=4)
    VolunteerAward.objects.create(
        volunteer=volunteer, name="优秀志愿者", awarded_on=date(2025, 12, 5), granted_by="焦家社区"
    )
    VolunteerEvaluation.objects.create(
        volunteer=volunteer, evaluated_on=date(2025, 12, 20), result="excellent"
    )
    user = world.user(Role.VOLUNTEER)
    response = signed_in(user).get("/volunteers/me/data.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    raw = response.content.decode()
    assert full_id(volunteer) not in raw
    data = json.loads(raw)
    assert data["person"]["name"] == "黄文静"
    assert data["person"]["id_number_masked"] == volunteer.person.id_number_masked
    assert data["volunteer"]["number"] == volunteer.number
    assert data["volunteer"]["availability"] == ["mon-am", "mon-pm", "mon-ev"]
    assert data["volunteer"]["service_categories"] == ["community"]
    assert data["volunteer"]["consent_version"] == volunteer.consent_version
    assert [team["team"] for team in data["teams"]] == ["党员志愿服务队"]
    assert data["training"][0]["course"] == "法律援助基础"
    assert data["training"][0]["organizer"] == "县司法局"
    assert data["awards"] == [
        {"name": "优秀志愿者", "awarded_on": "2025-12-05", "granted_by": "焦家社区"}
    ]
    assert data["evaluations"][0]["result"] == "excellent"
    assert {consent["scope"] for consent in data["consents"]} == {"personal", "sensitive"}
    audit = AuditLog.objects.get(action="volunteer.data_export")
    assert (audit.actor, audit.target_id) == (user, str(volunteer.pk))


def test_the_profile_page_costs_the_same_queries_for_many_records(
    corps, world, django_assert_max_num_queries
):
    client = signed_in(world.user(Role.STATION_STAFF))
    url = f"/volunteers/{corps.volunteer.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(1, 6):
        session = TrainingSession.objects.create(
            course=corps.law_course, held_on=date(2025, 1, day)
        )
        TrainingAttendance.objects.create(session=session, volunteer=corps.volunteer, hours=2)
        VolunteerAward.objects.create(
            volunteer=corps.volunteer,
            name=f"荣誉{day}",
            awarded_on=date(2025, 1, day),
            granted_by="社区",
        )
        VolunteerEvaluation.objects.create(
            volunteer=corps.volunteer, evaluated_on=date(2025, 1, day), result="good"
        )
    with django_assert_max_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert html.count("荣誉") >= 5


# --- the home page ----------------------------------------------------------------------------


def test_a_pending_applicant_sees_their_application_on_the_home_page(corps):
    client = signed_in(corps.applicant.user)
    html = client.get("/").content.decode()
    assert 'data-testid="volunteer-application"' in html
    assert "正在等待站点审核" in html
    Volunteer.objects.filter(pk=corps.applicant.pk).update(
        status="rejected", status_reason="居住地不在本社区"
    )
    html = client.get("/").content.decode()
    assert "未通过：居住地不在本社区" in html
    me = client.get("/volunteers/me/").content.decode()
    assert "居住地不在本社区" in me


def test_active_volunteers_see_no_application_card_but_links_to_their_record(corps, world):
    html = signed_in(world.user(Role.VOLUNTEER)).get("/").content.decode()
    assert 'data-testid="volunteer-application"' not in html
    assert 'href="/volunteers/me/"' in html
    assert 'href="/volunteers/me/card/"' in html


def test_a_registered_volunteer_can_sign_in_and_follow_their_application(registry, world):
    from django.test import Client

    from tests.conftest import PASSWORD

    applicant = make_volunteer(
        world.jiaojia, None, "孙丽", date(1985, 5, 5), 150, approve=False, phone="13812349999"
    )
    client = Client()
    client.post("/accounts/login/", {"phone": "13812349999", "password": PASSWORD})
    html = client.get("/").content.decode()
    assert "正在等待站点审核" in html
    assert applicant.person.name in client.get("/volunteers/me/").content.decode()
