"""The registry on the web: list, search, filters, masking, revealing, registering, editing."""

import re
from datetime import date

import pytest

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.core import crypto
from linli.people.models import Consent, Household, Resident
from tests.conftest import WANG_ID, add_resident, signed_in


def listed_names(html: str) -> list[str]:
    return re.findall(r'class="person-name">([^<]+)</a>', html)


def test_staff_list_their_stations_residents_only(registry, world):
    html = signed_in(world.user(Role.STATION_STAFF)).get("/residents/").content.decode()
    assert sorted(listed_names(html)) == sorted(["王秀梅", "李建国", "李梓涵"])
    assert "王秀兰" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wxm", ["王秀梅"]),
        ("WXM", ["王秀梅"]),
        ("wangxiu", ["王秀梅"]),
        ("ljg", ["李建国"]),
        ("lz", ["李梓涵"]),
        ("秀梅", ["王秀梅"]),
        ("李", ["李建国", "李梓涵"]),
        ("0002", ["李建国"]),
        ("13855550001", ["王秀梅"]),
        (WANG_ID, ["王秀梅"]),
        (WANG_ID.lower(), ["王秀梅"]),
        ("340521195803121228", []),
    ],
)
def test_search_by_name_pinyin_initials_phone_or_id_number(registry, world, query, expected):
    client = signed_in(world.user(Role.STATION_STAFF))
    html = client.get("/residents/", {"q": query}, HTTP_HX_REQUEST="true").content.decode()
    assert sorted(listed_names(html)) == sorted(expected)


def test_filters_by_estate_tag_and_age_band(registry, world):
    client = signed_in(world.user(Role.STATION_STAFF))

    def names(**params):
        return sorted(listed_names(client.get("/residents/", params).content.decode()))

    assert names(estate=registry.jiaojia_estate.pk) == ["李建国", "李梓涵"]
    assert names(tag="disabled") == ["王秀梅"]
    assert names(tag="minor") == ["李梓涵"]
    assert names(age_band="child") == ["李梓涵"]
    assert names(age_band="elderly") == ["王秀梅"]
    assert names(age_band="adult") == ["李建国"]


def test_id_numbers_are_masked_in_the_list_and_the_page(registry, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    for page in ["/residents/", f"/residents/{registry.wang.pk}/"]:
        html = client.get(page).content.decode()
        assert WANG_ID not in html
        assert "3405**********1229" in html


def test_the_database_holds_no_id_number_in_clear(registry):
    wang = Resident.objects.get(pk=registry.wang.pk)
    assert WANG_ID not in wang.id_number_cipher
    assert crypto.decrypt(wang.id_number_cipher) == WANG_ID
    assert "肢体" not in wang.sensitive_cipher


def test_staff_reveal_the_id_number_and_the_read_is_audited(registry, world):
    staff = world.user(Role.STATION_STAFF)
    response = signed_in(staff).post(
        f"/residents/{registry.wang.pk}/reveal/id_number/", HTTP_HX_REQUEST="true"
    )
    assert WANG_ID in response.content.decode()
    row = AuditLog.objects.get(action="resident.reveal")
    assert row.actor == staff
    assert row.target_id == str(registry.wang.pk)
    assert row.after == {"fields": ["id_number"]}
    assert WANG_ID not in str(row.before) + str(row.after)


def test_staff_reveal_health_and_disability_and_it_is_audited(registry, world):
    response = signed_in(world.user(Role.STATION_STAFF)).post(
        f"/residents/{registry.wang.pk}/reveal/sensitive/"
    )
    assert "肢体" in response.content.decode()
    assert AuditLog.objects.get(action="resident.reveal").after == {
        "fields": ["disability", "health"]
    }


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.VOLUNTEER, Role.RESIDENT, Role.CAREGIVER])
def test_others_cannot_reveal(registry, world, role):
    response = signed_in(world.user(role)).post(f"/residents/{registry.wang.pk}/reveal/id_number/")
    assert response.status_code in (403, 404)
    assert WANG_ID not in response.content.decode()
    assert not AuditLog.objects.filter(action="resident.reveal").exists()


def test_supervisor_reads_masked_and_sees_no_reveal_button(registry, world):
    html = (
        signed_in(world.user(Role.SUPERVISOR))
        .get(f"/residents/{registry.wang.pk}/")
        .content.decode()
    )
    assert "3405**********1229" in html
    assert 'data-testid="reveal-id"' not in html


def test_outsider_gets_404_on_another_stations_resident_and_household(registry, world):
    client = signed_in(world.outsider)
    assert client.get(f"/residents/{registry.wang.pk}/").status_code == 404
    assert client.get(f"/residents/households/{registry.wang.household_id}/").status_code == 404
    assert client.post(f"/residents/{registry.wang.pk}/reveal/id_number/").status_code == 404
    assert client.get(f"/residents/{registry.wang.pk}/edit/").status_code == 404


@pytest.mark.parametrize(
    "role", [Role.TEAM_LEADER, Role.VOLUNTEER, Role.RESIDENT, Role.CANTEEN_OPERATOR]
)
def test_roles_without_registry_access_get_403(registry, world, role):
    assert signed_in(world.user(role)).get("/residents/").status_code == 403


def test_household_page_lists_its_members(registry, world):
    html = (
        signed_in(world.user(Role.STATION_STAFF))
        .get(f"/residents/households/{registry.li.household_id}/")
        .content.decode()
    )
    assert sorted(listed_names(html)) == ["李建国", "李梓涵"]
    assert "焦家小区8栋1单元101" in html


def test_list_query_count_does_not_grow_with_rows(registry, world, django_assert_max_num_queries):
    client = signed_in(world.user(Role.STATION_STAFF))
    with django_assert_max_num_queries(30) as baseline:
        client.get("/residents/")
    from linli.people.actions import AddressInput

    for index in range(25):
        add_resident(
            world.jiaojia,
            f"张{'一二三四五六七八九十'[index % 10]}{'甲乙丙丁戊'[index % 5]}",
            gender="M",
            birth_date=date(1970, 1, 1 + index),
            address=AddressInput("金桥花园", "1", "1", f"{100 + index}"),
            tags=frozenset({"low_income"}),
        )
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get("/residents/")


# --- registering and editing ------------------------------------------------------------------------


def registration(**overrides):
    data = {
        "name": "赵兰芳",
        "id_number": "340521196207150028",
        "phone": "13855550009",
        "estate": "",
        "building": "",
        "unit": "",
        "room": "",
        "relation": "head",
        "consent_method": "paper",
        "consent_sensitive": "on",
    }
    data.update(overrides)
    return data


def test_staff_register_a_resident_with_consent(registry, world):
    staff = world.user(Role.STATION_STAFF)
    data = registration(estate=registry.jinqiao.pk, building="2栋", unit="1单元", room="301室")
    response = signed_in(staff).post("/residents/new/", data)
    assert response.status_code == 302, response.content.decode()
    resident = Resident.objects.get(name="赵兰芳")
    assert resident.birth_date == date(1962, 7, 15)
    assert resident.gender == "F"
    assert resident.name_initials == "zlf"
    assert str(resident.household) == "金桥花园2栋1单元301"
    assert set(resident.consents.values_list("scope", flat=True)) == {"personal", "sensitive"}
    consent = resident.consents.get(scope="personal")
    assert consent.recorded_by == staff
    created = AuditLog.objects.get(action="resident.create", target_id=str(resident.pk))
    assert created.after is not None
    assert created.after["id_number_masked"] == "3405**********0028"
    assert "340521196207150028" not in str(created.after)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id_number": "340521196207150025"}, "校验位不正确"),
        ({"id_number": "340521196202300028"}, "不是有效日期"),
        ({"birth_date": "1962-07-16"}, "与身份证号码中的"),
        ({"gender": "M"}, "性别与身份证号码不符"),
        ({"id_number": "340521195803121229"}, "已经登记过"),
        ({"consent_sensitive": ""}, "单独同意"),
        ({"phone": "12345"}, "联系电话"),
        ({"building": "9", "unit": "1", "room": "101"}, "没有 9 栋"),
        ({"name": "赵"}, "请填写姓名"),
    ],
)
def test_bad_registrations_are_refused_with_clear_messages_and_nothing_kept(
    registry, world, overrides, message
):
    if "building" in overrides:
        overrides["estate"] = registry.jinqiao.pk
    before = Resident.objects.count()
    response = signed_in(world.user(Role.STATION_STAFF)).post(
        "/residents/new/", registration(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Resident.objects.count() == before


def test_a_child_needs_a_guardians_consent(registry, world):
    staff = signed_in(world.user(Role.STATION_STAFF))
    child = registration(name="刘浩然", id_number="", gender="M", birth_date="2019-09-01")
    refused = staff.post("/residents/new/", child)
    assert "监护人" in refused.content.decode()
    child["guardian_name"] = "刘红霞"
    assert staff.post("/residents/new/", child).status_code == 302
    consent = Consent.objects.filter(resident__name="刘浩然").get(scope="personal")
    assert consent.given_by == "guardian"
    assert consent.guardian_name == "刘红霞"


def test_staff_edit_a_resident_and_the_change_is_audited_masked(registry, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    page = client.get(f"/residents/{registry.li.pk}/edit/")
    assert page.status_code == 200
    response = client.post(
        f"/residents/{registry.li.pk}/edit/",
        {
            "name": "李建国",
            "gender": "M",
            "birth_date": "1980-05-01",
            "phone": "13855550099",
            "estate": registry.jinqiao.pk,
            "building": "1",
            "unit": "1",
            "room": "102",
            "relation": "head",
            "tags": ["low_income"],
        },
    )
    assert response.status_code == 302, response.content.decode()
    li = Resident.objects.get(pk=registry.li.pk)
    assert li.phone == "13855550099"
    assert str(li.household) == "金桥花园1栋1单元102"
    assert list(li.tags.values_list("tag", flat=True)) == ["low_income"]
    row = AuditLog.objects.get(action="resident.update")
    assert row.before is not None and row.before["phone"] == "13855550002"
    assert row.after is not None and row.after["phone"] == "13855550099"
    # The old household is kept (the child still lives there).
    assert Household.objects.filter(pk=registry.li.household_id).exists()


def test_supervisors_cannot_register_or_edit(registry, world):
    client = signed_in(world.user(Role.SUPERVISOR))
    assert client.get("/residents/new/").status_code == 403
    assert client.get(f"/residents/{registry.li.pk}/edit/").status_code == 403
