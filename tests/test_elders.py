"""银龄关爱 as staff, supervisors and volunteers use it: profiles derived from the registry, the
list with its filters, the API of SPEC §7.2, visits (a follow-up makes a service request), what a
volunteer may see of an elder, the map of due visits and the overdue alert.

The cast: tests/care_cast.py (王秀梅 living alone and visited by 党员志愿服务队, of which 黄文静 the
volunteer user is a member; 张桂兰, 82, empty nest; 黄池's 王秀兰).
"""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.assistance.models import Channel, ServiceRequest
from linli.audit.models import AuditLog
from linli.elders.actions import elder_profiles_sync, overdue_visits_alert, visit_log
from linli.elders.models import ElderProfile, Visit
from linli.notifications.models import Notification
from linli.people.models import ResidentTag
from tests.care_cast import Care, build_care
from tests.conftest import api_token, bearer, make_volunteer, reads_in_english, signed_in


@pytest.fixture
def care(world, registry, corps) -> Care:
    return build_care(world, registry, corps)


@pytest.fixture
def elder_menu(menu) -> Any:
    """The service menu (with 助老助残), for follow-ups."""
    return menu


def api(user: Any) -> dict[str, Any]:
    return bearer(api_token(user))


def patch(user: Any, path: str, body: dict[str, Any]) -> Any:
    return Client().patch(path, body, content_type="application/json", **api(user))


def post(user: Any, path: str, body: dict[str, Any]) -> Any:
    return Client().post(path, body, content_type="application/json", **api(user))


# --- profiles from the registry ------------------------------------------------------------------


def test_every_elder_has_a_profile_with_the_default_interval(care, world, registry):
    assert not ElderProfile.objects.filter(resident=registry.li).exists()  # 45
    assert not ElderProfile.objects.filter(resident=registry.child).exists()
    assert care.wang_profile.visit_interval_days == 7  # living alone
    assert care.zhang_profile.visit_interval_days == 30
    # The registry changes: 张桂兰 now lives alone; the next sync follows, and a second adds nothing.
    ResidentTag.objects.create(resident=care.zhang, tag="living_alone")
    assert elder_profiles_sync() == 0
    care.zhang_profile.refresh_from_db()
    assert care.zhang_profile.visit_interval_days == 7
    # Dependent elders are visited weekly too; staff may set their own interval, which stays.
    staff = world.user(Role.STATION_STAFF)
    patch(staff, f"/api/v1/elders/{registry.li.pk}", {"care_level": "dependent"})  # not an elder
    answer = patch(staff, f"/api/v1/elders/{care.liu.pk}", {"care_level": "dependent"})
    assert answer.json()["visit_interval_days"] == 7
    patch(staff, f"/api/v1/elders/{care.liu.pk}", {"visit_interval_days": 21})
    ResidentTag.objects.filter(resident=care.zhang).delete()
    elder_profiles_sync()
    assert ElderProfile.objects.get(resident=care.liu).visit_interval_days == 21
    assert ElderProfile.objects.get(resident=care.zhang).visit_interval_days == 30


def test_staff_list_and_filter_elders(care, world, registry):
    staff = world.user(Role.STATION_STAFF)
    client = Client()
    headers = api(staff)
    listed = client.get("/api/v1/elders", **headers).json()
    names = {item["name"] for item in listed["items"]}
    assert names == {"王秀梅", "张桂兰", "刘德福"} and listed["count"] == 3
    item = next(i for i in listed["items"] if i["name"] == "张桂兰")
    assert item["aged"] is True and item["tags"] == ["empty_nest"]
    assert set(item) >= {"resident", "name", "age", "care_level", "tags", "visit_interval_days",
                         "last_visit_at", "next_visit_due"}  # fmt: skip
    by_tag = client.get("/api/v1/elders?tag=living_alone", **headers).json()
    assert [i["name"] for i in by_tag["items"]] == ["王秀梅"]
    aged = client.get("/api/v1/elders?tag=aged", **headers).json()
    assert [i["name"] for i in aged["items"]] == ["张桂兰"]
    patch(staff, f"/api/v1/elders/{care.zhang.pk}", {"care_level": "dependent"})
    dependent = client.get("/api/v1/elders?care_level=dependent", **headers).json()
    assert [(i["name"], i["visit_interval_days"]) for i in dependent["items"]] == [("张桂兰", 7)]
    # Visited today: not overdue; the others are due since their profile was made.
    visit_log(profile=care.wang_profile, actor=staff, note="一切安好")
    ElderProfile.objects.exclude(resident=registry.wang).update(
        next_visit_due=timezone.localdate() - timedelta(days=3)
    )
    overdue = client.get("/api/v1/elders?overdue=true", **headers).json()
    assert {i["name"] for i in overdue["items"]} == {"张桂兰", "刘德福"}
    assert all(i["overdue"] for i in overdue["items"])
    # The page answers the same filters.
    page = signed_in(staff).get("/elders/?overdue=on")
    assert page.status_code == 200
    html = page.content.decode()
    assert "张桂兰" in html and "王秀梅" not in html


@pytest.mark.parametrize(
    "role", [Role.VOLUNTEER, Role.RESIDENT, Role.TEAM_LEADER, Role.CAREGIVER, Role.CANTEEN_OPERATOR]
)
def test_the_list_is_for_staff_and_supervisors_only(care, world, role):
    assert Client().get("/api/v1/elders", **api(world.user(role))).status_code == 403
    assert signed_in(world.user(role)).get("/elders/").status_code == 403
    assert signed_in(world.user(role)).get("/elders/map/").status_code == 403


def test_supervisors_read_their_subtree_and_outsiders_see_nothing(care, world):
    supervisor = world.user(Role.SUPERVISOR)
    listed = Client().get("/api/v1/elders", **api(supervisor)).json()
    assert listed["count"] == 3
    assert Client().get(f"/api/v1/elders/{care.wang.pk}", **api(supervisor)).status_code == 200
    assert (
        patch(supervisor, f"/api/v1/elders/{care.wang.pk}", {"care_level": "partial"}).status_code
        == 403
    )
    assert (
        post(supervisor, f"/api/v1/elders/{care.wang.pk}/visits", {"note": "x"}).status_code == 403
    )
    page = signed_in(supervisor).get(f"/elders/{care.wang.pk}/").content.decode()
    assert "health-panel" not in page  # no health values for supervisors
    outsider = world.outsider
    assert Client().get("/api/v1/elders", **api(outsider)).json()["count"] == 1  # 黄池's own
    for path in (f"/api/v1/elders/{care.wang.pk}", f"/api/v1/elders/{care.wang.pk}/visits"):
        assert Client().get(path, **api(outsider)).status_code == 404
    assert (
        patch(outsider, f"/api/v1/elders/{care.wang.pk}", {"care_level": "partial"}).status_code
        == 404
    )
    assert post(outsider, f"/api/v1/elders/{care.wang.pk}/visits", {"note": "x"}).status_code == 404
    assert signed_in(outsider).get(f"/elders/{care.wang.pk}/").status_code == 404
    other = world.outside_supervisor
    assert Client().get(f"/api/v1/elders/{care.wang.pk}", **api(other)).status_code == 404


def test_a_resident_who_is_not_an_elder_is_not_found(care, world, registry):
    staff = world.user(Role.STATION_STAFF)
    assert Client().get(f"/api/v1/elders/{registry.li.pk}", **api(staff)).status_code == 404
    assert Client().get("/api/v1/elders/99999999999", **api(staff)).status_code == 404
    assert Client().get(f"/api/v1/elders/{2**70}", **api(staff)).status_code == 422


def test_staff_change_the_profile_and_bad_input_is_refused(care, world):
    staff = world.user(Role.STATION_STAFF)
    path = f"/api/v1/elders/{care.zhang.pk}"
    response = patch(
        staff,
        path,
        {
            "care_level": "partial",
            "visit_interval_days": 14,
            "emergency_contacts": [
                {"name": "张建华", "phone": "139 1111 2222", "relation": "儿子"}
            ],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["care_level"], body["visit_interval_days"], body["interval_set_by_staff"]) == (
        "partial", 14, True,
    )  # fmt: skip
    assert body["emergency_contacts"] == [
        {"name": "张建华", "phone": "13911112222", "relation": "儿子"}
    ]
    # Back to the rule.
    assert patch(staff, path, {"visit_interval_days": None}).json()["visit_interval_days"] == 30
    audit = AuditLog.objects.filter(action="elder_profile.update").first()
    assert audit is not None and "13911112222" not in str(audit.after)
    for bad in (
        {"visit_interval_days": 0},
        {"visit_interval_days": 366},
        {"visit_interval_days": 2**70},
        {"care_level": "bedridden"},
        {"note": "a\x00b"},
        {"note": "长" * 201},
        {"emergency_contacts": [{"name": "甲", "phone": "13911112222"}] * 6},
        {"emergency_contacts": [{"name": "甲", "phone": "12345"}]},
        {"emergency_contacts": [{"name": "", "phone": "13911112222"}]},
    ):
        answer = patch(staff, path, bad)
        assert answer.status_code == 422, (bad, answer.content)
        assert answer.json()["error"]["code"] == "validation_error"


# --- visits --------------------------------------------------------------------------------------


def test_a_visit_moves_the_due_date_and_a_follow_up_makes_a_request(care, world, elder_menu):
    staff = world.user(Role.STATION_STAFF)
    at = timezone.now() - timedelta(days=2)
    response = post(
        staff,
        f"/api/v1/elders/{care.wang.pk}/visits",
        {"at": at.isoformat(), "note": "厨房水管漏水，老人担心滑倒", "follow_up": True},
    )
    assert response.status_code == 201, response.content
    visit = response.json()
    assert visit["follow_up"] is True and visit["service_request"] is not None
    request = ServiceRequest.objects.get(pk=visit["service_request"])
    assert request.resident_id == care.wang.pk and request.channel == Channel.VISIT
    assert request.category == "elderly_disabled" and "厨房水管漏水" in request.description
    assert request.building is not None  # the elder's address, from the household
    profile = ElderProfile.objects.get(pk=care.wang_profile.pk)
    assert profile.next_visit_due == timezone.localdate(at) + timedelta(days=7)
    # An older visit logged late does not move the due date back.
    post(staff, f"/api/v1/elders/{care.wang.pk}/visits",
         {"at": (at - timedelta(days=10)).isoformat(), "note": "补录一次电话问候", "method": "phone"})  # fmt: skip
    assert ElderProfile.objects.get(pk=profile.pk).last_visit_at == at
    listed = Client().get(f"/api/v1/elders/{care.wang.pk}/visits", **api(staff)).json()
    assert [v["method"] for v in listed] == ["home", "phone"]


def test_follow_up_afterwards_in_one_click_once(care, world, elder_menu):
    staff = world.user(Role.STATION_STAFF)
    visit = visit_log(profile=care.zhang_profile, actor=staff, note="老人腿脚不便，需要代买")
    client = signed_in(staff)
    assert client.post(f"/elders/visits/{visit.pk}/follow-up/").status_code == 302
    visit.refresh_from_db()
    assert visit.service_request is not None
    client.post(f"/elders/visits/{visit.pk}/follow-up/")
    assert ServiceRequest.objects.filter(resident=care.zhang).count() == 1


@pytest.mark.parametrize("field, value", [("at", "2999-01-01T09:00:00+08:00"), ("note", ""),
                                          ("note", "x" * 1001), ("note", "坏\x00"),
                                          ("method", "drone")])  # fmt: skip
def test_bad_visits_are_refused(care, world, field, value):
    body = {"note": "正常", field: value}
    response = post(world.user(Role.STATION_STAFF), f"/api/v1/elders/{care.wang.pk}/visits", body)
    assert response.status_code == 422
    assert not Visit.objects.exists()


def test_a_volunteer_sees_what_a_visit_needs_and_no_more(care, world, corps, elder_menu):
    volunteer = world.user(Role.VOLUNTEER)  # 黄文静, 党员志愿服务队: 王秀梅's visiting team
    offered = Client().get("/api/v1/elders/offered", **api(volunteer)).json()
    assert [item["name"] for item in offered["items"]] == ["王秀梅"]
    item = offered["items"][0]
    assert item["address"] == "金桥花园3栋2单元502" and item["phone"] == "13855550001"
    assert item["tags"] == ["living_alone"]  # not 残疾
    assert "care_level" not in item and "emergency_contacts" not in item
    # The page: what a visit needs; not the care level, contacts, others' notes or health.
    staff = world.user(Role.STATION_STAFF)
    visit_log(profile=care.wang_profile, actor=staff, note="社工的内部记录：家庭矛盾")
    page = signed_in(volunteer).get(f"/elders/{care.wang.pk}/").content.decode()
    assert "王秀梅" in page and "金桥花园3栋2单元502" in page
    assert "家庭矛盾" not in page and "care-level" not in page and "emergency-contacts" not in page
    assert "health-panel" not in page and "残疾" not in page
    # The staff's profile API is not for volunteers.
    assert Client().get(f"/api/v1/elders/{care.wang.pk}", **api(volunteer)).status_code == 403
    assert (
        patch(volunteer, f"/api/v1/elders/{care.wang.pk}", {"care_level": "partial"}).status_code
        == 403
    )
    # They log their visit; a follow-up makes a request although volunteers may not post one.
    answer = post(volunteer, f"/api/v1/elders/{care.wang.pk}/visits",
                  {"note": "老人冰箱空了", "follow_up": True})  # fmt: skip
    assert answer.status_code == 201, answer.content
    visit = Visit.objects.get(pk=answer.json()["id"])
    assert visit.volunteer == corps.volunteer and visit.service_request is not None
    # An elder outside their reach (张桂兰: no team, another estate) does not exist for them.
    assert (
        post(volunteer, f"/api/v1/elders/{care.zhang.pk}/visits", {"note": "x"}).status_code == 404
    )
    assert signed_in(volunteer).get(f"/elders/{care.zhang.pk}/").status_code == 404
    assert signed_in(volunteer).get(f"/elders/{care.zhang.pk}/visit/").status_code == 404


def test_a_volunteer_in_no_team_and_another_estate_is_offered_nothing(care, world):
    stranger = make_volunteer(world.jiaojia, None, "陈明", timezone.localdate().replace(year=1980), 30,
                              phone="13811130000")  # fmt: skip
    from linli.volunteers.models import Volunteer

    user = Volunteer.objects.get(pk=stranger.pk).user
    assert Client().get("/api/v1/elders/offered", **api(user)).json()["count"] == 0
    assert post(user, f"/api/v1/elders/{care.wang.pk}/visits", {"note": "x"}).status_code == 404
    # Not a volunteer at all: the offered list is refused.
    assert (
        Client().get("/api/v1/elders/offered", **api(world.user(Role.RESIDENT))).status_code == 403
    )


def test_a_volunteer_logs_a_visit_on_the_page(care, world):
    client = signed_in(world.user(Role.VOLUNTEER))
    page = client.get("/elders/visits/")
    assert "王秀梅" in page.content.decode()
    response = client.post(
        f"/elders/{care.wang.pk}/visit/",
        {"visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "method": "home",
         "note": "老人精神很好"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Visit.objects.filter(profile=care.wang_profile, note="老人精神很好").exists()


# --- the overdue alert and the map ---------------------------------------------------------------


def test_overdue_visits_alert_the_staff_once_per_overdue_period(care, world):
    staff = world.user(Role.STATION_STAFF)
    ElderProfile.objects.update(next_visit_due=timezone.localdate() - timedelta(days=2))
    assert overdue_visits_alert() == 4  # 3 at 焦家, 1 at 黄池
    inbox = Notification.objects.filter(user=staff, kind="elders.overdue")
    assert inbox.count() == 1 and "3 位老人" in inbox.get().title
    assert "Visits to 3 elders are overdue" in reads_in_english(inbox.get())
    assert Notification.objects.filter(user=world.outsider, kind="elders.overdue").count() == 1
    assert overdue_visits_alert() == 0  # the same overdue period: once
    # A visit starts a new period; when that one runs out too, a new alert.
    visit_log(
        profile=care.wang_profile, actor=staff, note="看望", at=timezone.now() - timedelta(days=9)
    )
    assert overdue_visits_alert() == 1


def test_the_map_counts_due_visits_by_building(
    care, world, registry, django_assert_max_num_queries
):
    ElderProfile.objects.filter(resident=care.zhang).update(
        next_visit_due=timezone.localdate() - timedelta(days=1)
    )
    client = signed_in(world.user(Role.STATION_STAFF))
    with django_assert_max_num_queries(25):
        page = client.get("/elders/map/")
    html = page.content.decode()
    assert page.status_code == 200 and "焦家小区" in html and "金桥花园" in html
    assert "黄池新村" not in html


def test_the_list_page_query_count_does_not_grow(care, world, django_assert_max_num_queries):
    client = signed_in(world.user(Role.STATION_STAFF))
    with django_assert_max_num_queries(40) as baseline:
        client.get("/elders/")
    from tests.conftest import add_resident

    for index in range(12):
        add_resident(world.jiaojia, f"老人{'一二三四五六七八九十甲乙'[index]}", gender="M",
                     birth_date=timezone.localdate().replace(year=1940), tags=frozenset({"empty_nest"}))  # fmt: skip
    elder_profiles_sync()
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        page = client.get("/elders/")
    assert "老人十" in page.content.decode()


def test_the_care_page_shows_staff_the_health_records_and_audits_the_read(care, world):
    from linli.health.actions import HealthValues, health_record_create

    staff = world.user(Role.STATION_STAFF)
    health_record_create(resident=care.wang, values=HealthValues(systolic=132, diastolic=84),
                         measured_at=timezone.now(), actor=staff)  # fmt: skip
    before = AuditLog.objects.filter(action="health_record.read").count()
    page = signed_in(staff).get(f"/elders/{care.wang.pk}/").content.decode()
    assert "health-panel" in page and "132/84" in page and "health-chart-data" in page
    assert AuditLog.objects.filter(action="health_record.read").count() == before + 1
