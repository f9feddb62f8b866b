"""Training: courses, sessions, the roll, training hours kept apart, and the training rule.

The rule (linli.teams.qualification): a volunteer is qualified for a team when they attended
every course the team requires and, for a sub-group, every course its parent requires.
"""

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.core.errors import DomainError
from linli.teams import actions as team_actions
from linli.teams.qualification import (
    is_qualified,
    missing_courses,
    qualified_volunteers,
)
from linli.volunteers.actions import training as training_actions
from linli.volunteers.actions.registration import volunteer_suspend
from linli.volunteers.models import Course, TrainingAttendance, TrainingSession
from linli.volunteers.queries import training_hours
from tests.conftest import make_volunteer, signed_in


def past_session(course: Course, days_ago: int = 1) -> TrainingSession:
    return training_actions.session_create(
        course=course, held_on=timezone.localdate() - timedelta(days=days_ago), actor=None
    )


def attend(course: Course, *volunteers: Any, days_ago: int = 1) -> TrainingSession:
    session = past_session(course, days_ago)
    training_actions.attendance_record(session=session, present=volunteers, actor=None)
    return session


def roll_names(html: str) -> list[str]:
    return re.findall(r'class="roll-name">([^<]+)</span>', html)


# --- courses and sessions ---------------------------------------------------------------------------


def test_staff_add_a_course_and_a_session(corps, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.post(
        "/volunteers/courses/new/",
        {"name": "志愿服务通识", "hours": "2.5", "content": "志愿精神、服务礼仪", "organizer": ""},
    )
    course = Course.objects.get(name="志愿服务通识")
    assert response.status_code == 302
    assert response["Location"] == f"/volunteers/courses/{course.pk}/"
    assert course.hours == Decimal("2.5")
    assert course.organizer == "焦家社区实践站"  # defaults to the station
    held_on = timezone.localdate().isoformat()
    created = client.post(
        f"/volunteers/courses/{course.pk}/sessions/new/",
        {"held_on": held_on, "place": "社区活动室", "trainer": "县团委讲师"},
    )
    session = TrainingSession.objects.get(course=course)
    assert created["Location"] == f"/volunteers/courses/{course.pk}/sessions/{session.pk}/"
    page = client.get(f"/volunteers/courses/{course.pk}/").content.decode()
    assert "社区活动室" in page
    listing = client.get("/volunteers/courses/").content.decode()
    assert "志愿服务通识" in listing
    assert "法律援助基础" in listing
    assert {"course.create", "training.session_create"} <= set(
        AuditLog.objects.values_list("action", flat=True)
    )


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"name": "法律援助基础", "hours": "2"}, "name"),
        ({"name": "", "hours": "2"}, "name"),
        ({"name": "急救", "hours": "0"}, "hours"),
        ({"name": "急救", "hours": "-1"}, "hours"),
        ({"name": "急救", "hours": "abc"}, "hours"),
    ],
)
def test_a_course_needs_a_unique_name_and_positive_hours(corps, world, fields, error_field):
    with pytest.raises(ValidationError) as refused:
        training_actions.course_create(station=world.jiaojia, actor=None, **fields)
    assert error_field in refused.value.message_dict


@pytest.mark.parametrize("role", [Role.TEAM_LEADER, Role.VOLUNTEER, Role.RESIDENT])
def test_courses_are_staff_pages(corps, world, role):
    client = signed_in(world.user(role))
    assert client.get("/volunteers/courses/").status_code == 403
    assert client.get(f"/volunteers/courses/{corps.law_course.pk}/").status_code == 404


def test_another_stations_staff_see_nothing_of_the_courses(corps, world):
    session = past_session(corps.law_course)
    client = signed_in(world.outsider)
    assert "法律援助基础" not in client.get("/volunteers/courses/").content.decode()
    assert client.get(f"/volunteers/courses/{corps.law_course.pk}/").status_code == 404
    path = f"/volunteers/courses/{corps.law_course.pk}/sessions/{session.pk}/"
    assert client.get(path).status_code == 404
    assert client.post(path, {"present": [corps.outsider.pk]}).status_code == 404


def test_supervisors_read_sessions_but_do_not_record_them(corps, world):
    session = past_session(corps.law_course)
    client = signed_in(world.user(Role.SUPERVISOR))
    path = f"/volunteers/courses/{corps.law_course.pk}/sessions/{session.pk}/"
    page = client.get(path)
    assert page.status_code == 200
    assert 'id="roll-form"' not in page.content.decode()
    assert client.post(path, {"present": [corps.volunteer.pk]}).status_code == 404
    assert not TrainingAttendance.objects.exists()


# --- the roll ---------------------------------------------------------------------------------------


def test_the_roll_lists_the_stations_active_volunteers_and_filters_by_pinyin(corps, world):
    session = past_session(corps.law_course)
    client = signed_in(world.user(Role.STATION_STAFF))
    path = f"/volunteers/courses/{corps.law_course.pk}/sessions/{session.pk}/"
    names = roll_names(client.get(path).content.decode())
    assert sorted(names) == sorted(["张志强", "黄文静"])  # not the pending 周晓燕, not 黄池's 钱进
    filtered = client.get(path, {"q": "hwj"}, HTTP_HX_REQUEST="true")
    assert roll_names(filtered.content.decode()) == ["黄文静"]
    assert "<html" not in filtered.content.decode()  # a fragment
    assert roll_names(
        client.get(path, {"q": "zhang"}, HTTP_HX_REQUEST="true").content.decode()
    ) == ["张志强"]
    assert roll_names(client.get(path, {"q": "文静"}, HTTP_HX_REQUEST="true").content.decode()) == [
        "黄文静"
    ]


def test_filtering_keeps_the_ticks_outside_the_filter(corps, world):
    session = past_session(corps.law_course)
    client = signed_in(world.user(Role.STATION_STAFF))
    path = f"/volunteers/courses/{corps.law_course.pk}/sessions/{session.pk}/"
    html = client.get(
        path, {"q": "hwj", "present": [corps.leader.pk]}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'<input type="hidden" name="present" value="{corps.leader.pk}">' in html


def test_staff_record_a_sessions_attendance_with_the_courses_hours(corps, world):
    session = past_session(corps.law_course)
    client = signed_in(world.user(Role.STATION_STAFF))
    path = f"/volunteers/courses/{corps.law_course.pk}/sessions/{session.pk}/"
    response = client.post(path, {"present": [corps.volunteer.pk, corps.leader.pk]})
    assert response.status_code == 302
    rows = TrainingAttendance.objects.filter(session=session, attended=True)
    assert sorted(rows.values_list("volunteer_id", flat=True)) == sorted(
        [corps.volunteer.pk, corps.leader.pk]
    )
    assert set(rows.values_list("hours", flat=True)) == {Decimal("4.0")}
    assert {row.recorded_by for row in rows} == {world.user(Role.STATION_STAFF)}
    page = client.get(path).content.decode()
    assert "出勤 4.0 小时" in page
    assert page.count("checked") == 2

    # The roll is the whole truth: unticking 张志强 marks them absent; hours can be given.
    client.post(path, {"present": [corps.volunteer.pk], "hours": "3.5"})
    leader_row = TrainingAttendance.objects.get(session=session, volunteer=corps.leader)
    assert (leader_row.attended, leader_row.hours) == (False, Decimal(0))
    assert TrainingAttendance.objects.get(session=session, volunteer=corps.volunteer).hours == (
        Decimal("3.5")
    )
    audit = AuditLog.objects.filter(action="training.attendance").latest("pk")
    assert audit.before == {"present": sorted([corps.volunteer.pk, corps.leader.pk])}
    assert audit.after == {"present": [corps.volunteer.pk], "hours": "3.5"}


def test_only_the_stations_active_volunteers_can_be_newly_recorded(corps, world):
    session = past_session(corps.law_course)
    for outsider in (corps.outsider, corps.applicant):
        with pytest.raises(ValidationError):
            training_actions.attendance_record(session=session, present=[outsider], actor=None)
    assert not TrainingAttendance.objects.exists()
    client = signed_in(world.user(Role.STATION_STAFF))
    path = f"/volunteers/courses/{corps.law_course.pk}/sessions/{session.pk}/"
    response = client.post(path, {"present": [corps.outsider.pk]})
    assert response.status_code == 422
    assert not TrainingAttendance.objects.exists()


def test_a_later_suspension_does_not_drop_a_past_attendance_from_the_roll(corps, world):
    session = attend(corps.law_course, corps.volunteer, corps.leader)
    staff = world.user(Role.STATION_STAFF)
    volunteer_suspend(volunteer=corps.volunteer, reason="暂停", actor=staff)
    path = f"/volunteers/courses/{corps.law_course.pk}/sessions/{session.pk}/"
    assert "黄文静" in roll_names(signed_in(staff).get(path).content.decode())
    training_actions.attendance_record(
        session=session, present=[corps.volunteer, corps.leader], actor=staff
    )
    assert TrainingAttendance.objects.filter(session=session, attended=True).count() == 2


def test_a_session_is_recorded_only_once_it_has_been_held(corps):
    future = training_actions.session_create(
        course=corps.law_course, held_on=timezone.localdate() + timedelta(days=3), actor=None
    )
    with pytest.raises(DomainError) as refused:
        training_actions.attendance_record(session=future, present=[corps.volunteer], actor=None)
    assert refused.value.status == 409


def test_training_hours_are_kept_apart_from_service_hours(corps, world):
    attend(corps.law_course, corps.volunteer, days_ago=10)
    second = Course.objects.create(
        station=world.jiaojia, name="心肺复苏", hours=Decimal("1.5"), organizer="县红十字会"
    )
    session = attend(second, corps.volunteer)
    training_actions.attendance_record(
        session=session, present=[corps.volunteer], hours="2", actor=None
    )
    assert training_hours(corps.volunteer) == Decimal("6.0")
    assert training_hours(corps.leader) == Decimal(0)
    # Nothing was written to a service-hour ledger (if the ledger app is installed yet).
    if apps.is_installed("linli.ledger"):
        for model in apps.get_app_config("ledger").get_models():
            assert not model._default_manager.exists(), model
    training_writes = AuditLog.objects.filter(action__startswith="ledger").count()
    assert training_writes == 0


# --- the training rule ------------------------------------------------------------------------------


@pytest.fixture
def troupe(corps, world) -> dict[str, Any]:
    """文体队 requires 文艺安全; its sub-group 舞龙队 requires 舞龙技法; volunteers trained variously."""
    culture = team_actions.team_create(station=world.jiaojia, name="文体志愿服务队", actor=None)
    dragon = team_actions.team_create(
        station=world.jiaojia, name="舞龙队", parent=culture, actor=None
    )
    safety = training_actions.course_create(
        station=world.jiaojia, name="文艺活动安全", hours="2", actor=None
    )
    skill = training_actions.course_create(
        station=world.jiaojia, name="舞龙技法", hours="6", actor=None
    )
    team_actions.team_require_course(team=culture, course=safety, actor=None)
    team_actions.team_require_course(team=dragon, course=skill, actor=None)
    people = {
        "none": make_volunteer(
            world.jiaojia, None, "吴一", date(1970, 1, 1), 31, phone="13811110031"
        ),
        "safety": make_volunteer(
            world.jiaojia, None, "吴二", date(1971, 1, 1), 32, phone="13811110032"
        ),
        "skill": make_volunteer(
            world.jiaojia, None, "吴三", date(1972, 1, 1), 33, phone="13811110033"
        ),
        "both": make_volunteer(
            world.jiaojia, None, "吴四", date(1973, 1, 1), 34, phone="13811110034"
        ),
        "absent": make_volunteer(
            world.jiaojia, None, "吴五", date(1974, 1, 1), 35, phone="13811110035"
        ),
        "suspended": make_volunteer(
            world.jiaojia, None, "吴六", date(1975, 1, 1), 36, phone="13811110036"
        ),
    }
    attend(safety, people["safety"], people["both"], people["absent"], people["suspended"])
    skill_session = attend(
        skill, people["skill"], people["both"], people["absent"], people["suspended"]
    )
    # 吴五 was on the first roll, then marked absent: an absence does not count.
    training_actions.attendance_record(
        session=skill_session,
        present=[people["skill"], people["both"], people["suspended"]],
        actor=None,
    )
    volunteer_suspend(volunteer=people["suspended"], reason="暂停", actor=None)
    return {
        "culture": culture,
        "dragon": dragon,
        "safety_course": safety,
        "skill_course": skill,
        **people,
    }


@pytest.mark.parametrize(
    ("person", "team", "missing"),
    [
        ("none", "culture", ["文艺活动安全"]),
        ("none", "dragon", ["文艺活动安全", "舞龙技法"]),  # the parent's rule applies too
        ("safety", "culture", []),
        ("safety", "dragon", ["舞龙技法"]),
        ("skill", "culture", ["文艺活动安全"]),
        ("skill", "dragon", ["文艺活动安全"]),
        ("both", "culture", []),
        ("both", "dragon", []),
        ("absent", "dragon", ["舞龙技法"]),
        ("suspended", "dragon", []),  # trained; being suspended is a separate question
    ],
)
def test_missing_courses_and_is_qualified(troupe, person, team, missing):
    volunteer, target = troupe[person], troupe[team]
    assert [course.name for course in missing_courses(volunteer, target)] == missing
    assert is_qualified(volunteer, target) == (not missing)


def test_qualified_volunteers_are_the_stations_active_volunteers_who_meet_the_rule(
    troupe, corps, django_assert_num_queries
):
    with django_assert_num_queries(1):
        dragon = list(qualified_volunteers(troupe["dragon"]))
    assert dragon == [troupe["both"]]
    culture = {volunteer.person.name for volunteer in qualified_volunteers(troupe["culture"])}
    assert culture == {"吴二", "吴四", "吴五"}  # 吴五 missed only the dragon skill
    # A team without a rule: every active volunteer of its station, none of another station.
    party = {volunteer.person.name for volunteer in qualified_volunteers(corps.party_team)}
    assert {"张志强", "黄文静", "吴一", "吴四"} <= party
    assert "吴六" not in party  # suspended
    assert "周晓燕" not in party  # pending
    assert "钱进" not in party  # another station


def test_qualified_volunteers_stays_one_query_as_volunteers_grow(
    troupe, world, django_assert_num_queries
):
    for index in range(5):
        volunteer = make_volunteer(
            world.jiaojia,
            None,
            "郑" + "甲乙丙丁戊"[index],
            date(1980, 1, 1),
            50 + index,
            phone=f"138111101{index:02d}",
        )
        attend(troupe["safety_course"], volunteer)
        attend(troupe["skill_course"], volunteer)
    with django_assert_num_queries(1):
        assert len(list(qualified_volunteers(troupe["dragon"]))) == 6


def test_the_rule_follows_the_team_and_the_volunteer_sees_it_met(corps, world):
    volunteer_client = signed_in(world.user(Role.VOLUNTEER))
    path = f"/volunteers/teams/{corps.law_team.pk}/"
    assert 'data-testid="missing-courses"' in volunteer_client.get(path).content.decode()
    assert not is_qualified(corps.volunteer, corps.law_team)
    attend(corps.law_course, corps.volunteer)
    assert is_qualified(corps.volunteer, corps.law_team)
    assert 'data-testid="missing-courses"' not in volunteer_client.get(path).content.decode()


def test_the_roster_marks_members_still_to_be_trained(corps, world):
    staff = world.user(Role.STATION_STAFF)
    team_actions.member_add(team=corps.law_team, volunteer=corps.volunteer, actor=staff)
    team_actions.member_add(team=corps.law_team, volunteer=corps.leader, actor=staff)
    attend(corps.law_course, corps.leader)
    html = signed_in(staff).get(f"/volunteers/teams/{corps.law_team.pk}/").content.decode()
    members = html.split('data-testid="team-members"')[1].split("</ul>")[0]
    rows = {
        row.split("</span>")[0].split(">")[-1]: row
        for row in members.split('class="member-name">')[1:]
    }
    assert "待培训" in rows["黄文静"]
    assert "待培训" not in rows["张志强"]
