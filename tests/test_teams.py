"""Teams: the list, a team's roster run by its leader, joining, sub-groups, leaders, the API.

The cast (tests/conftest.py `corps`): 张志强 leads 党员志愿服务队 (the team_leader user), 黄文静 is a
member (the volunteer user), 法律援助志愿服务队 is another team at 焦家 that needs 法律援助基础, and
黄池志愿服务队 belongs to another station. `cast` below adds volunteers to join, add and decide on.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openapi_spec_validator import validate

from linli.accounts.models import Role, RoleAssignment
from linli.audit.models import AuditLog
from linli.core.errors import DomainError
from linli.teams import actions as team_actions
from linli.teams.models import Team, TeamMembership
from linli.volunteers.actions.registration import volunteer_suspend
from tests.conftest import api_token, bearer, make_volunteer, signed_in


@dataclass
class Cast:
    chen: Any  # active at 焦家, in no team: to be added or to ask to join
    liu: Any  # active at 焦家, has asked to join 党员队 and 法律队
    zhao: Any  # active at 焦家, a member of 法律队
    sun: Any  # active at 黄池, in no team
    qian: Any  # active at 黄池, has asked to join 黄池队
    requests: dict[str, Any]  # team key → liu's / qian's open request
    members: dict[str, Any]  # team key → a plain member's membership


@pytest.fixture
def cast(corps, world) -> Cast:
    chen = make_volunteer(world.jiaojia, None, "陈明", date(1990, 1, 1), 21, phone="13811110021")
    liu = make_volunteer(world.jiaojia, None, "刘芳", date(1985, 4, 4), 22, phone="13811110022")
    zhao = make_volunteer(world.jiaojia, None, "赵磊", date(1979, 9, 9), 23, phone="13811110023")
    sun = make_volunteer(world.huangchi, None, "孙丽", date(1992, 2, 2), 24, phone="13811110024")
    qian = make_volunteer(world.huangchi, None, "钱多", date(1993, 3, 3), 25, phone="13811110025")
    requests = {
        "own": team_actions.membership_request(team=corps.party_team, volunteer=liu, actor=None),
        "same_station": team_actions.membership_request(
            team=corps.law_team, volunteer=liu, actor=None
        ),
        "outsider": team_actions.membership_request(
            team=corps.outsider_team, volunteer=qian, actor=None
        ),
    }
    members = {
        "own": TeamMembership.objects.get(team=corps.party_team, volunteer=corps.volunteer),
        "same_station": team_actions.member_add(team=corps.law_team, volunteer=zhao, actor=None),
        "outsider": TeamMembership.objects.get(team=corps.outsider_team, volunteer=corps.outsider),
    }
    return Cast(chen, liu, zhao, sun, qian, requests, members)


def team_of(corps: Any, key: str) -> Team:
    return {
        "own": corps.party_team,
        "same_station": corps.law_team,
        "outsider": corps.outsider_team,
    }[key]


def status_of(membership: Any) -> str:
    return TeamMembership.objects.get(pk=membership.pk).status


# --- the list ---------------------------------------------------------------------------------------


def test_the_team_list_shows_the_stations_teams_with_leader_members_and_training(corps, world):
    html = signed_in(world.user(Role.STATION_STAFF)).get("/volunteers/teams/").content.decode()
    assert "党员志愿服务队" in html
    assert "法律援助志愿服务队" in html
    assert "张志强" in html  # the leader
    assert "2 名队员" in html
    assert "法律援助基础" in html  # the law team's training rule
    assert "黄池志愿服务队" not in html


@pytest.mark.parametrize("role", [Role.TEAM_LEADER, Role.VOLUNTEER, Role.SUPERVISOR, Role.ADMIN])
def test_every_role_at_the_station_sees_its_teams(corps, world, role):
    response = signed_in(world.user(role)).get("/volunteers/teams/")
    assert response.status_code == 200
    assert "党员志愿服务队" in response.content.decode()


def test_the_outsider_sees_only_their_own_stations_teams(corps, world):
    html = signed_in(world.outsider).get("/volunteers/teams/").content.decode()
    assert "黄池志愿服务队" in html
    assert "党员志愿服务队" not in html


def add_teams(world: Any, corps: Any, count: int, offset: int) -> None:
    for index in range(count):
        team = team_actions.team_create(
            station=world.jiaojia,
            name=f"测试队{offset + index}",
            categories=["community", "culture"],
            actor=None,
        )
        team_actions.team_create(
            station=world.jiaojia, name=f"测试分队{offset + index}", parent=team, actor=None
        )
        team_actions.team_require_course(team=team, course=corps.law_course, actor=None)
        volunteer = make_volunteer(
            world.jiaojia,
            None,
            "队员" + "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"[offset + index],
            date(1980, 1, 1 + index),
            40 + offset + index,
            phone=f"1381112{offset + index:04d}",
        )
        team_actions.member_add(team=team, volunteer=volunteer, actor=None)
        team_actions.leader_set(team=team, volunteer=volunteer, actor=None)


def count_queries(client: Client, path: str, **extra: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200
    return len(queries)


def test_the_team_list_query_count_does_not_grow_with_teams(corps, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    add_teams(world, corps, 1, 0)
    few = count_queries(client, "/volunteers/teams/")
    add_teams(world, corps, 4, 1)
    assert count_queries(client, "/volunteers/teams/") == few


# --- a leader runs their own team only --------------------------------------------------------------

OWN_OR_NOT = [("own", 200), ("same_station", 404), ("outsider", 404)]


@pytest.mark.parametrize(("key", "expected"), OWN_OR_NOT)
def test_a_leader_adds_members_to_their_own_team_only(corps, cast, world, key, expected):
    team = team_of(corps, key)
    candidate = cast.sun if key == "outsider" else cast.chen
    client = signed_in(world.user(Role.TEAM_LEADER))
    response = client.post(
        f"/volunteers/teams/{team.pk}/members/add/",
        {"volunteer": candidate.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == expected
    on_team = TeamMembership.objects.filter(team=team, volunteer=candidate, status="active")
    assert on_team.exists() == (expected == 200)
    if expected == 200:
        assert "陈明" in response.content.decode()


@pytest.mark.parametrize(("key", "expected"), OWN_OR_NOT)
def test_a_leader_removes_members_of_their_own_team_only(corps, cast, world, key, expected):
    team = team_of(corps, key)
    membership = cast.members[key]
    client = signed_in(world.user(Role.TEAM_LEADER))
    response = client.post(f"/volunteers/teams/{team.pk}/members/{membership.pk}/remove/")
    assert response.status_code == (302 if expected == 200 else 404)
    assert status_of(membership) == ("removed" if expected == 200 else "active")


@pytest.mark.parametrize(("key", "expected"), OWN_OR_NOT)
@pytest.mark.parametrize(("decision", "outcome"), [("approve", "active"), ("decline", "declined")])
def test_a_leader_decides_requests_to_their_own_team_only(
    corps, cast, world, key, expected, decision, outcome
):
    team = team_of(corps, key)
    request = cast.requests[key]
    client = signed_in(world.user(Role.TEAM_LEADER))
    response = client.post(
        f"/volunteers/teams/{team.pk}/members/{request.pk}/decide/",
        {"decision": decision},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == expected
    assert status_of(request) == (outcome if expected == 200 else "requested")


@pytest.mark.parametrize(("key", "expected"), OWN_OR_NOT)
def test_a_leader_searches_volunteers_to_add_for_their_own_team_only(
    corps, cast, world, key, expected
):
    team = team_of(corps, key)
    client = signed_in(world.user(Role.TEAM_LEADER))
    response = client.get(
        f"/volunteers/teams/{team.pk}/members/add/", {"q": "cm"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert "陈明" in html
        assert "黄文静" not in html  # already on the team


def test_a_leader_reads_another_team_but_sees_no_roster_tools(corps, cast, world):
    html = (
        signed_in(world.user(Role.TEAM_LEADER))
        .get(f"/volunteers/teams/{corps.law_team.pk}/")
        .content.decode()
    )
    assert "法律援助志愿服务队" in html
    assert 'id="roster"' not in html
    own = (
        signed_in(world.user(Role.TEAM_LEADER))
        .get(f"/volunteers/teams/{corps.party_team.pk}/")
        .content.decode()
    )
    assert 'id="roster"' in own
    assert f'data-testid="approve-{cast.requests["own"].pk}"' in own
    assert "设为队长" not in own  # staff only


def test_nobody_outside_the_station_opens_its_team_page(corps, world):
    response = signed_in(world.outsider).get(f"/volunteers/teams/{corps.party_team.pk}/")
    assert response.status_code == 404


def test_a_leader_cannot_remove_themselves(corps, world):
    leader_row = TeamMembership.objects.get(team=corps.party_team, volunteer=corps.leader)
    client = signed_in(world.user(Role.TEAM_LEADER))
    response = client.post(
        f"/volunteers/teams/{corps.party_team.pk}/members/{leader_row.pk}/remove/",
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "请先由工作人员撤销其队长职务" in response.content.decode()
    assert status_of(leader_row) == "active"


def test_supervisors_read_the_roster_but_do_not_manage_it(corps, cast, world):
    client = signed_in(world.user(Role.SUPERVISOR))
    html = client.get(f"/volunteers/teams/{corps.party_team.pk}/").content.decode()
    assert "黄文静" in html
    assert "移出" not in html
    membership = cast.members["own"]
    response = client.post(
        f"/volunteers/teams/{corps.party_team.pk}/members/{membership.pk}/remove/"
    )
    assert response.status_code == 404


# --- joining ----------------------------------------------------------------------------------------


def test_a_volunteer_asks_to_join_and_the_leader_approves(corps, cast, world):
    chen = signed_in(cast.chen.user)
    page = chen.get(f"/volunteers/teams/{corps.party_team.pk}/").content.decode()
    assert 'data-testid="join-team"' in page
    assert "申请加入" in page

    response = chen.post(f"/volunteers/teams/{corps.party_team.pk}/join/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "等待队长审核" in response.content.decode()
    request = TeamMembership.objects.get(team=corps.party_team, volunteer=cast.chen)
    assert request.status == "requested"

    leader = signed_in(world.user(Role.TEAM_LEADER))
    roster = leader.get(f"/volunteers/teams/{corps.party_team.pk}/").content.decode()
    assert f'data-testid="approve-{request.pk}"' in roster
    decided = leader.post(
        f"/volunteers/teams/{corps.party_team.pk}/members/{request.pk}/decide/",
        {"decision": "approve"},
        HTTP_HX_REQUEST="true",
    )
    assert "已同意 陈明 入队" in decided.content.decode()
    request.refresh_from_db()
    assert request.status == "active"
    assert request.decided_by == world.user(Role.TEAM_LEADER)
    assert "您是本队队员" in chen.get(f"/volunteers/teams/{corps.party_team.pk}/").content.decode()
    actions = list(
        AuditLog.objects.filter(target_id=str(request.pk), action__startswith="team.member")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["team.member_request", "team.member_approve"]


def test_a_second_request_is_refused_while_one_is_open(corps, cast):
    with pytest.raises(DomainError) as refused:
        team_actions.membership_request(team=corps.party_team, volunteer=cast.liu, actor=None)
    assert refused.value.code == "request_open"
    assert refused.value.status == 409
    assert TeamMembership.objects.filter(team=corps.party_team, volunteer=cast.liu).count() == 1


def test_a_second_request_through_the_page_is_refused_with_a_message(corps, cast):
    client = signed_in(cast.chen.user)
    client.post(f"/volunteers/teams/{corps.party_team.pk}/join/")
    response = client.post(f"/volunteers/teams/{corps.party_team.pk}/join/", follow=True)
    assert "已申请加入该队，正在等待队长审核" in response.content.decode()
    assert TeamMembership.objects.filter(team=corps.party_team, volunteer=cast.chen).count() == 1


def test_a_member_asking_again_is_told_they_are_a_member(corps):
    with pytest.raises(DomainError) as refused:
        team_actions.membership_request(
            team=corps.party_team, volunteer=corps.volunteer, actor=None
        )
    assert refused.value.code == "already_member"


def test_suspended_volunteers_cannot_join_or_be_added(corps, cast, world):
    staff = world.user(Role.STATION_STAFF)
    volunteer_suspend(volunteer=cast.chen, reason="长期未参加活动", actor=staff)
    with pytest.raises(DomainError) as refused:
        team_actions.membership_request(team=corps.party_team, volunteer=cast.chen, actor=None)
    assert refused.value.code == "volunteer_not_active"
    with pytest.raises(DomainError):
        team_actions.member_add(team=corps.party_team, volunteer=cast.chen, actor=staff)
    # Suspension takes the volunteer role away: the station's teams are out of their reach.
    response = signed_in(cast.chen.user).post(f"/volunteers/teams/{corps.party_team.pk}/join/")
    assert response.status_code == 404
    assert not TeamMembership.objects.filter(volunteer=cast.chen).exists()


def test_pending_volunteers_cannot_join(corps):
    with pytest.raises(DomainError) as refused:
        team_actions.membership_request(
            team=corps.party_team, volunteer=corps.applicant, actor=None
        )
    assert refused.value.code == "volunteer_not_active"


def test_a_volunteer_cannot_join_another_stations_team(corps, cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        team_actions.membership_request(team=corps.outsider_team, volunteer=cast.chen, actor=None)


def test_a_declined_volunteer_may_ask_again_and_a_removed_one_too(corps, cast):
    request = cast.requests["own"]
    team_actions.membership_decide(membership=request, approve=False, actor=None)
    again = team_actions.membership_request(team=corps.party_team, volunteer=cast.liu, actor=None)
    assert again.pk == request.pk  # one row per team and volunteer
    assert again.status == "requested"
    team_actions.membership_decide(membership=again, approve=True, actor=None)
    team_actions.member_remove(membership=again, actor=None)
    assert status_of(again) == "removed"
    back = team_actions.member_add(team=corps.party_team, volunteer=cast.liu, actor=None)
    assert back.status == "active"


def test_deciding_a_request_twice_is_a_conflict(corps, cast):
    request = cast.requests["own"]
    team_actions.membership_decide(membership=request, approve=True, actor=None)
    with pytest.raises(DomainError) as refused:
        team_actions.membership_decide(membership=request, approve=False, actor=None)
    assert refused.value.status == 409


def test_the_join_page_names_the_training_a_volunteer_lacks(corps, cast):
    html = signed_in(cast.chen.user).get(f"/volunteers/teams/{corps.law_team.pk}/").content.decode()
    assert 'data-testid="missing-courses"' in html
    assert "法律援助基础" in html
    assert 'data-testid="join-team"' in html  # asking is allowed; work waits for the training
    party = signed_in(cast.chen.user).get(f"/volunteers/teams/{corps.party_team.pk}/")
    assert 'data-testid="missing-courses"' not in party.content.decode()


# --- sub-groups -------------------------------------------------------------------------------------


def test_staff_create_a_team_and_its_sub_groups(corps, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.post(
        "/volunteers/teams/new/",
        {"name": "文体志愿服务队", "description": "舞龙、腰鼓、民歌", "categories": ["culture"]},
    )
    culture = Team.objects.get(name="文体志愿服务队")
    assert response.status_code == 302
    assert response["Location"] == f"/volunteers/teams/{culture.pk}/"
    for name in ["舞龙队", "腰鼓队", "民歌合唱队"]:
        created = client.post("/volunteers/teams/new/", {"name": name, "parent": culture.pk})
        assert created.status_code == 302, created.content.decode()
    assert sorted(culture.subgroups.values_list("name", flat=True)) == [
        "民歌合唱队",
        "腰鼓队",
        "舞龙队",
    ]
    assert AuditLog.objects.filter(action="team.create").count() == 4

    listing = client.get("/volunteers/teams/").content.decode()
    assert 'class="subgroups"' in listing
    assert listing.index("文体志愿服务队") < listing.index("舞龙队")
    page = client.get(f"/volunteers/teams/{culture.pk}/").content.decode()
    assert "腰鼓队" in page

    dragon = Team.objects.get(name="舞龙队")
    nested = client.post("/volunteers/teams/new/", {"name": "小龙队", "parent": dragon.pk})
    assert nested.status_code == 200  # dragon is not offered as a parent: a form error
    assert not Team.objects.filter(name="小龙队").exists()


def test_a_sub_group_hangs_under_a_top_level_team_of_the_same_station(corps, world):
    from django.core.exceptions import ValidationError

    culture = team_actions.team_create(station=world.jiaojia, name="文体志愿服务队", actor=None)
    dragon = team_actions.team_create(
        station=world.jiaojia, name="舞龙队", parent=culture, actor=None
    )
    with pytest.raises(ValidationError) as nested:
        team_actions.team_create(station=world.jiaojia, name="小龙队", parent=dragon, actor=None)
    assert "parent" in nested.value.message_dict
    with pytest.raises(ValidationError) as elsewhere:
        team_actions.team_create(station=world.huangchi, name="舞狮队", parent=culture, actor=None)
    assert "parent" in elsewhere.value.message_dict
    with pytest.raises(ValidationError) as with_children:
        team_actions.team_update(team=culture, changes={"parent": corps.party_team}, actor=None)
    assert "parent" in with_children.value.message_dict
    with pytest.raises(ValidationError) as same_name:
        team_actions.team_create(station=world.jiaojia, name="党员志愿服务队", actor=None)
    assert "name" in same_name.value.message_dict


@pytest.mark.parametrize("role", [Role.TEAM_LEADER, Role.VOLUNTEER, Role.SUPERVISOR])
def test_only_staff_create_teams(corps, world, role):
    response = signed_in(world.user(role)).post("/volunteers/teams/new/", {"name": "新队"})
    assert response.status_code == 403
    assert not Team.objects.filter(name="新队").exists()


def test_staff_edit_a_team_and_the_change_is_audited(corps, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.post(
        f"/volunteers/teams/{corps.party_team.pk}/edit/",
        {"name": "党员志愿服务队", "description": "先锋模范", "categories": ["civility"]},
    )
    assert response.status_code == 302
    corps.party_team.refresh_from_db()
    assert corps.party_team.description == "先锋模范"
    assert list(corps.party_team.categories.values_list("category", flat=True)) == ["civility"]
    assert AuditLog.objects.filter(action="team.update").exists()
    leader = signed_in(world.user(Role.TEAM_LEADER))
    assert leader.get(f"/volunteers/teams/{corps.party_team.pk}/edit/").status_code == 404


# --- the training rule on the team page -------------------------------------------------------------


def test_staff_set_a_teams_training_rule(corps, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    added = client.post(
        f"/volunteers/teams/{corps.party_team.pk}/courses/",
        {"course": corps.law_course.pk},
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 200
    assert "法律援助基础" in added.content.decode()
    assert list(corps.party_team.required_courses.all()) == [corps.law_course]
    removed = client.post(
        f"/volunteers/teams/{corps.party_team.pk}/courses/{corps.law_course.pk}/remove/"
    )
    assert removed.status_code == 302
    assert not corps.party_team.required_courses.exists()
    assert AuditLog.objects.filter(action="team.require_course").exists()
    assert AuditLog.objects.filter(action="team.unrequire_course").exists()


def test_a_leader_cannot_change_the_training_rule(corps, world):
    client = signed_in(world.user(Role.TEAM_LEADER))
    response = client.post(
        f"/volunteers/teams/{corps.party_team.pk}/courses/", {"course": corps.law_course.pk}
    )
    assert response.status_code == 404
    assert not corps.party_team.required_courses.exists()


# --- leaders ----------------------------------------------------------------------------------------


def leader_roles(user: Any, station: Any) -> int:
    return RoleAssignment.objects.filter(user=user, role=Role.TEAM_LEADER, station=station).count()


def test_staff_set_a_leader_who_gets_the_role_and_the_old_leader_loses_it(corps, world):
    staff = signed_in(world.user(Role.STATION_STAFF))
    member = TeamMembership.objects.get(team=corps.party_team, volunteer=corps.volunteer)
    response = staff.post(
        f"/volunteers/teams/{corps.party_team.pk}/members/{member.pk}/leader/",
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "已任命 黄文静 为队长" in response.content.decode()
    member.refresh_from_db()
    assert member.role == "leader"
    old = TeamMembership.objects.get(team=corps.party_team, volunteer=corps.leader)
    assert (old.role, old.status) == ("member", "active")
    assert leader_roles(world.user(Role.VOLUNTEER), world.jiaojia) == 1
    assert leader_roles(world.user(Role.TEAM_LEADER), world.jiaojia) == 0
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"team.leader_set", "team.leader_unset", "role.grant", "role.revoke"} <= actions
    granted = AuditLog.objects.filter(
        action="role.grant", target_id=str(world.user(Role.VOLUNTEER).pk)
    ).latest("pk")
    assert granted.actor == world.user(Role.STATION_STAFF)
    assert granted.after == {"role": "team_leader", "station": "JIAOJIA"}

    # The new leader now runs the roster; the old one no longer does.
    new_leader = signed_in(world.user(Role.VOLUNTEER))
    assert (
        'id="roster"'
        in new_leader.get(f"/volunteers/teams/{corps.party_team.pk}/").content.decode()
    )
    old_leader = signed_in(world.user(Role.TEAM_LEADER))
    response = old_leader.post(
        f"/volunteers/teams/{corps.party_team.pk}/members/{member.pk}/remove/"
    )
    assert response.status_code == 404


def test_unsetting_a_leader_revokes_the_role_only_when_they_lead_no_other_team(corps, world):
    leader_user = world.user(Role.TEAM_LEADER)
    staff = world.user(Role.STATION_STAFF)
    team_actions.member_add(team=corps.law_team, volunteer=corps.leader, actor=staff)
    team_actions.leader_set(team=corps.law_team, volunteer=corps.leader, actor=staff)
    assert leader_roles(leader_user, world.jiaojia) == 1  # held already: not granted twice

    client = signed_in(staff)
    client.post(f"/volunteers/teams/{corps.party_team.pk}/leader/unset/")
    assert leader_roles(leader_user, world.jiaojia) == 1  # still leads the law team
    assert TeamMembership.objects.get(team=corps.party_team, volunteer=corps.leader).role == (
        "member"
    )
    client.post(f"/volunteers/teams/{corps.law_team.pk}/leader/unset/")
    assert leader_roles(leader_user, world.jiaojia) == 0
    assert AuditLog.objects.filter(action="role.revoke", actor=staff).count() == 1


def test_only_staff_set_leaders(corps, world):
    member = TeamMembership.objects.get(team=corps.party_team, volunteer=corps.volunteer)
    leader = signed_in(world.user(Role.TEAM_LEADER))
    response = leader.post(f"/volunteers/teams/{corps.party_team.pk}/members/{member.pk}/leader/")
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.role == "member"
    outsider = signed_in(world.outsider)
    response = outsider.post(f"/volunteers/teams/{corps.party_team.pk}/leader/unset/")
    assert response.status_code == 404


def test_a_leader_must_be_an_active_member(corps, cast):
    with pytest.raises(DomainError) as refused:
        team_actions.leader_set(team=corps.party_team, volunteer=cast.chen, actor=None)
    assert refused.value.code == "not_member"
    with pytest.raises(DomainError) as no_leader:
        team_actions.leader_unset(team=corps.law_team, actor=None)
    assert no_leader.value.code == "no_leader"


# --- API --------------------------------------------------------------------------------------------


def api(user: Any) -> dict[str, Any]:
    return bearer(api_token(user))


def test_api_lists_teams_in_reach_with_their_details(corps, world):
    response = Client().get("/api/v1/teams", **api(world.user(Role.VOLUNTEER)))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_name = {team["name"]: team for team in body["items"]}
    party = by_name["党员志愿服务队"]
    assert party["leader"]["name"] == "张志强"
    assert party["member_count"] == 2
    assert party["parent"] is None
    assert party["station"] == "JIAOJIA"
    assert party["created_at"].endswith("+08:00")
    law = by_name["法律援助志愿服务队"]
    assert law["required_courses"] == [
        {"id": corps.law_course.pk, "name": "法律援助基础", "hours": 4.0}
    ]
    assert law["leader"] is None
    outsider = Client().get("/api/v1/teams", **api(world.outsider)).json()
    assert [team["name"] for team in outsider["items"]] == ["黄池志愿服务队"]


def test_api_team_list_query_count_does_not_grow_with_teams(corps, world):
    client = Client()
    headers = api(world.user(Role.STATION_STAFF))
    add_teams(world, corps, 1, 0)
    client.get("/api/v1/teams", **headers)  # the token's first use is recorded once a minute
    few = count_queries(client, "/api/v1/teams", **headers)
    add_teams(world, corps, 4, 1)
    assert count_queries(client, "/api/v1/teams", **headers) == few
    assert client.get("/api/v1/teams?limit=3", **headers).json()["count"] == 12


def test_api_one_team_and_404_outside_reach(corps, world):
    client = Client()
    response = client.get(f"/api/v1/teams/{corps.party_team.pk}", **api(world.user(Role.VOLUNTEER)))
    assert response.status_code == 200
    assert response.json()["name"] == "党员志愿服务队"
    hidden = client.get(f"/api/v1/teams/{corps.party_team.pk}", **api(world.outsider))
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "not_found"


def test_api_staff_create_a_sub_group(corps, world):
    client = Client()
    headers = api(world.user(Role.STATION_STAFF))
    created = client.post(
        "/api/v1/teams",
        {"name": "文体志愿服务队", "categories": ["culture"]},
        content_type="application/json",
        **headers,
    )
    assert created.status_code == 201, created.content
    parent = created.json()
    assert parent["categories"] == ["culture"]
    sub = client.post(
        "/api/v1/teams",
        {"name": "腰鼓队", "parent": parent["id"]},
        content_type="application/json",
        **headers,
    )
    assert sub.status_code == 201
    assert sub.json()["parent"] == parent["id"]
    bad = client.post(
        "/api/v1/teams",
        {"name": "小腰鼓队", "parent": sub.json()["id"]},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["loc"] == ["parent"]
    duplicate = client.post(
        "/api/v1/teams", {"name": "腰鼓队"}, content_type="application/json", **headers
    )
    assert duplicate.status_code == 422


@pytest.mark.parametrize("role", [Role.TEAM_LEADER, Role.VOLUNTEER, Role.SUPERVISOR])
def test_api_only_staff_create_teams(corps, world, role):
    response = Client().post(
        "/api/v1/teams", {"name": "新队"}, content_type="application/json", **api(world.user(role))
    )
    assert response.status_code == 403
    assert not Team.objects.filter(name="新队").exists()


@pytest.mark.parametrize(
    ("key", "expected"), [("own", 201), ("same_station", 404), ("outsider", 404)]
)
def test_api_a_leader_adds_members_to_their_own_team_only(corps, cast, world, key, expected):
    team = team_of(corps, key)
    candidate = cast.sun if key == "outsider" else cast.chen
    response = Client().post(
        f"/api/v1/teams/{team.pk}/members",
        {"volunteer": candidate.pk},
        content_type="application/json",
        **api(world.user(Role.TEAM_LEADER)),
    )
    assert response.status_code == expected
    if expected == 201:
        body = response.json()
        assert (body["volunteer"], body["status"], body["role"]) == (
            candidate.pk,
            "active",
            "member",
        )
        assert body["name"] == "陈明"


def test_api_adding_a_member_again_is_a_conflict(corps, world):
    response = Client().post(
        f"/api/v1/teams/{corps.party_team.pk}/members",
        {"volunteer": corps.volunteer.pk},
        content_type="application/json",
        **api(world.user(Role.STATION_STAFF)),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_member"


def test_api_adding_a_suspended_or_foreign_volunteer_is_refused(corps, cast, world):
    staff = world.user(Role.STATION_STAFF)
    headers = api(staff)
    volunteer_suspend(volunteer=cast.chen, reason="外出务工", actor=staff)
    suspended = Client().post(
        f"/api/v1/teams/{corps.party_team.pk}/members",
        {"volunteer": cast.chen.pk},
        content_type="application/json",
        **headers,
    )
    assert suspended.status_code == 409
    assert suspended.json()["error"]["code"] == "volunteer_not_active"
    foreign = Client().post(
        f"/api/v1/teams/{corps.party_team.pk}/members",
        {"volunteer": cast.sun.pk},
        content_type="application/json",
        **headers,
    )
    assert foreign.status_code == 422


def test_the_openapi_document_still_validates_with_the_teams_api(db):
    document = Client().get("/api/v1/openapi.json").json()
    validate(document)
    paths = document["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/teams"])
    assert "get" in paths["/api/v1/teams/{team_id}"]
    assert "post" in paths["/api/v1/teams/{team_id}/members"]
