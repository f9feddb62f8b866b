"""Whose phone and address a volunteer sees (个人信息保护法, SPEC §3, §4): a volunteer deciding
whether to take a request sees what is needed and roughly where — the estate — but not who or
exactly where, until the request is theirs; and not after it is done.

Checked both at the gate (`access.can_see_contact`) and in what the API answers. The cast: 王秀梅
(the resident user's own record) asks for a plumber; 黄文静 (the volunteer user) and 赵磊 are
active volunteers of 焦家, so both may take a request opened to all (抢单); the outsider is station
staff at 黄池; `county_supervisor` supervises the whole county (DANGTU).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from linli.accounts.models import Role
from linli.assistance import access
from linli.assistance.actions import (
    request_accept,
    request_complete,
    request_dispatch,
    request_start,
)
from linli.assistance.models import ServiceRequest
from linli.people.models import Resident
from tests.conftest import api_token, bearer, make_user, make_volunteer, signed_in, submit_request

CONTACT_FIELDS = ("requester_name", "requester_phone", "proxy_relation", "resident", "address")


@dataclass
class Scene:
    request: ServiceRequest
    requester: Any
    volunteer: Any
    other: Any
    county_supervisor: Any


@pytest.fixture
def scene(world, registry, corps, menu) -> Scene:
    requester = world.user(Role.RESIDENT)
    Resident.objects.filter(pk=registry.wang.pk).update(user=requester)
    requester.refresh_from_db()
    other = make_user("13600000031", Role.VOLUNTEER, world.jiaojia, name="赵磊")
    make_volunteer(world.jiaojia, other, "赵磊", date(1990, 1, 1), 16)
    service_request = submit_request(
        world.jiaojia,
        requester,
        item_id=menu.repair.pk,
        resident_id=registry.wang.pk,
        requester_phone="13855550001",
        description="厨房水管漏水",
    )
    request_dispatch(
        service_request=service_request, actor=world.user(Role.STATION_STAFF), open_to_all=True
    )
    return Scene(
        request=service_request,
        requester=requester,
        volunteer=world.user(Role.VOLUNTEER),
        other=other,
        county_supervisor=make_user("13600000032", Role.SUPERVISOR, world.center, name="县中心"),
    )


def read(user: Any, service_request: ServiceRequest) -> Any:
    return Client().get(f"/api/v1/service-requests/{service_request.pk}", **bearer(api_token(user)))


def sees_contact(user: Any, service_request: ServiceRequest) -> bool:
    service_request.refresh_from_db()
    return access.can_see_contact(user, service_request)


def assert_hidden(body: dict[str, Any]) -> None:
    assert body["contact_visible"] is False
    for name in CONTACT_FIELDS:
        assert body[name] is None, name
    assert body["follow_up"] is None
    assert "13855550001" not in str(body)


def test_a_volunteer_who_may_take_it_sees_only_roughly_where(scene):
    response = read(scene.volunteer, scene.request)

    assert response.status_code == 200
    body = response.json()
    assert_hidden(body)
    assert body["estate"] == "金桥花园"
    assert body["description"] == "厨房水管漏水"
    assert body["item"]["name"] == "水电维修"
    assert not sees_contact(scene.volunteer, scene.request)
    # Nor do the names of who did what show.
    assert {step["who"] for step in body["timeline"]} <= {"居民", "工作人员", "志愿者", "系统"}


def test_the_list_never_carries_contact_details(scene):
    response = Client().get(
        "/api/v1/service-requests", {"takeable": "true"}, **bearer(api_token(scene.volunteer))
    )

    rows = response.json()["items"]
    assert [row["id"] for row in rows] == [scene.request.pk]
    assert rows[0]["estate"] == "金桥花园"
    assert not set(rows[0]) & set(CONTACT_FIELDS)
    assert "13855550001" not in response.content.decode()


def test_the_volunteer_who_accepts_sees_it_until_the_work_is_done(scene):
    accepted = Client().post(
        f"/api/v1/service-requests/{scene.request.pk}/accept", **bearer(api_token(scene.volunteer))
    )

    assert accepted.status_code == 200, accepted.content
    body = accepted.json()
    assert body["contact_visible"] is True
    assert body["requester_phone"] == "13855550001"
    assert body["address"] == {
        "estate": "金桥花园",
        "building": "3",
        "unit": "2",
        "room": "502",
        "text": "",
    }
    assert body["resident"]["name"] == "王秀梅"
    assert sees_contact(scene.volunteer, scene.request)

    request_start(service_request=scene.request, actor=scene.volunteer)
    assert sees_contact(scene.volunteer, scene.request)
    assert read(scene.volunteer, scene.request).json()["requester_phone"] == "13855550001"

    request_complete(
        service_request=scene.request, actor=scene.volunteer, hours=Decimal("1"), note="修好了"
    )
    after = read(scene.volunteer, scene.request)
    assert after.status_code == 200  # still theirs to read: the hours and the rating
    assert_hidden(after.json())
    assert not sees_contact(scene.volunteer, scene.request)


def test_another_volunteer_never_sees_it(scene):
    assert_hidden(read(scene.other, scene.request).json())
    assert not sees_contact(scene.other, scene.request)

    request_accept(service_request=scene.request, actor=scene.volunteer)

    assert read(scene.other, scene.request).status_code == 404
    assert not sees_contact(scene.other, scene.request)
    # Trying to take it now says it is taken, and still shows nothing.
    late = Client().post(
        f"/api/v1/service-requests/{scene.request.pk}/accept", **bearer(api_token(scene.other))
    )
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "already_taken"
    assert "13855550001" not in late.content.decode()


def test_a_volunteer_it_was_never_dispatched_to_cannot_probe_it(scene, corps):
    """黄池's volunteer is not reached by 焦家's open dispatch: 404, before and after acceptance."""
    outsider = corps.outsider.user
    assert read(outsider, scene.request).status_code == 404
    request_accept(service_request=scene.request, actor=scene.volunteer)
    late = Client().post(
        f"/api/v1/service-requests/{scene.request.pk}/accept", **bearer(api_token(outsider))
    )
    assert late.status_code == 404


def test_the_requester_and_the_station_see_it_all_along(scene, world):
    for user in (scene.requester, world.user(Role.STATION_STAFF), world.user(Role.SUPERVISOR)):
        body = read(user, scene.request).json()
        assert body["contact_visible"] is True, user
        assert body["requester_phone"] == "13855550001"


def test_a_supervisor_of_the_county_sees_it(scene):
    body = read(scene.county_supervisor, scene.request).json()

    assert body["contact_visible"] is True
    assert body["address"]["room"] == "502"
    assert sees_contact(scene.county_supervisor, scene.request)


def test_staff_of_another_station_get_404(scene, world):
    assert read(world.outsider, scene.request).status_code == 404
    assert read(world.outside_supervisor, scene.request).status_code == 404
    assert not sees_contact(world.outsider, scene.request)
    listed = Client().get("/api/v1/service-requests", **bearer(api_token(world.outsider)))
    assert listed.json()["count"] == 0


def test_door_and_phone_in_the_description_wait_for_acceptance(world, corps, menu, registry):
    """A pasted message keeps its words; a volunteer deciding whether to take it does not read
    the door number or the phone in them until the request is theirs."""
    from linli.assistance.access import visible_description
    from linli.assistance.actions import request_accept, request_dispatch

    staff = world.user(Role.STATION_STAFF)
    volunteer = world.user(Role.VOLUNTEER)
    service_request = submit_request(
        world.jiaojia,
        staff,
        requester=None,
        channel="wechat",
        description="3栋2单元502王阿姨家水管漏水，女儿电话13912345678，急",
    )
    request_dispatch(service_request=service_request, actor=staff, open_to_all=True)
    hidden = visible_description(service_request, False)
    assert "502" not in hidden and "13912345678" not in hidden
    assert "水管漏水" in hidden
    client = signed_in(volunteer)
    before = client.get(
        f"/api/v1/service-requests/{service_request.pk}", **bearer(api_token(volunteer))
    )
    assert "502" not in before.json()["description"]
    listed = client.get(
        "/api/v1/service-requests", {"takeable": "true"}, **bearer(api_token(volunteer))
    ).content.decode()
    assert "水管漏水" in listed and "502" not in listed and "13912345678" not in listed
    page = client.get("/requests/tasks/").content.decode()
    assert "水管漏水" in page and "13912345678" not in page and "2单元502" not in page
    request_accept(service_request=service_request, actor=volunteer)
    after = client.get(
        f"/api/v1/service-requests/{service_request.pk}", **bearer(api_token(volunteer))
    )
    assert "3栋2单元502" in after.json()["description"]


def test_the_dispatch_notice_keeps_the_door_and_the_phone_back(world, corps, menu):
    """The inbox (and a text) telling a volunteer there is a request to take says what is needed,
    as the request's page does before acceptance: not the door or the phone."""
    from linli.assistance.actions import request_dispatch
    from linli.notifications.models import Notification

    staff = world.user(Role.STATION_STAFF)
    service_request = submit_request(
        world.jiaojia,
        staff,
        requester=None,
        channel="phone",
        description="3栋2单元502王阿姨家水管漏水，女儿电话13912345678",
    )
    request_dispatch(service_request=service_request, actor=staff, team=corps.party_team)

    notice = Notification.objects.get(user=world.user(Role.VOLUNTEER), kind="request.dispatched")
    assert "水管漏水" in notice.body
    assert "502" not in notice.body and "13912345678" not in notice.body
