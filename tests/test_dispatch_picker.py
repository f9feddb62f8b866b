"""Dispatching to one volunteer: exact skills before related ones, the skills an urgent safety
request needs first, nobody already dispatched offered again, and the search-as-you-type picker
(name, pinyin, number) with teams, skills and load, for those who may dispatch only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.accounts.models import Role
from linli.assistance.actions import request_dispatch
from linli.assistance.suggestions import PICKER_LIMIT, safety_words, suggest_volunteers
from linli.teams.models import TeamMembership
from tests.conftest import signed_in, submit_request
from tests.test_request_suggestions import hand_over, ids, position, recruit

pytestmark = pytest.mark.django_db


def test_an_exact_skill_ranks_above_a_related_one(world, menu):
    related = recruit(world, 21, skills="家电维修")  # contains 维修
    exact = recruit(world, 22, skills="开锁 维修")  # 维修 is one of their skills
    service_request = submit_request(world.jiaojia, item_id=menu.repair.pk)
    suggestions = suggest_volunteers(service_request, limit=20)
    assert position(suggestions, exact) < position(suggestions, related)
    exact_row = suggestions[position(suggestions, exact)]
    related_row = suggestions[position(suggestions, related)]
    assert exact_row.skill_exact and not related_row.skill_exact
    assert exact_row.score - related_row.score == pytest.approx(13.0, abs=0.11)
    assert "技能匹配：维修" in exact_row.reasons
    assert "相关技能：维修" in related_row.reasons


@pytest.mark.parametrize(
    ("description", "urgency", "fits", "other"),
    [
        ("家里全停电了，老人一个人在家", "urgent", "电工", "急救"),
        ("我妈在卫生间摔倒了起不来", "urgent", "急救", "电工"),
    ],
)
def test_an_urgent_safety_request_prefers_the_skills_that_fit(
    world, menu, description, urgency, fits, other
):
    fitting = recruit(world, 23, skills=fits)
    unfitting = recruit(world, 24, skills=other)
    service_request = submit_request(
        world.jiaojia, description=description, urgency=urgency, category="community"
    )
    assert fits in safety_words(service_request)
    suggestions = suggest_volunteers(service_request, limit=20)
    assert ids(suggestions)[0] == fitting.pk
    assert position(suggestions, fitting) < position(suggestions, unfitting)
    assert f"紧急求助所需技能：{fits}" in suggestions[0].reasons


def test_a_calm_request_about_the_same_words_asks_nothing_more(world, menu):
    service_request = submit_request(world.jiaojia, description="楼道停电了，不着急")
    assert safety_words(service_request) == []


def test_the_volunteer_it_is_dispatched_to_is_not_offered_again(world, menu):
    first = recruit(world, 25, skills="水电")
    service_request = submit_request(world.jiaojia, item_id=menu.repair.pk)
    assert first.pk in ids(suggest_volunteers(service_request, limit=50))
    request_dispatch(service_request=service_request, actor=None, volunteer=first)
    service_request.refresh_from_db()
    assert first.pk not in ids(suggest_volunteers(service_request, limit=50))
    assert first.pk not in ids(suggest_volunteers(service_request, limit=50, search="志愿"))


def picker(client: Any, service_request: Any, q: str) -> Any:
    return client.get(f"/requests/{service_request.pk}/volunteers/", {"q": q})


def test_the_picker_finds_by_name_pinyin_and_number_with_teams_skills_and_load(world, menu, corps):
    from linli.core.pinyin import pinyin_keys

    volunteer = corps.volunteer  # 黄文静, a member of the party team
    hand_over(world, volunteer)  # one request in hand
    service_request = submit_request(world.jiaojia, item_id=menu.repair.pk)
    client = signed_in(world.user(Role.STATION_STAFF))
    full, initials = pinyin_keys("黄文静")
    for q in ("文静", initials, full[:6], volunteer.number[-4:]):
        html = picker(client, service_request, q).content.decode()
        assert f'data-testid="picked-{volunteer.pk}"' in html, q
    html = picker(client, service_request, "黄文静").content.decode()
    assert "党员志愿服务队" in html
    assert "手上 1 张单" in html
    assert f'data-testid="pick-{volunteer.pk}"' in html
    assert "<html" not in html
    nobody = picker(client, service_request, "没有这个人").content.decode()
    assert 'data-testid="picker-none"' in nobody


def test_the_picker_is_bounded_and_reads_in_fixed_queries(world, menu, corps):
    service_request = submit_request(world.jiaojia, item_id=menu.repair.pk)
    client = signed_in(world.user(Role.STATION_STAFF))
    recruit(world, 26, skills="水电")
    with CaptureQueriesContext(connection) as few:
        picker(client, service_request, "志愿")
    for sequence in range(30, 30 + PICKER_LIMIT + 3):
        member = recruit(world, sequence, skills="维修")
        TeamMembership.objects.create(
            team=corps.party_team, volunteer=member, role="member", status="active"
        )
    with CaptureQueriesContext(connection) as many:
        html = picker(client, service_request, "志愿").content.decode()
    assert len(re.findall(r'data-testid="picked-\d+"', html)) == PICKER_LIMIT
    assert len(many) == len(few)
    assert picker(client, service_request, "x" * 51).status_code == 200
    assert "picked-" not in picker(client, service_request, "x" * 51).content.decode()
    assert picker(client, service_request, "a\x00b").status_code == 400  # NUL: refused first


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.RESIDENT, Role.TEAM_LEADER])
def test_only_those_who_dispatch_may_search(world, menu, corps, role):
    service_request = submit_request(world.jiaojia, item_id=menu.repair.pk)
    response = picker(signed_in(world.user(role)), service_request, "黄")
    assert response.status_code in (403, 404)


def test_another_stations_staff_get_404(world, menu):
    service_request = submit_request(world.jiaojia, item_id=menu.repair.pk)
    assert picker(signed_in(world.outsider), service_request, "黄").status_code == 404


def test_the_api_takes_the_same_search(world, menu, corps):
    from tests.conftest import api_token, bearer

    service_request = submit_request(world.jiaojia, item_id=menu.repair.pk)
    headers = bearer(api_token(world.user(Role.STATION_STAFF)))
    response = signed_in(world.user(Role.STATION_STAFF)).get(
        f"/api/v1/service-requests/{service_request.pk}/suggestions",
        {"q": "黄文静"},
        **headers,
    )
    assert response.status_code == 200, response.content
    assert [item["name"] for item in response.json()["items"]] == ["黄文静"]
