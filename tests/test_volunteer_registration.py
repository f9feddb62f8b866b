"""Becoming a volunteer: the public sign-up page and API, a resident applying, the station desk,
the minor rules, duplicates, and staff decisions along the status machine."""

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.models import AuditLog
from linli.core.idcard import make_id_number
from linli.org.actions import station_create
from linli.people.models import Consent, Resident
from linli.volunteers.actions.registration import TRANSITIONS
from linli.volunteers.consent import CONSENT_PARAGRAPHS, CONSENT_TITLE, CONSENT_VERSION
from linli.volunteers.models import Volunteer, availability_bit
from tests.conftest import PASSWORD, WANG_ID, api_token, bearer, make_volunteer, signed_in

ZHAO_ID = make_id_number("340521", date(1990, 4, 4), 101, "F")


def born(age: int) -> date:
    """A birth date that makes someone exactly `age` today."""
    return date(timezone.localdate().year - age, 1, 1)


def page_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "station": "JIAOJIA",
        "name": "赵雨桐",
        "phone": "13812340001",
        "password": PASSWORD,
        "password_again": PASSWORD,
        "id_number": ZHAO_ID,
        "skills": "摄影、驾驶",
        "categories": ["community", "culture"],
        "availability": ["sat-am", "sun-pm"],
        "residence_area": "金桥花园",
        "occupation": "教师",
        "political_status": "masses",
        "consent": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def api_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "赵雨桐",
        "phone": "13812340001",
        "password": PASSWORD,
        "id_number": ZHAO_ID,
        "gender": "F",
        "birth_date": "1990-04-04",
        "skills": "摄影",
        "service_categories": ["community"],
        "availability": ["mon-am", "sun-ev"],
        "residence_area": "焦家小区",
        "consent": True,
        "station": "JIAOJIA",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def api_register(**overrides: Any) -> Any:
    return Client().post(
        "/api/v1/volunteers/register", api_data(**overrides), content_type="application/json"
    )


def counts() -> tuple[int, int, int]:
    return Volunteer.objects.count(), User.objects.count(), Resident.objects.count()


def error_fields(response: Any) -> dict[str, str]:
    body = response.json()
    assert body["error"]["code"] == "validation_error"
    return {"/".join(field["loc"]): field["message"] for field in body["error"]["fields"]}


# --- the public page --------------------------------------------------------------------------


def test_the_page_shows_the_whole_undertaking_the_grid_and_the_estates(registry):
    response = Client().get("/volunteers/register/", {"station": "JIAOJIA"})
    assert response.status_code == 200
    html = response.content.decode()
    assert str(CONSENT_TITLE) in html
    for paragraph in CONSENT_PARAGRAPHS:
        assert str(paragraph) in html
    assert len(re.findall(r'name="availability" value="[a-z]{3}-(am|pm|ev)"', html)) == 21
    assert len(re.findall(r'name="categories"', html)) == 11
    assert '<option value="金桥花园">' in html and '<option value="焦家小区">' in html
    assert "黄池新村" not in html  # another station's estate
    assert "未满 14 周岁的不能自行注册" in html
    assert 'name="consent"' in html


def test_with_several_stations_the_visitor_picks_one_first(registry):
    html = Client().get("/volunteers/register/").content.decode()
    assert 'data-testid="station-picker"' in html
    assert "?station=JIAOJIA" in html and "?station=HUANGCHI" in html


def test_register_on_the_page_with_consent(registry):
    before = timezone.now()
    response = Client().post("/volunteers/register/", page_data())
    assert response.status_code == 302
    assert response["Location"] == "/volunteers/register/done/"
    volunteer = Volunteer.objects.select_related("person", "user").get(person__name="赵雨桐")
    assert volunteer.status == Volunteer.Status.PENDING
    assert volunteer.station.code == "JIAOJIA"
    assert volunteer.channel == Volunteer.Channel.SELF
    assert volunteer.consent_version == CONSENT_VERSION
    assert volunteer.consent_at >= before
    assert volunteer.availability == availability_bit(5, 0) | availability_bit(6, 1)
    assert sorted(volunteer.categories.values_list("category", flat=True)) == [
        "community",
        "culture",
    ]
    assert (volunteer.residence_area, volunteer.occupation, volunteer.political_status) == (
        "金桥花园",
        "教师",
        "masses",
    )
    assert volunteer.user.phone == "13812340001"
    assert volunteer.user.check_password(PASSWORD)
    assert volunteer.person.id_number_masked == "3405**********" + ZHAO_ID[-4:]
    assert volunteer.person.user_id == volunteer.user_id
    consents = volunteer.person.consents.all()
    assert {consent.scope for consent in consents} == {"personal", "sensitive"}
    assert {consent.method for consent in consents} == {Consent.Method.ONLINE}
    assert AuditLog.objects.filter(
        action="volunteer.register", target_id=str(volunteer.pk)
    ).exists()
    done = Client().get(response["Location"])
    assert "注册申请已提交" in done.content.decode()


def test_missing_consent_is_refused_on_the_page(registry):
    before = counts()
    response = Client().post("/volunteers/register/", page_data(consent=None))
    assert response.status_code == 200
    assert "请阅读并同意《志愿者注册承诺书及个人信息处理告知》" in response.content.decode()
    assert counts() == before


def test_the_page_keeps_the_visitors_choices_and_explains_each_problem(registry):
    response = Client().post(
        "/volunteers/register/", page_data(password_again="something-else", id_number="340521")
    )
    html = response.content.decode()
    assert "两次输入的密码不一致" in html
    assert 'value="sat-am" checked' in html
    assert 'value="mon-am" checked' not in html


def test_a_signed_in_visitor_is_sent_to_apply(corps, world):
    response = signed_in(world.user(Role.RESIDENT)).get("/volunteers/register/")
    assert response["Location"] == "/volunteers/apply/"


# --- the API ----------------------------------------------------------------------------------


def test_register_through_the_api(registry):
    response = api_register()
    assert response.status_code == 202
    assert response.json() == {"status": "received"}
    volunteer = Volunteer.objects.get(user__phone=api_data()["phone"])
    assert volunteer.status == "pending"
    assert volunteer.availability == availability_bit(0, 0) | availability_bit(6, 2)
    assert volunteer.residence_area == "焦家小区"
    assert volunteer.consent_version == CONSENT_VERSION
    assert volunteer.channel == "self"


def test_the_api_refuses_a_missing_consent(registry):
    before = counts()
    response = api_register(consent=False)
    assert response.status_code == 422
    assert "consent" in error_fields(response)
    assert counts() == before


def test_the_api_refuses_unknown_availability_codes_and_categories(registry):
    response = api_register(availability=["mon-am", "caturday-am"])
    assert response.status_code == 422
    assert "caturday-am" in error_fields(response)["availability"]
    response = api_register(service_categories=["knitting"])
    assert response.status_code == 422
    assert "categories" in error_fields(response)


def test_the_station_may_be_left_out_only_when_there_is_one(registry):
    response = api_register(station=None)
    assert response.status_code == 422
    assert "station" in error_fields(response)
    assert api_register(station="NOWHERE").status_code == 422


def test_the_only_station_is_the_default(db):
    center = station_create(code="C", name="实践中心", kind="center", parent=None, actor=None)
    institute = station_create(code="I", name="实践所", kind="institute", parent=center, actor=None)
    station_create(code="ONLY", name="唯一实践站", kind="station", parent=institute, actor=None)
    response = api_register(station=None)
    assert response.status_code == 202
    assert Volunteer.objects.get().station.code == "ONLY"


def test_openapi_documents_the_availability_codes(db):
    schema = Client().get("/api/v1/openapi.json").json()
    register = schema["components"]["schemas"]["VolunteerRegisterIn"]
    availability = register["properties"]["availability"]
    assert availability["type"] == "array"
    assert "mon-am" in availability["description"] and "sun-ev" in availability["description"]
    assert schema["paths"]["/api/v1/volunteers/register"]["post"].get("security") in (None, [])


# --- minors -----------------------------------------------------------------------------------


def test_under_14_cannot_register_alone_on_the_page(registry):
    child_id = make_id_number("340521", born(13), 102, "M")
    before = counts()
    response = Client().post(
        "/volunteers/register/", page_data(id_number=child_id, guardian_name="赵建国")
    )
    assert "未满 14 周岁不能自行注册" in response.content.decode()
    assert counts() == before


def test_under_14_cannot_register_alone_through_the_api(registry):
    child_id = make_id_number("340521", born(13), 103, "M")
    response = api_register(id_number=child_id, gender=None, birth_date=None, guardian_name="赵")
    assert response.status_code == 422
    assert "未满 14 周岁" in error_fields(response)["birth_date"]


def test_14_to_17_need_a_guardians_consent(registry):
    teen_id = make_id_number("340521", born(16), 104, "F")
    refused = api_register(id_number=teen_id, gender=None, birth_date=None)
    assert refused.status_code == 422
    assert "guardian_name" in error_fields(refused)
    accepted = api_register(id_number=teen_id, gender=None, birth_date=None, guardian_name="赵建国")
    assert accepted.status_code == 202
    volunteer = Volunteer.objects.get(person__name=api_data()["name"], guardian_name="赵建国")
    assert volunteer.guardian_name == "赵建国"
    assert set(volunteer.person.consents.values_list("given_by", flat=True)) == {"guardian"}


def test_staff_may_register_a_child_with_a_guardian_at_the_desk(registry, world):
    staff = world.user(Role.STATION_STAFF)
    client = signed_in(staff)
    child_id = make_id_number("340521", born(12), 105, "M")
    page = client.get("/volunteers/new/")
    assert page.status_code == 200
    assert "完整告知上述承诺书" in page.content.decode()
    refused = client.post("/volunteers/new/", page_data(id_number=child_id, name="赵小明"))
    assert refused.status_code == 200
    assert "请填写监护人姓名" in refused.content.decode()
    response = client.post(
        "/volunteers/new/", page_data(id_number=child_id, name="赵小明", guardian_name="赵建国")
    )
    volunteer = Volunteer.objects.get(person__name="赵小明")
    assert response["Location"] == f"/volunteers/{volunteer.pk}/"
    assert volunteer.channel == Volunteer.Channel.STAFF
    assert volunteer.registered_by == staff
    assert volunteer.status == Volunteer.Status.PENDING
    assert set(volunteer.person.consents.values_list("method", "given_by")) == {
        ("paper", "guardian")
    }


def test_the_desk_is_for_staff_only(registry, world):
    assert signed_in(world.user(Role.VOLUNTEER)).get("/volunteers/new/").status_code == 403
    assert signed_in(world.user(Role.SUPERVISOR)).get("/volunteers/new/").status_code == 403
    outsider = signed_in(world.outsider)
    assert outsider.get("/volunteers/new/", {"station": "JIAOJIA"}).status_code == 404


# --- duplicates -------------------------------------------------------------------------------


def test_a_duplicate_phone_gets_the_neutral_answer_and_no_second_record(corps):
    before = counts()
    response = Client().post("/volunteers/register/", page_data(phone="13811110001"))
    assert response["Location"] == "/volunteers/register/done/"
    api = api_register(phone="138 1111 0001")
    assert api.status_code == 202 and api.json() == {"status": "received"}
    assert counts() == before
    held = list(AuditLog.objects.filter(action="volunteer.register_held"))
    assert len(held) == 2
    assert (held[0].after or {})["reasons"] == ["phone_taken"]
    assert "13811110001" not in str(held[0].after)


def test_a_duplicate_id_number_gets_the_neutral_answer_and_no_second_record(corps):
    applicant_id = make_id_number("340521", date(2000, 2, 2), 14, "F")
    before = counts()
    response = Client().post(
        "/volunteers/register/", page_data(id_number=applicant_id.lower(), name="周晓燕")
    )
    assert response["Location"] == "/volunteers/register/done/"
    api = api_register(id_number=applicant_id, name="周晓燕", gender=None, birth_date=None)
    assert api.status_code == 202 and api.json() == {"status": "received"}
    assert counts() == before
    reasons = AuditLog.objects.filter(action="volunteer.register_held").values_list(
        "after__reasons", flat=True
    )
    assert list(reasons) == [["id_volunteer"], ["id_volunteer"]]


# --- a signed-in user applies ---------------------------------------------------------------


def test_a_resident_applying_keeps_one_account_and_one_person_record(registry, world):
    resident_user = world.user(Role.RESIDENT)
    Resident.objects.filter(pk=registry.wang.pk).update(user=resident_user)
    before = counts()
    client = signed_in(resident_user)
    page = client.get("/volunteers/apply/").content.decode()
    assert 'value="王秀梅"' in page
    assert WANG_ID not in page
    response = client.post(
        "/volunteers/apply/",
        page_data(name="王秀梅", id_number=WANG_ID, phone=None, password=None, password_again=None),
    )
    assert response["Location"] == "/volunteers/me/"
    volunteer = Volunteer.objects.get(user=resident_user)
    assert volunteer.person_id == registry.wang.pk
    assert counts() == (before[0] + 1, before[1], before[2])
    assert client.get("/volunteers/apply/")["Location"] == "/volunteers/me/"


def test_an_account_tied_to_a_person_cannot_apply_as_someone_else(registry, world):
    resident_user = world.user(Role.RESIDENT)
    Resident.objects.filter(pk=registry.li.pk).update(user=resident_user)  # 李建国: no ID on file
    before = counts()
    response = signed_in(resident_user).post(
        "/volunteers/apply/",
        page_data(name="李建国", id_number=ZHAO_ID, phone=None, password=None, password_again=None),
    )
    assert response.status_code == 200
    assert "与您账户关联的居民登记信息不符" in response.content.decode()
    assert counts() == before


def test_an_account_without_a_person_record_gets_one(registry, world):
    resident_user = world.user(Role.RESIDENT)
    before = counts()
    response = signed_in(resident_user).post(
        "/volunteers/apply/", page_data(phone=None, password=None, password_again=None)
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user=resident_user)
    assert volunteer.station.code == "JIAOJIA"  # where their resident role is
    assert volunteer.person.user_id == resident_user.pk
    assert counts() == (before[0] + 1, before[1], before[2] + 1)


# --- decisions --------------------------------------------------------------------------------


def test_staff_approve_from_the_pending_page(corps, world):
    staff = world.user(Role.STATION_STAFF)
    client = signed_in(staff)
    html = client.get("/volunteers/pending/").content.decode()
    assert "周晓燕" in html
    assert "钱进" not in html and "黄文静" not in html  # another station's; already active
    response = client.post(
        f"/volunteers/{corps.applicant.pk}/decide/",
        {"decision": "approve", "back": "pending"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    applicant = Volunteer.objects.get(pk=corps.applicant.pk)
    assert applicant.status == Volunteer.Status.ACTIVE
    assert applicant.number.startswith(f"JIAOJIA{timezone.localdate().year}")
    assert applicant.number in response.content.decode()
    assert RoleAssignment.objects.filter(
        user=applicant.user, role=Role.VOLUNTEER, station=world.jiaojia
    ).exists()
    audit = AuditLog.objects.get(action="volunteer.active", target_id=str(applicant.pk))
    assert audit.actor == staff
    assert audit.before == {"status": "pending"}
    assert "周晓燕" not in signed_in(staff).get("/volunteers/pending/").content.decode()


def test_approve_through_the_api(corps, world):
    response = Client().post(
        f"/api/v1/volunteers/{corps.applicant.pk}/approve",
        **bearer(api_token(world.user(Role.STATION_STAFF))),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active"
    assert body["number"].startswith("JIAOJIA")
    assert body["decided_at"].endswith("+08:00")


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), (Role.SUPERVISOR, 403), (Role.VOLUNTEER, 403), (Role.TEAM_LEADER, 403)],
)
def test_only_staff_of_the_station_decide(corps, world, who, status):
    user = world.outsider if who == "outsider" else world.user(who)
    response = Client().post(
        f"/api/v1/volunteers/{corps.applicant.pk}/approve", **bearer(api_token(user))
    )
    assert response.status_code == status
    page = signed_in(user).post(
        f"/volunteers/{corps.applicant.pk}/decide/", {"decision": "approve"}
    )
    assert page.status_code == status
    assert Volunteer.objects.get(pk=corps.applicant.pk).status == Volunteer.Status.PENDING


def test_the_pending_page_is_for_staff(corps, world):
    assert signed_in(world.user(Role.VOLUNTEER)).get("/volunteers/pending/").status_code == 403
    assert "周晓燕" not in signed_in(world.outsider).get("/volunteers/pending/").content.decode()


def test_rejection_needs_a_reason(corps, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    url = f"/volunteers/{corps.applicant.pk}/decide/"
    refused = client.post(url, {"decision": "reject", "reason": " "}, HTTP_HX_REQUEST="true")
    assert "请填写不通过的原因" in refused.content.decode()
    assert Volunteer.objects.get(pk=corps.applicant.pk).status == Volunteer.Status.PENDING
    api = Client().post(
        f"/api/v1/volunteers/{corps.applicant.pk}/reject",
        {"reason": ""},
        content_type="application/json",
        **bearer(api_token(world.user(Role.STATION_STAFF))),
    )
    assert api.status_code == 422
    assert "reason" in error_fields(api)
    client.post(url, {"decision": "reject", "reason": "居住地不在本社区", "back": "pending"})
    applicant = Volunteer.objects.get(pk=corps.applicant.pk)
    assert (applicant.status, applicant.status_reason) == ("rejected", "居住地不在本社区")
    assert applicant.number == ""
    assert AuditLog.objects.filter(action="volunteer.rejected").exists()


def test_reject_through_the_api(corps, world):
    response = Client().post(
        f"/api/v1/volunteers/{corps.applicant.pk}/reject",
        {"reason": "信息不全"},
        content_type="application/json",
        **bearer(api_token(world.user(Role.STATION_STAFF))),
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["status_reason"] == "信息不全"


# Each endpoint and the state it moves to; the states it may start from are those TRANSITIONS
# allow, narrowed by what the decision means (approving is for applications, reinstating for
# suspended volunteers — both move to `active`).
ENDPOINTS = {
    "approve": (Volunteer.Status.ACTIVE, {Volunteer.Status.PENDING}),
    "reject": (Volunteer.Status.REJECTED, None),
    "suspend": (Volunteer.Status.SUSPENDED, None),
    "reinstate": (Volunteer.Status.ACTIVE, {Volunteer.Status.SUSPENDED}),
    "leave": (Volunteer.Status.LEFT, None),
}


def _cases() -> list[Any]:
    cases = []
    for endpoint, (target, meant_from) in ENDPOINTS.items():
        for start in Volunteer.Status.values:
            allowed = target in TRANSITIONS[start] and (meant_from is None or start in meant_from)
            cases.append(pytest.param(endpoint, start, allowed, id=f"{start}-{endpoint}"))
    return cases


@pytest.mark.parametrize(("endpoint", "start", "allowed"), _cases())
def test_every_transition_is_checked_against_the_table(corps, world, endpoint, start, allowed):
    Volunteer.objects.filter(pk=corps.applicant.pk).update(status=start)
    response = Client().post(
        f"/api/v1/volunteers/{corps.applicant.pk}/{endpoint}",
        {"reason": "测试原因"},
        content_type="application/json",
        **bearer(api_token(world.user(Role.STATION_STAFF))),
    )
    now = Volunteer.objects.get(pk=corps.applicant.pk).status
    if allowed:
        assert response.status_code == 200, response.json()
        assert now == ENDPOINTS[endpoint][0]
    else:
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invalid_transition"
        assert now == start


def test_a_wrong_state_on_the_page_says_why(corps, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.post(
        f"/volunteers/{corps.volunteer.pk}/decide/", {"decision": "approve"}, follow=True
    )
    assert "不能进行此操作" in response.content.decode()


def test_the_pending_page_costs_the_same_queries_for_many_rows(
    corps, world, django_assert_max_num_queries
):
    client = signed_in(world.user(Role.STATION_STAFF))
    client.get("/volunteers/pending/")
    with CaptureQueriesContext(connection) as one_row:
        client.get("/volunteers/pending/")
    for sequence in range(5):
        make_volunteer(
            world.jiaojia,
            None,
            f"申请人{'甲乙丙丁戊'[sequence]}",
            date(1991, 1, 1 + sequence),
            200 + sequence,
            approve=False,
            phone=f"1381234{sequence:04d}",
        )
    with django_assert_max_num_queries(len(one_row)):
        html = client.get("/volunteers/pending/").content.decode()
    assert html.count('data-testid="pending-row"') == 6
