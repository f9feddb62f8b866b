"""The volunteer list: who sees whom, the filters, pinyin search, query counts; and the list and
detail endpoints of the API (masked, scoped, filtered the same way)."""

import re
from datetime import date, datetime
from typing import Any

import pytest

from linli.accounts.models import Role
from linli.core.idcard import make_id_number
from linli.teams.models import Team, TeamMembership
from linli.volunteers.actions.registration import volunteer_profile_update
from linli.volunteers.models import Volunteer, availability_bit, availability_codes
from linli.volunteers.queries import (
    VolunteerFilter,
    availability_mask,
    availability_text,
    filter_volunteers,
)
from tests.conftest import api_token, bearer, make_volunteer, signed_in

MONDAY_ALL_DAY = 0b111


NAME_LINK = re.compile(r'<a class="person-name" href="/volunteers/(\d+)/">([^<]+)</a>')


def names(response: Any) -> list[str]:
    """The names on a list page (or its htmx fragment), in order; each links to the volunteer."""
    return [name for _pk, name in NAME_LINK.findall(response.content.decode())]


def api_names(response: Any) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def profile(volunteer: Volunteer, **changes: Any) -> Volunteer:
    return volunteer_profile_update(volunteer=volunteer, changes=changes, actor=None)


@pytest.fixture
def staff_client(world: Any) -> Any:
    return signed_in(world.user(Role.STATION_STAFF))


@pytest.fixture
def barber(corps: Any, world: Any) -> Volunteer:
    """李秀英: an active JIAOJIA volunteer in no team, a barber free on Saturday mornings."""
    volunteer = make_volunteer(
        world.jiaojia, None, "李秀英", date(1962, 4, 4), 21, phone="13811110021"
    )
    return profile(
        volunteer,
        skills="理发、量血压",
        availability=availability_bit(5, 0),
        categories=["elderly_disabled", "health"],
        residence_area="金桥花园",
    )


# --- who sees whom -----------------------------------------------------------------------------


def test_staff_see_their_stations_active_volunteers_by_default(corps, barber, staff_client):
    response = staff_client.get("/volunteers/")
    assert response.status_code == 200
    assert names(response) == ["黄文静", "李秀英", "张志强"]  # by pinyin
    html = response.content.decode()
    assert "周晓燕" not in html  # pending
    assert "钱进" not in html  # another station
    assert corps.leader.number in html
    assert "党员志愿服务队 · 队长" in html
    assert "周六上午" in html and "理发" in html


def test_status_filter_shows_pending_or_everyone(corps, barber, staff_client):
    assert names(staff_client.get("/volunteers/?status=pending")) == ["周晓燕"]
    assert len(names(staff_client.get("/volunteers/?status=all"))) == 4
    # An unknown status falls back to the default, as the select then shows.
    response = staff_client.get("/volunteers/?status=bogus")
    assert names(response) == ["黄文静", "李秀英", "张志强"]
    assert '<option value="active" selected>' in response.content.decode()


def test_a_team_leader_sees_only_their_teams_members(corps, barber, world):
    client = signed_in(world.user(Role.TEAM_LEADER))
    response = client.get("/volunteers/")
    assert response.status_code == 200
    assert names(response) == ["黄文静", "张志强"]
    # The team select offers the team they lead; another team's filter finds none of theirs.
    assert "党员志愿服务队" in response.content.decode()
    other = Team.objects.create(station=world.jiaojia, name="文体志愿服务队")
    TeamMembership.objects.create(team=other, volunteer=barber, status="active")
    assert names(client.get(f"/volunteers/?team={other.pk}")) == []


def test_another_stations_staff_see_only_their_own(corps, world):
    client = signed_in(world.outsider)
    assert names(client.get("/volunteers/")) == ["钱进"]


def test_supervisors_read_their_subtree(corps, world):
    client = signed_in(world.user(Role.SUPERVISOR))
    assert names(client.get("/volunteers/")) == ["黄文静", "张志强"]
    assert names(signed_in(world.outside_supervisor).get("/volunteers/")) == ["钱进"]


def test_admin_sees_every_station(corps, world, client):
    assert names(signed_in(world.user(Role.ADMIN)).get("/volunteers/")) == [
        "黄文静",
        "钱进",
        "张志强",
    ]


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.RESIDENT, Role.CAREGIVER])
def test_roles_without_the_list_get_403(corps, world, role):
    assert signed_in(world.user(role)).get("/volunteers/").status_code == 403


def test_anonymous_visitors_are_sent_to_login(db, client):
    response = client.get("/volunteers/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- filters and search --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("黄文", ["黄文静"]),
        ("huangwenjing", ["黄文静"]),
        ("huang", ["黄文静"]),
        ("hwj", ["黄文静"]),
        ("HWJ", ["黄文静"]),
        ("zzq", ["张志强"]),
        ("lxy", ["李秀英"]),
        ("13811110021", ["李秀英"]),
        ("1110021", ["李秀英"]),
        ("nobody", []),
    ],
)
def test_search_by_name_pinyin_initials_and_phone(corps, barber, staff_client, query, expected):
    assert names(staff_client.get("/volunteers/", {"q": query})) == expected


def test_search_by_volunteer_number_and_id_number(corps, barber, staff_client):
    number = barber.number
    assert names(staff_client.get("/volunteers/", {"q": number})) == ["李秀英"]
    assert names(staff_client.get("/volunteers/", {"q": number.lower()})) == ["李秀英"]
    assert names(staff_client.get("/volunteers/", {"q": number[-3:]})) == ["李秀英"]
    prefix = number[:-5]  # JIAOJIA2026: every number of the station and year
    assert len(names(staff_client.get("/volunteers/", {"q": prefix}))) == 3
    id_number = make_id_number("340521", date(1962, 4, 4), 21, "M")
    assert names(staff_client.get("/volunteers/", {"q": id_number})) == ["李秀英"]


def test_filter_by_team_skill_and_category(corps, barber, staff_client):
    team = corps.party_team.pk
    assert names(staff_client.get("/volunteers/", {"team": team})) == ["黄文静", "张志强"]
    assert names(staff_client.get("/volunteers/", {"skill": "理发"})) == ["李秀英"]
    assert names(staff_client.get("/volunteers/", {"skill": "血压"})) == ["李秀英"]
    assert names(staff_client.get("/volunteers/", {"category": "health"})) == ["李秀英"]
    assert len(names(staff_client.get("/volunteers/", {"category": "community"}))) == 2
    assert names(staff_client.get("/volunteers/", {"category": "health", "team": team})) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"weekday": "mon"}, ["黄文静", "张志强"]),
        ({"weekday": "mon", "slot": "ev"}, ["黄文静", "张志强"]),
        ({"weekday": "sat"}, ["李秀英"]),
        ({"weekday": "sat", "slot": "am"}, ["李秀英"]),
        ({"weekday": "sat", "slot": "pm"}, []),
        ({"slot": "am"}, ["黄文静", "李秀英", "张志强"]),
        ({"weekday": "sun"}, []),
        ({"weekday": "someday"}, ["黄文静", "李秀英", "张志强"]),  # ignored
    ],
)
def test_filter_by_free_time(corps, barber, staff_client, params, expected):
    assert names(staff_client.get("/volunteers/", params)) == expected


def test_availability_masks_codes_and_words():
    assert availability_mask(None, None) == 0
    assert availability_mask(0, None) == MONDAY_ALL_DAY
    assert availability_mask(5, 0) == availability_bit(5, 0)
    assert availability_mask(None, 2) == sum(availability_bit(day, 2) for day in range(7))
    assert availability_codes(MONDAY_ALL_DAY | availability_bit(6, 2)) == [
        "mon-am",
        "mon-pm",
        "mon-ev",
        "sun-ev",
    ]
    assert availability_text(MONDAY_ALL_DAY | availability_bit(2, 0)) == "周一全天、周三上午"
    assert availability_text(0) == ""


def test_the_filter_reads_only_known_values():
    criteria = VolunteerFilter.from_params(
        {"team": "x1", "category": "nope", "status": "gone", "weekday": "TUE", "slot": "pm"}
    )
    assert criteria.team is None
    assert criteria.category == ""
    assert criteria.status == "active"
    assert (criteria.weekday, criteria.slot) == (1, 1)
    assert criteria.availability_mask == availability_bit(1, 1)


def test_filters_combine_on_the_queryset(corps, barber):
    criteria = VolunteerFilter.from_params({"q": "lxy", "weekday": "sat", "category": "health"})
    found = filter_volunteers(Volunteer.objects.all(), criteria)
    assert list(found) == [barber]


def test_htmx_gets_only_the_results(corps, staff_client):
    response = staff_client.get("/volunteers/", {"q": "hwj"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert names(response) == ["黄文静"]


def test_the_page_offers_exports_and_import_to_staff_only(corps, world, staff_client):
    html = staff_client.get("/volunteers/?team=1").content.decode()
    assert "/volunteers/export.xlsx" in html
    assert "/volunteers/export-national.xlsx" in html
    assert "/volunteers/import/" in html
    assert '<input type="hidden" name="team" value="1">' in html
    leader_html = signed_in(world.user(Role.TEAM_LEADER)).get("/volunteers/").content.decode()
    assert "/volunteers/export.xlsx" in leader_html
    assert "export-national" not in leader_html
    assert "/volunteers/import/" not in leader_html


def add_volunteers(world: Any, team: Team, count: int, first: int = 100) -> None:
    for index in range(count):
        volunteer = make_volunteer(
            world.jiaojia,
            None,
            f"王{'一二三四五六七八九十'[index % 10]}{'甲乙丙丁戊'[index % 5]}",
            date(1980, 1, 1 + index),
            first + index,
            phone=f"1370000{first + index:04d}",
        )
        profile(volunteer, categories=["community", "culture"], skills="唱歌")
        TeamMembership.objects.create(team=team, volunteer=volunteer, status="active")


def test_list_query_count_does_not_grow_with_rows(
    corps, world, staff_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(40) as baseline:
        assert staff_client.get("/volunteers/").status_code == 200
    add_volunteers(world, corps.party_team, 20)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = staff_client.get("/volunteers/")
    assert len(names(response)) == 22


# --- the API -------------------------------------------------------------------------------------


def test_api_list_is_paginated_masked_and_scoped(corps, barber, world, client):
    token = api_token(world.user(Role.STATION_STAFF))
    response = client.get("/api/v1/volunteers?limit=2", **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [item["name"] for item in body["items"]] == ["黄文静", "李秀英"]
    item = body["items"][1]
    full_id = make_id_number("340521", date(1962, 4, 4), 21, "M")
    assert full_id not in response.content.decode()
    assert item["id_number_masked"] == f"{full_id[:4]}{'*' * 10}{full_id[-4:]}"
    assert item["number"] == barber.number
    assert item["station"] == "JIAOJIA"
    assert item["status"] == "active"
    assert item["gender"] == "M"
    assert item["birth_date"] == "1962-04-04"
    assert item["age"] == barber.person.age()
    assert item["phone"] == "13811110021"
    assert item["skills"] == "理发、量血压"
    assert item["service_categories"] == ["elderly_disabled", "health"]
    assert item["availability"] == availability_bit(5, 0)
    assert item["availability_slots"] == ["sat-am"]
    assert item["residence_area"] == "金桥花园"
    assert item["teams"] == []
    assert item["registered_at"].endswith("+08:00")
    assert datetime.fromisoformat(item["registered_at"]) == barber.registered_at
    second = client.get("/api/v1/volunteers?limit=2&offset=2", **bearer(token)).json()
    assert [item["name"] for item in second["items"]] == ["张志强"]


def test_api_list_takes_the_pages_filters(corps, barber, world, client):
    headers = bearer(api_token(world.user(Role.STATION_STAFF)))
    assert api_names(client.get("/api/v1/volunteers?q=hwj", **headers)) == ["黄文静"]
    assert api_names(client.get("/api/v1/volunteers?weekday=sat&slot=am", **headers)) == ["李秀英"]
    assert api_names(client.get("/api/v1/volunteers?skill=理发", **headers)) == ["李秀英"]
    assert api_names(client.get("/api/v1/volunteers?category=health", **headers)) == ["李秀英"]
    assert api_names(client.get("/api/v1/volunteers?status=pending", **headers)) == ["周晓燕"]
    team = corps.party_team.pk
    response = client.get(f"/api/v1/volunteers?team={team}", **headers)
    assert api_names(response) == ["黄文静", "张志强"]
    leader = next(item for item in response.json()["items"] if item["name"] == "张志强")
    assert leader["teams"] == [{"id": team, "name": "党员志愿服务队", "role": "leader"}]


def test_api_detail_answers_within_reach_and_404_outside(corps, world, client):
    staff = bearer(api_token(world.user(Role.STATION_STAFF)))
    response = client.get(f"/api/v1/volunteers/{corps.volunteer.pk}", **staff)
    assert response.status_code == 200
    assert response.json()["name"] == "黄文静"
    assert response.json()["teams"][0]["role"] == "member"
    missing = client.get(f"/api/v1/volunteers/{corps.outsider.pk}", **staff)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/volunteers/999999", **staff).status_code == 404
    outsider = bearer(api_token(world.outsider))
    assert client.get(f"/api/v1/volunteers/{corps.volunteer.pk}", **outsider).status_code == 404
    assert api_names(client.get("/api/v1/volunteers", **outsider)) == ["钱进"]


def test_api_leader_sees_only_their_teams_members(corps, barber, world, client):
    leader = bearer(api_token(world.user(Role.TEAM_LEADER)))
    assert api_names(client.get("/api/v1/volunteers", **leader)) == ["黄文静", "张志强"]
    assert client.get(f"/api/v1/volunteers/{barber.pk}", **leader).status_code == 404
    assert client.get(f"/api/v1/volunteers/{corps.volunteer.pk}", **leader).status_code == 200


def test_api_a_volunteer_sees_only_themself(corps, world, client):
    headers = bearer(api_token(world.user(Role.VOLUNTEER)))
    assert api_names(client.get("/api/v1/volunteers", **headers)) == ["黄文静"]
    assert client.get(f"/api/v1/volunteers/{corps.leader.pk}", **headers).status_code == 404


def test_api_needs_a_token(corps, client):
    response = client.get("/api/v1/volunteers")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_api_list_query_count_does_not_grow_with_rows(
    corps, world, client, django_assert_max_num_queries
):
    headers = bearer(api_token(world.user(Role.STATION_STAFF)))
    with django_assert_max_num_queries(40) as baseline:
        client.get("/api/v1/volunteers", **headers)
    add_volunteers(world, corps.party_team, 15)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get("/api/v1/volunteers", **headers)
    assert response.json()["count"] == 17


def test_the_openapi_document_lists_both_endpoints(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/volunteers"]
    assert "get" in paths["/api/v1/volunteers/{volunteer_id}"]


def test_a_long_list_and_a_short_one_come_in_the_same_order(corps, barber, world, monkeypatch):
    """A list longer than `SORTED_AFTER_FILTERING` is read in the pinyin index's order, a shorter
    one sorted after filtering (`in_name_order`): the page and the API read the same either way."""
    from linli.volunteers import queries

    make_volunteer(world.jiaojia, None, "阿依古丽", date(1990, 1, 1), 22, phone="13811110022")
    make_volunteer(world.jiaojia, None, "欧阳娜娜", date(1991, 1, 1), 23, phone="13811110023")
    client = signed_in(world.user(Role.STATION_STAFF))
    headers = bearer(api_token(world.user(Role.STATION_STAFF)))
    orders = []
    for limit in (0, 10_000):  # every list long, then every list short
        monkeypatch.setattr(queries, "SORTED_AFTER_FILTERING", limit)
        orders.append(
            (
                names(client.get("/volunteers/")),
                api_names(client.get("/api/v1/volunteers", **headers)),
            )
        )
    (long_page, long_api), (short_page, short_api) = orders
    assert long_page == short_page == long_api == short_api
    assert long_page[0] == "阿依古丽" and len(long_page) == 5
