"""The resident list as an Excel file: the list's filters, masked ID numbers unless staff ask for
them in full, one audit row per export, and a query count that does not grow with the rows."""

import io
from datetime import date
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.urls import reverse

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.core.idcard import make_id_number
from linli.people import importing
from linli.people.actions import AddressInput
from tests.conftest import WANG_ID, add_resident, signed_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [header for _field, header in importing.COLUMNS]
WANG_MASKED = "3405**********1229"


def exported(client: Any, **params: Any) -> dict[str, dict[str, Any]]:
    """name → {header: value} of the downloaded file."""
    response = client.get(reverse("people:export"), params)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    return {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}


def last_export_audit() -> Any:
    """The newest export audit row (its `after` typed loosely: it is JSON)."""
    return AuditLog.objects.filter(action="resident.export").latest("pk")


def test_staff_export_is_masked_unless_they_ask_for_full_numbers(registry, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    rows = exported(client)
    assert sorted(rows) == ["李建国", "李梓涵", "王秀梅"]
    wang = rows["王秀梅"]
    assert wang["身份证号码"] == WANG_MASKED
    assert (wang["残疾类别"], wang["残疾等级"]) == (None, None)
    assert wang["住址"] == "金桥花园3栋2单元502"
    assert (wang["小区"], wang["楼栋"], wang["单元"], wang["房号"]) == ("金桥花园", "3", "2", "502")
    assert (wang["性别"], wang["与户主关系"]) == ("女", "户主")
    assert wang["标签"] == "残疾、独居"
    assert wang["出生日期"].date() == date(1958, 3, 12)
    assert rows["李梓涵"]["监护人"] is None
    audit = last_export_audit()
    assert audit.after["count"] == 3 and audit.after["unmasked"] is False
    assert audit.station == world.jiaojia


def test_staff_full_export_shows_the_numbers_and_is_audited(registry, world):
    staff = world.user(Role.STATION_STAFF)
    rows = exported(signed_in(staff), full="1")
    wang = rows["王秀梅"]
    assert wang["身份证号码"] == WANG_ID
    assert (wang["残疾类别"], wang["残疾等级"]) == ("肢体", "二级")
    assert rows["李梓涵"]["监护人"] == "李建国"
    assert "未成年" in rows["李梓涵"]["标签"]
    audit = last_export_audit()
    assert audit.actor == staff
    assert (audit.after["count"], audit.after["unmasked"], audit.after["unmasked_rows"]) == (
        3,
        True,
        3,
    )
    assert WANG_ID not in str(audit.after)


def test_supervisors_get_masked_numbers_even_when_they_ask(registry, world):
    rows = exported(signed_in(world.user(Role.SUPERVISOR)), full="1")
    assert rows["王秀梅"]["身份证号码"] == WANG_MASKED
    assert rows["王秀梅"]["残疾类别"] is None
    audit = last_export_audit()
    assert audit.after["unmasked"] is False and audit.after["full_requested"] is True


def test_the_export_uses_the_list_pages_filters(registry, world):
    client = signed_in(world.user(Role.STATION_STAFF))
    assert sorted(exported(client, tag="disabled")) == ["王秀梅"]
    assert sorted(exported(client, estate=registry.jiaojia_estate.pk)) == ["李建国", "李梓涵"]
    assert sorted(exported(client, age_band="child")) == ["李梓涵"]
    assert sorted(exported(client, q="wxm")) == ["王秀梅"]
    assert sorted(exported(client, q="没有这个人")) == []
    assert last_export_audit().after["count"] == 0  # an empty export is still a read


def test_another_stations_staff_export_only_their_own(registry, world):
    rows = exported(signed_in(world.outsider), full="1")
    assert sorted(rows) == ["王秀兰"]


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.RESIDENT, Role.CANTEEN_OPERATOR])
def test_roles_without_registry_access_cannot_export(registry, world, role):
    response = signed_in(world.user(role)).get(reverse("people:export"))
    assert response.status_code == 403
    assert not AuditLog.objects.filter(action="resident.export").exists()


def test_the_export_goes_back_in_through_the_import(registry, world):
    """A full export reads back as the same people: the importer understands every column."""
    response = signed_in(world.user(Role.STATION_STAFF)).get(
        reverse("people:export"), {"full": "1"}
    )
    sheet = importing.read_sheet(io.BytesIO(response.content))
    result = importing.check_sheet(station=world.jiaojia, sheet=sheet)
    # 王秀梅 is known by her ID number; the two without one would be registered again.
    (wang,) = result.problems
    assert wang["name"] == "王秀梅"
    assert wang["errors"] == [
        {"column": "身份证号码", "messages": ["该身份证号码已经登记过，请勿重复登记。"]}
    ]
    for checked in result.checked:
        stored = {registry.li.name: registry.li, registry.child.name: registry.child}[
            checked.data.name
        ]
        assert (checked.gender, checked.birth_date, checked.data.relation) == (
            stored.gender,
            stored.birth_date,
            stored.relation,
        )
        assert (checked.building, checked.unit, checked.room) == (
            stored.household.building,
            stored.household.unit,
            stored.household.room,
        )
    assert result.consents[-1].guardian_name == "李建国"  # the child's guardian came along


@pytest.mark.parametrize("full", ["", "1"])
def test_export_query_count_does_not_grow_with_rows(
    registry, world, django_assert_max_num_queries, full
):
    client = signed_in(world.user(Role.STATION_STAFF))
    with django_assert_max_num_queries(15) as few:
        assert len(exported(client, full=full)) == 3
    for index in range(30):
        add_resident(
            world.jiaojia,
            "新居民" + "甲乙丙丁戊己庚辛壬癸"[index % 10] + "子丑寅卯辰"[index // 10],
            id_number=make_id_number("340521", date(1950 + index, 1, 1), index, "M"),
            address=AddressInput("金桥花园", "1", "1", str(101 + index)),
            tags=frozenset({"empty_nest"}),
            disability_type="听力",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(exported(client, full=full)) == 33
