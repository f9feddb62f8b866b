"""The service-request API as its clients use it: posting a request (a resident on the web, a
relative for an elder, staff taking a phone call), the list with its filters, one request with its
timeline, the menu, dispatch suggestions, reading a pasted message, the error format, and a 404
for every endpoint to someone of another station.

The cast (tests/conftest.py): the resident user is 王秀梅's own account here (`wang_account`);
station staff run 焦家; 黄文静 (the volunteer user) is in 党员志愿服务队, which serves 社区服务;
the outsider is station staff at 黄池.
"""

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from linli.accounts.models import Role
from linli.assistance.actions import (
    request_accept,
    request_complete,
    request_dispatch,
    request_start,
)
from linli.assistance.models import RequestStatus, ServiceRequest
from linli.notifications.models import Notification
from linli.people.models import Resident
from tests.conftest import api_token, bearer, make_user, submit_request

BASE = "/api/v1/service-requests"


def small_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("work.png", buffer.getvalue(), content_type="image/png")


class Caller:
    """One person using the API with their own token."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.client = Client()
        self.headers = bearer(api_token(user))

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, **self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, body or {}, content_type="application/json", **self.headers)


@pytest.fixture
def wang_account(registry, world) -> Any:
    """The resident user is 王秀梅 herself (what registration by a resident would link)."""
    user = world.user(Role.RESIDENT)
    Resident.objects.filter(pk=registry.wang.pk).update(user=user)
    user.refresh_from_db()
    return user


@pytest.fixture
def daughter(world) -> Any:
    """王秀梅's daughter, a resident of 焦家 with her own account, ordering for her mother."""
    return make_user("13600000011", Role.RESIDENT, world.jiaojia, name="王丽")


def test_a_resident_posts_for_herself_on_the_web(menu, world, wang_account, registry):
    resident = Caller(wang_account)

    response = resident.post(
        BASE,
        {"category": "community", "item": menu.repair.pk, "description": "厨房水管漏水"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["status_label"] == "待审核"
    assert body["channel"] == "web"
    assert body["item"] == {"id": menu.repair.pk, "name": "水电维修"}
    assert body["resident"] == {"id": registry.wang.pk, "name": "王秀梅"}
    # Her household gives the address; she sees her own contact details.
    assert body["address"] == {
        "estate": "金桥花园",
        "building": "3",
        "unit": "2",
        "room": "502",
        "text": "",
    }
    assert body["requester_phone"] == wang_account.phone
    assert [step["text"] for step in body["timeline"]] == ["需求已提交，等待工作人员审核"]
    assert body["timeline"][0]["note"] == "网上点单"
    assert body["timeline"][0]["from"] == ""
    assert body["timeline"][0]["to"] == "submitted"
    staff = world.user(Role.STATION_STAFF)
    assert Notification.objects.filter(user=staff, kind="request.submitted").count() == 1
    assert resident.get(BASE, mine="true").json()["count"] == 1


def test_a_relative_posts_for_an_elder(menu, world, daughter, registry):
    response = Caller(daughter).post(
        BASE,
        {
            "category": "elderly_disabled",
            "item": menu.escort.pk,
            "description": "妈妈周四要去县中医院复查，需要有人陪同",
            "proxy_relation": "女儿",
            "requester_phone": "13600000011",
            "address": {"estate": "金桥花园", "building": "3栋", "unit": "2单元", "room": "502"},
            "urgency": "urgent",
            "preferred_at": "2026-10-15T08:30:00",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["channel"] == "proxy"
    assert body["proxy_relation"] == "女儿"
    assert body["resident"] is None
    assert body["urgency"] == "urgent"
    assert body["preferred_at"] == "2026-10-15T08:30:00+08:00"
    assert body["address"]["building"] == "3" and body["address"]["unit"] == "2"
    assert Caller(daughter).get(BASE, mine="true").json()["count"] == 1


def test_staff_enter_a_phone_call_for_someone_without_an_account(menu, world, registry):
    staff = Caller(world.user(Role.STATION_STAFF))
    body = {
        "category": "community",
        "item": menu.errands.pk,
        "description": "腿脚不便，请人帮忙买菜",
        "resident": registry.li.pk,
    }

    missing_name = staff.post(BASE, body)
    response = staff.post(
        BASE, {**body, "requester_name": "李建国", "requester_phone": "13855550002"}
    )

    assert missing_name.status_code == 422
    assert missing_name.json()["error"]["fields"][0]["loc"] == ["requester_name"]
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["channel"] == "phone"
    assert created["requester_name"] == "李建国"
    assert created["resident"] == {"id": registry.li.pk, "name": "李建国"}
    assert created["estate"] == "焦家小区"
    # Nobody follows it but the station: it is not the staff member's own.
    assert staff.get(BASE, mine="true").json()["count"] == 0
    assert staff.get(BASE).json()["count"] == 1


def test_who_may_post_what(menu, world, wang_account, daughter, registry, corps):
    resident = Caller(daughter)
    base = {"category": "community", "description": "楼道灯坏了"}

    someone_else = resident.post(BASE, {**base, "resident": registry.li.pk})
    by_phone = resident.post(BASE, {**base, "channel": "phone", "requester_name": "王丽"})
    elsewhere = resident.post(BASE, {**base, "station": "HUANGCHI"})
    volunteer = Caller(world.user(Role.VOLUNTEER)).post(BASE, base)
    admin_unsaid = Caller(world.user(Role.ADMIN)).post(BASE, {**base, "requester_name": "某"})
    own = Caller(wang_account).post(BASE, {**base, "resident": registry.wang.pk})

    assert someone_else.status_code == 422
    assert someone_else.json()["error"]["fields"][0]["loc"] == ["resident"]
    assert by_phone.status_code == 403
    assert elsewhere.status_code == 404
    assert volunteer.status_code == 403
    assert admin_unsaid.status_code == 422  # two stations: say which
    assert admin_unsaid.json()["error"]["fields"][0]["loc"] == ["station"]
    assert own.status_code == 201


def test_refusals_are_in_the_house_format(menu, world, daughter):
    resident = Caller(daughter)

    no_building = resident.post(
        BASE,
        {
            "category": "community",
            "description": "水管漏水",
            "address": {"estate": "金桥花园", "building": "9", "unit": "1", "room": "101"},
        },
    )
    not_on_menu = resident.post(BASE, {"category": "science", "description": "想学用手机"})
    bad_urgency = resident.post(
        BASE, {"category": "community", "description": "x", "urgency": "now"}
    )
    empty = resident.post(BASE, {"category": "community", "description": "  "})
    missing = resident.get(f"{BASE}/999999")
    unauthenticated = Client().get(BASE)

    assert no_building.status_code == 422
    error = no_building.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == [{"loc": ["address"], "message": "金桥花园没有 9 栋。"}]
    assert not_on_menu.status_code == 422
    assert not_on_menu.json()["error"]["fields"][0]["loc"] == ["category"]
    assert bad_urgency.status_code == 422
    assert bad_urgency.json()["error"]["code"] == "validation_error"
    assert empty.json()["error"]["fields"][0]["loc"] == ["description"]
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "对象不存在或无权查看。"}}
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"]["code"] == "unauthorized"


def test_a_conflict_is_a_409_with_a_code(menu, world):
    service_request = submit_request(world.jiaojia)

    response = Caller(world.user(Role.STATION_STAFF)).post(
        f"{BASE}/{service_request.pk}/complete", {"hours": "1", "note": "修好了"}
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"
    assert "待审核" in response.json()["error"]["message"]


# --- the list ------------------------------------------------------------------------------------


def test_list_filters_and_pages(menu, world, corps, daughter):
    staff_user = world.user(Role.STATION_STAFF)
    mine = [submit_request(world.jiaojia, daughter) for _ in range(3)]
    submit_request(world.jiaojia, category="elderly_disabled", description="陪同就医")
    rejected = submit_request(world.jiaojia)
    Caller(staff_user).post(f"{BASE}/{rejected.pk}/reject", {"reason": "重复提交"})
    open_one = mine[0]
    request_dispatch(service_request=open_one, actor=staff_user, open_to_all=True)
    submit_request(world.huangchi, category="community")
    staff = Caller(staff_user)

    everything = staff.get(BASE).json()
    first_page = staff.get(BASE, limit=2, offset=0).json()
    second_page = staff.get(BASE, limit=2, offset=2).json()

    assert everything["count"] == 5  # not 黄池's
    assert [row["id"] for row in first_page["items"] + second_page["items"]] == [
        row["id"] for row in everything["items"][:4]
    ]
    assert first_page["count"] == 5
    assert staff.get(BASE, status="rejected").json()["count"] == 1
    assert staff.get(BASE, category="elderly_disabled").json()["count"] == 1
    assert staff.get(BASE, station="JIAOJIA").json()["count"] == 5
    assert staff.get(BASE, station="HUANGCHI").json()["count"] == 0
    assert Caller(daughter).get(BASE).json()["count"] == 3
    takeable = Caller(world.user(Role.VOLUNTEER)).get(BASE, takeable="true").json()
    assert [row["id"] for row in takeable["items"]] == [open_one.pk]
    assert Caller(daughter).get(BASE, takeable="true").json()["count"] == 0
    row = takeable["items"][0]
    assert row["status"] == "dispatched" and row["status_label"] == "已派单"
    assert row["estate"] is None  # posted without an address
    assert "requester_phone" not in row and "address" not in row
    assert staff.get(BASE, status="nonsense").status_code == 422


def test_the_list_reads_a_fixed_number_of_queries(menu, world, corps, registry):
    staff = Caller(world.user(Role.STATION_STAFF))

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = staff.get(BASE)
        assert response.status_code == 200
        return len(captured)

    def add_requests(how_many: int) -> None:
        for _ in range(how_many):
            service_request = submit_request(
                world.jiaojia, item_id=menu.repair.pk, resident_id=registry.wang.pk
            )
            request_dispatch(service_request=service_request, actor=None, team=corps.party_team)
            request_accept(service_request=service_request, actor=world.user(Role.VOLUNTEER))

    add_requests(2)
    staff.get(BASE)  # the token's first use is recorded once
    few = count_queries()
    add_requests(8)
    many = count_queries()

    assert staff.get(BASE).json()["count"] == 10
    assert few == many


# --- one request ---------------------------------------------------------------------------------


def test_the_timeline_tells_the_story_in_plain_words(menu, world, corps, wang_account):
    volunteer_user = world.user(Role.VOLUNTEER)
    service_request = submit_request(world.jiaojia, wang_account, item_id=menu.repair.pk)
    request_dispatch(
        service_request=service_request,
        actor=world.user(Role.STATION_STAFF),
        team=corps.party_team,
        note="请带扳手",
    )
    request_accept(service_request=service_request, actor=volunteer_user)
    request_start(service_request=service_request, actor=volunteer_user)
    request_complete(
        service_request=service_request,
        actor=volunteer_user,
        hours=Decimal("2"),
        note="更换了水龙头",
    )

    body = Caller(wang_account).get(f"{BASE}/{service_request.pk}").json()

    assert [(step["from"], step["to"], step["text"]) for step in body["timeline"]] == [
        ("", "submitted", "需求已提交，等待工作人员审核"),
        ("submitted", "dispatched", "工作人员已派单，等待志愿者接单"),
        ("dispatched", "accepted", "志愿者已接单"),
        ("accepted", "in_service", "志愿者开始服务"),
        ("in_service", "completed", "服务完成"),
    ]
    notes = [step["note"] for step in body["timeline"]]
    assert notes[1] == "派给：党员志愿服务队；请带扳手"
    assert notes[2] == "黄文静 接单"
    assert notes[4] == "服务 2.00 小时：更换了水龙头"
    assert body["timeline"][0]["who"] == "您"  # she asked herself
    assert body["timeline"][1]["who"] == "工作人员 station_staff-user"
    assert body["timeline"][2]["who"] == "志愿者 黄文静"
    assert [step["who_role"] for step in body["timeline"]] == [
        "self",
        "staff",
        "volunteer",
        "volunteer",
        "volunteer",
    ]
    assert body["volunteer"] == {"id": corps.volunteer.pk, "name": "黄文静"}
    assert body["hours"] == 2.0 and body["hours_confirmed"] is False
    assert body["rating"] is None
    assert body["timeline"][0]["at"].endswith("+08:00")


# --- the menu ------------------------------------------------------------------------------------


def test_the_menu_of_the_callers_station(menu, world, corps):
    body = Caller(world.user(Role.RESIDENT)).get("/api/v1/service-menu").json()

    assert body["count"] == 3
    by_code = {category["code"]: category for category in body["items"]}
    assert set(by_code) == {"community", "elderly_disabled", "legal"}
    community = by_code["community"]
    assert community["name"] == "社区服务"
    assert community["station"] == "JIAOJIA"
    assert community["response_hours"] == 4
    assert community["teams"] == [{"id": corps.party_team.pk, "name": "党员志愿服务队"}]
    assert [item["name"] for item in community["items"]] == ["水电维修", "代买代办"]
    assert community["items"][0]["skills"] == ["水电", "维修"]
    legal = by_code["legal"]["items"][0]
    assert legal["required_course"] == {"id": corps.law_course.pk, "name": "法律援助基础"}
    outsider = Caller(world.outsider).get("/api/v1/service-menu").json()
    assert [(c["station"], c["code"]) for c in outsider["items"]] == [("HUANGCHI", "community")]
    admin = Caller(world.user(Role.ADMIN))
    assert admin.get("/api/v1/service-menu").json()["count"] == 4
    assert admin.get("/api/v1/service-menu", station="HUANGCHI").json()["count"] == 1


def test_the_menu_reads_a_fixed_number_of_queries(menu, world, corps):
    from linli.assistance.actions import MenuItemInput, menu_category_save, menu_item_save

    resident = Caller(world.user(Role.RESIDENT))
    resident.get("/api/v1/service-menu")
    cache.clear()  # each station's menu is cached: count the reads that compute it
    with CaptureQueriesContext(connection) as small:
        resident.get("/api/v1/service-menu")
    culture = menu_category_save(
        station=world.jiaojia,
        code="culture",
        response_hours=48,
        teams=[corps.party_team, corps.law_team],
        actor=None,
    )
    for name in ("腰鼓教学", "民歌合唱", "舞龙排练"):
        menu_item_save(category=culture, data=MenuItemInput(name=name), actor=None)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        body = resident.get("/api/v1/service-menu").json()

    assert body["count"] == 4
    assert len(small) == len(large)


# --- suggestions and pasted messages --------------------------------------------------------------


def test_suggestions_are_for_staff_who_dispatch(menu, world, corps, daughter):
    service_request = submit_request(world.jiaojia, daughter, item_id=menu.repair.pk)
    path = f"{BASE}/{service_request.pk}/suggestions"

    response = Caller(world.user(Role.STATION_STAFF)).get(path, limit=5)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"]) == 2
    names = {item["name"] for item in body["items"]}
    assert names == {"黄文静", "张志强"}
    first = body["items"][0]
    assert set(first) >= {"volunteer_id", "name", "number", "score", "reasons"}
    assert first["reasons"]
    assert Caller(world.user(Role.SUPERVISOR)).get(path).status_code == 403
    assert Caller(daughter).get(path).status_code == 403
    assert Caller(world.outsider).get(path).status_code == 404
    request_dispatch(service_request=service_request, actor=None, team=corps.party_team, note="")
    assert Caller(world.user(Role.VOLUNTEER)).get(path).status_code == 403
    assert Caller(world.user(Role.STATION_STAFF)).get(path, limit=0).status_code == 422


def test_a_pasted_message_becomes_the_fields_of_a_new_request(menu, world, daughter):
    text = "金桥花园3栋2单元502王奶奶家厨房水管漏水了，很急！电话13855550001"
    staff = Caller(world.user(Role.STATION_STAFF))

    response = staff.post(f"{BASE}/parse", {"text": text})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["category"] == "community"
    assert body["item"] == menu.repair.pk
    assert body["urgency"] == "urgent"
    assert "13855550001" in str(body.values())
    assert isinstance(body["notes"], list)
    assert Caller(daughter).post(f"{BASE}/parse", {"text": text}).status_code == 403
    elsewhere = staff.post(f"{BASE}/parse", {"text": text, "station": "HUANGCHI"})
    assert elsewhere.status_code == 404
    assert not ServiceRequest.objects.exists()  # nothing was saved


# --- someone else's ------------------------------------------------------------------------------

ENDPOINTS = [
    ("get", ""),
    ("get", "/suggestions"),
    ("get", "/photos/1"),
    ("post", "/dispatch"),
    ("post", "/accept"),
    ("post", "/start"),
    ("post", "/complete"),
    ("post", "/confirm"),
    ("post", "/rate"),
    ("post", "/reject"),
    ("post", "/cancel"),
    ("post", "/reopen"),
    ("post", "/follow-up"),
    ("post", "/photos"),
]


@pytest.mark.parametrize(("method", "suffix"), ENDPOINTS)
def test_every_endpoint_answers_404_to_another_station(menu, world, corps, method, suffix):
    service_request = submit_request(world.jiaojia)
    request_dispatch(service_request=service_request, actor=None, open_to_all=True)
    path = f"{BASE}/{service_request.pk}{suffix}"
    outsider = Caller(world.outsider)

    if method == "get":
        response = outsider.get(path)
    elif suffix == "/photos":
        response = outsider.client.post(path, {"photos": [small_png()]}, **outsider.headers)
    else:
        bodies: dict[str, dict[str, Any]] = {
            "/dispatch": {"open": True},
            "/complete": {"hours": "1", "note": "x"},
            "/rate": {"score": 5},
            "/reject": {"reason": "x"},
            "/cancel": {"reason": "x"},
            "/reopen": {"reason": "x"},
            "/follow-up": {"outcome": "x"},
        }
        response = outsider.post(path, bodies.get(suffix, {}))

    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "not_found"
    service_request.refresh_from_db()
    assert service_request.status == RequestStatus.DISPATCHED
