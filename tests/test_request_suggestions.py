"""派单建议: who the station is told to send, in what order, and why (issue #6, item 3).

Each story sets up volunteers who differ in one thing and checks that the thing moves them; the
crowd from the fixtures (the party team's leader and member) stays in the list around them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.assistance.actions import (
    request_accept,
    request_complete,
    request_dispatch,
    request_rate,
    request_start,
)
from linli.assistance.suggestions import Suggestion, suggest_volunteers
from linli.people.actions import AddressInput, resident_update
from linli.teams.models import TeamMembership
from linli.volunteers.actions.registration import volunteer_profile_update, volunteer_suspend
from linli.volunteers.actions.training import attendance_record, session_create
from linli.volunteers.models import AVAILABILITY_BITS, Volunteer
from tests.conftest import make_volunteer, submit_request

SATURDAY_MORNING = datetime(2026, 6, 6, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # 周六上午
MONDAY = AVAILABILITY_BITS["mon-am"] | AVAILABILITY_BITS["mon-pm"] | AVAILABILITY_BITS["mon-ev"]
CJK = re.compile(r"[\u4e00-\u9fff]")
GIVEN = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土日月星山川"


def recruit(
    world: Any,
    sequence: int,
    *,
    skills: str = "",
    availability: int = MONDAY,
    categories: tuple[str, ...] = ("community",),
    address: AddressInput | None = None,
) -> Volunteer:
    """An active volunteer of JIAOJIA; `sequence` (20–99) keeps their name, ID and phone apart."""
    volunteer = make_volunteer(
        world.jiaojia,
        None,
        "志愿" + GIVEN[sequence % len(GIVEN)] + GIVEN[sequence // len(GIVEN)],
        date(1990, 1, 1) + timedelta(days=sequence),
        sequence,
        phone=f"1391234{sequence:04d}",
    )
    volunteer = volunteer_profile_update(
        volunteer=volunteer,
        changes={"skills": skills, "availability": availability, "categories": categories},
        actor=None,
    )
    if address is not None:
        resident_update(resident=volunteer.person, changes={"address": address}, actor=None)
    return volunteer


def hand_over(world: Any, volunteer: Volunteer, **fields: Any) -> Any:
    """A request of JIAOJIA dispatched to `volunteer` and accepted by them."""
    service_request = submit_request(world.jiaojia, requester_name="李阿姨", **fields)
    request_dispatch(service_request=service_request, actor=None, volunteer=volunteer)
    return request_accept(service_request=service_request, actor=None)


def served(world: Any, volunteer: Volunteer, score: int) -> None:
    """A request `volunteer` served and the resident rated `score`."""
    service_request = hand_over(world, volunteer)
    request_start(service_request=service_request, actor=None)
    request_complete(service_request=service_request, actor=None, hours=Decimal(1), note="已修好")
    request_rate(service_request=service_request, actor=None, score=score)


def position(suggestions: list[Suggestion], volunteer: Volunteer) -> int:
    return [suggestion.volunteer_id for suggestion in suggestions].index(volunteer.pk)


def about(suggestions: list[Suggestion], volunteer: Volunteer) -> Suggestion:
    return suggestions[position(suggestions, volunteer)]


def ids(suggestions: list[Suggestion]) -> list[int]:
    return [suggestion.volunteer_id for suggestion in suggestions]


def test_a_neighbour_with_the_skill_comes_before_someone_from_the_estate(world, registry, menu):
    estate_only = recruit(world, 20, address=AddressInput("金桥花园", "1", "1", "101"))
    neighbour = recruit(
        world, 21, skills="水电 木工", address=AddressInput("金桥花园", "3", "1", "301")
    )
    elsewhere = recruit(world, 22, address=AddressInput("焦家小区", "8", "2", "201"))
    # 王秀梅 lives at 金桥花园3栋: the request takes her address.
    service_request = submit_request(
        world.jiaojia, item_id=menu.repair.pk, resident_id=registry.wang.pk
    )

    suggestions = suggest_volunteers(service_request)

    assert position(suggestions, neighbour) < position(suggestions, estate_only)
    assert position(suggestions, estate_only) < position(suggestions, elsewhere)
    first = about(suggestions, neighbour)
    assert (first.distance, first.skill, first.category_match) == ("building", "水电", True)
    assert first.reasons[:3] == ["技能匹配：水电", "服务类别相符", "同楼栋"]
    assert "同小区" in about(suggestions, estate_only).reasons
    assert about(suggestions, elsewhere).distance == "station"
    assert all(0 <= suggestion.score <= 100 for suggestion in suggestions)
    scores = [suggestion.score for suggestion in suggestions]
    assert scores == sorted(scores, reverse=True)


def test_a_volunteer_with_many_open_requests_drops(world, registry, menu):
    busy = recruit(world, 23)
    free = recruit(world, 24)  # the same in every way but the load, and a higher id
    for _ in range(3):
        hand_over(world, busy)
    service_request = submit_request(world.jiaojia, item_id=menu.errands.pk)

    suggestions = suggest_volunteers(service_request)

    assert position(suggestions, free) < position(suggestions, busy)
    assert about(suggestions, busy).open_load == 3
    assert "手上有3张单" in about(suggestions, busy).reasons
    assert about(suggestions, free).open_load == 0
    assert "当前无进行中的单" in about(suggestions, free).reasons


def test_poor_past_ratings_drop_a_volunteer(world, registry, menu):
    disliked = recruit(world, 25)
    unknown = recruit(world, 26)
    liked = recruit(world, 27)
    for _ in range(3):
        served(world, disliked, 1)
        served(world, liked, 5)
    service_request = submit_request(world.jiaojia, item_id=menu.errands.pk)

    suggestions = suggest_volunteers(service_request)

    assert position(suggestions, liked) < position(suggestions, unknown)
    assert position(suggestions, unknown) < position(suggestions, disliked)
    low = about(suggestions, disliked)
    assert (low.average_rating, low.rating_count) == (1.0, 3)
    assert "平均评价1.0（3次）" in low.reasons
    assert about(suggestions, unknown).average_rating is None
    assert not any("平均评价" in reason for reason in about(suggestions, unknown).reasons)


def test_being_free_at_the_preferred_time_counts(world, registry, menu):
    weekdays_only = recruit(world, 28)
    saturdays = recruit(world, 29, availability=AVAILABILITY_BITS["sat-am"])

    timed = submit_request(world.jiaojia, item_id=menu.errands.pk, preferred_at=SATURDAY_MORNING)
    suggestions = suggest_volunteers(timed)
    assert position(suggestions, saturdays) < position(suggestions, weekdays_only)
    assert about(suggestions, saturdays).available is True
    assert "周六上午有空" in about(suggestions, saturdays).reasons
    assert about(suggestions, weekdays_only).available is False

    # Without a preferred time nobody gains: the twins tie and the lower id goes first.
    untimed = suggest_volunteers(submit_request(world.jiaojia, item_id=menu.errands.pk))
    assert position(untimed, weekdays_only) < position(untimed, saturdays)
    assert about(untimed, saturdays).score == about(untimed, weekdays_only).score
    assert about(untimed, saturdays).available is None


def test_legal_advice_suggests_only_volunteers_who_took_the_course(world, registry, corps, menu):
    untrained = recruit(world, 30, skills="法律", categories=("legal",))
    trained = recruit(world, 31, categories=("community",))
    session = session_create(course=corps.law_course, held_on=date(2025, 3, 1), actor=None)
    attendance_record(session=session, present=[trained], actor=None)
    service_request = submit_request(
        world.jiaojia, category="legal", item_id=menu.legal_advice.pk, description="欠薪纠纷"
    )

    suggestions = suggest_volunteers(service_request)

    assert untrained.pk not in ids(suggestions)
    assert ids(suggestions) == [trained.pk]
    assert suggestions[0].trained == "法律援助基础"
    assert suggestions[0].reasons[-1] == "已完成培训：法律援助基础"


def test_other_stations_inactive_volunteers_and_the_holder_never_appear(
    world, registry, corps, menu
):
    suspended = recruit(world, 32, skills="水电")
    volunteer_suspend(volunteer=suspended, reason="外出务工", actor=None)
    holder = recruit(world, 33, skills="水电")
    service_request = hand_over(world, holder, item_id=menu.repair.pk)

    suggestions = suggest_volunteers(service_request, limit=100)

    active_here = set(
        Volunteer.objects.filter(station=world.jiaojia, status=Volunteer.Status.ACTIVE)
        .exclude(pk=holder.pk)
        .values_list("pk", flat=True)
    )
    assert set(ids(suggestions)) == active_here
    for absent in (corps.outsider, corps.applicant, suspended, holder):
        assert absent.pk not in ids(suggestions)


def test_members_of_the_serving_or_dispatch_team_are_named(world, registry, corps, menu):
    lawyer = recruit(world, 34)
    TeamMembership.objects.create(team=corps.law_team, volunteer=lawyer, status="active")
    service_request = submit_request(world.jiaojia, item_id=menu.errands.pk)

    suggestions = suggest_volunteers(service_request)
    # The party team serves 社区服务: its leader and member are named; the law team is not.
    assert "党员志愿服务队队长" in about(suggestions, corps.leader).reasons
    assert about(suggestions, corps.volunteer).team == "党员志愿服务队"
    assert about(suggestions, lawyer).team == ""

    request_dispatch(service_request=service_request, actor=None, team=corps.law_team)
    service_request.refresh_from_db()
    assert "法律援助志愿服务队队员" in about(suggest_volunteers(service_request), lawyer).reasons


def test_reasons_are_chinese_and_the_order_is_the_same_every_time(world, registry, corps, menu):
    for sequence in range(35, 41):
        recruit(world, sequence, skills="维修" if sequence % 2 else "")
    service_request = submit_request(
        world.jiaojia,
        item_id=menu.repair.pk,
        resident_id=registry.wang.pk,
        preferred_at=SATURDAY_MORNING,
    )

    first = suggest_volunteers(service_request, limit=5)
    assert len(first) == 5
    assert first == suggest_volunteers(service_request, limit=5)
    for suggestion in first:
        assert suggestion.name and suggestion.number.startswith("JIAOJIA")
        assert suggestion.reasons
        assert all(CJK.search(reason) for reason in suggestion.reasons)
    # Equal scores go to the lower volunteer id.
    for before, after in zip(first, first[1:], strict=False):
        assert (before.score, -before.volunteer_id) >= (after.score, -after.volunteer_id)
    assert suggest_volunteers(service_request, limit=0) == []


@pytest.mark.parametrize("preferred_at", [None, SATURDAY_MORNING])
def test_the_query_count_does_not_grow_with_the_volunteers(
    world, registry, corps, menu, preferred_at, django_assert_num_queries
):
    def crowd(first: int, last: int) -> None:
        for sequence in range(first, last):
            volunteer = recruit(
                world,
                sequence,
                skills="水电" if sequence % 3 else "",
                categories=("community", "legal") if sequence % 2 else ("family",),
                address=AddressInput("金桥花园", str(1 + sequence % 3), "1", f"{sequence}1"),
            )
            if sequence % 4 == 0:
                TeamMembership.objects.create(
                    team=corps.party_team, volunteer=volunteer, status="active"
                )

    crowd(41, 44)
    served(world, corps.volunteer, 4)
    service_request = submit_request(
        world.jiaojia,
        item_id=menu.repair.pk,
        resident_id=registry.wang.pk,
        preferred_at=preferred_at,
    )
    with CaptureQueriesContext(connection) as few:
        assert len(suggest_volunteers(service_request)) == 5  # 3 + the leader and the member
    crowd(44, 71)
    with django_assert_num_queries(len(few)):
        assert len(suggest_volunteers(service_request)) == 10
