"""Residents imported from the Excel sheets the station keeps: template, messy sheets, dry run,
all-or-nothing commit, progress, and who may do it."""

import io
import re
from datetime import date, datetime
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.core import crypto
from linli.core.idcard import make_id_number
from linli.people import importing
from linli.people.models import Consent, Household, ImportJob, Resident, ResidentTag
from tests.conftest import WANG_ID, add_resident, signed_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [header for _field, header in importing.COLUMNS]
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def person_id(born: date, sequence: int, gender: str = "M") -> str:
    return make_id_number("340521", born, sequence, gender)


def years_ago(years: int, month: int = 6, day: int = 1) -> date:
    return date(TODAY.year - years, month, day)


def workbook_bytes(
    rows: list[list[Any]], *, merges: tuple[str, ...] = (), sheet_title: str = "Sheet1"
) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_rows(*rows: dict[str, Any]) -> list[list[Any]]:
    return [HEADERS, *[[row.get(header) for header in HEADERS] for row in rows]]


def registry_counts() -> dict[str, int]:
    return {
        "residents": Resident.objects.count(),
        "households": Household.objects.count(),
        "consents": Consent.objects.count(),
        "tags": ResidentTag.objects.count(),
    }


def staff(world: Any) -> Any:
    return signed_in(world.user(Role.STATION_STAFF))


def upload(
    client: Any, content: bytes, *, name: str = "居民花名册.xlsx", consent: bool = True
) -> Any:
    data: dict[str, Any] = {"station": "JIAOJIA", "file": SimpleUploadedFile(name, content, XLSX)}
    if consent:
        data["consent_confirmed"] = "on"
    return client.post(reverse("people:import_upload"), data)


def upload_and_check(client: Any, content: bytes, capture: Any) -> ImportJob:
    with capture(execute=True):
        response = upload(client, content)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert response["Location"] == reverse("people:import_job", args=[job.pk])
    return job


def commit(client: Any, job: ImportJob, capture: Any) -> ImportJob:
    with capture(execute=True):
        response = client.post(reverse("people:import_commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def where(checked: Any) -> tuple[str, str, str, str]:
    assert checked.building is not None
    return (checked.building.estate.name, checked.building.number, checked.unit, checked.room)


def problems_by_row(job: ImportJob) -> dict[int, dict[str, list[str]]]:
    return {
        problem["row"]: {error["column"]: error["messages"] for error in problem["errors"]}
        for problem in job.report["problems"]
    }


# --- the template ----------------------------------------------------------------------------------


def test_the_template_downloads_and_reimports_cleanly(
    registry, world, django_capture_on_commit_callbacks
):
    client = staff(world)
    response = client.get(reverse("people:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet, guide = workbook.worksheets
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert guide.title == "填写说明"
    explained = [row[0] for row in guide.iter_rows(min_row=2, values_only=True) if row[0]]
    assert set(HEADERS) <= set(explained)
    guide_text = " ".join(str(v) for row in guide.iter_rows(values_only=True) for v in row if v)
    assert (
        "户主、配偶、子女" in guide_text and "独居、空巢" in guide_text and "1956.3" in guide_text
    )

    child_born = years_ago(8)
    rows: list[dict[str, Any]] = [
        {"姓名": "赵德明", "性别": "男", "出生日期": "1956-03-12",
         "身份证号码": person_id(date(1956, 3, 12), 11), "联系电话": "13955550001",
         "住址": "金桥花园1栋1单元101", "与户主关系": "户主", "标签": "独居、残疾",
         "残疾类别": "肢体", "残疾等级": "三级", "健康状况": "高血压"},
        {"姓名": "钱秀英", "性别": "女", "出生日期": date(1960, 5, 1),
         "小区": "焦家小区", "楼栋": "8", "单元": "2", "房号": "201", "与户主关系": "户主"},
        {"姓名": "钱小雨", "性别": "女", "出生日期": child_born.isoformat(),
         "小区": "焦家小区", "楼栋": "8", "单元": "2", "房号": "201", "与户主关系": "孙辈",
         "监护人": "钱秀英", "备注": "午间微学堂"},
    ]  # fmt: skip
    for row in rows:
        sheet.append([row.get(header) for header in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)

    job = upload_and_check(client, buffer.getvalue(), django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.CHECKED, job.report
    assert (job.valid_rows, job.bad_rows, job.report["problems"]) == (3, 0, [])
    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert "确认导入 3 条" in page

    job = commit(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE
    assert job.created_count == 3
    assert not job.file  # the sheet with ID numbers in clear is gone
    zhao = Resident.objects.get(name="赵德明")
    assert crypto.decrypt(zhao.id_number_cipher) == person_id(date(1956, 3, 12), 11)
    assert zhao.household is not None and zhao.household.room == "101"
    assert sorted(zhao.tags.values_list("tag", flat=True)) == ["disabled", "living_alone"]
    assert zhao.consents.filter(scope=Consent.Scope.SENSITIVE, method="paper").exists()
    grandchild = Resident.objects.get(name="钱小雨")
    grandma = Resident.objects.get(name="钱秀英")
    assert grandchild.household_id == grandma.household_id
    assert grandchild.relation == "grandchild"
    assert grandchild.note == "午间微学堂"
    guardian_consent = grandchild.consents.get(scope=Consent.Scope.SENSITIVE)
    assert (guardian_consent.given_by, guardian_consent.guardian_name) == ("guardian", "钱秀英")
    assert AuditLog.objects.filter(action="resident.bulk_create", after__count=3).exists()
    assert AuditLog.objects.filter(action="resident.import", target_id=str(job.pk)).exists()


# --- reading real sheets -------------------------------------------------------------------------


def messy_sheet() -> bytes:
    """焦家社区居民花名册 as a community worker keeps it."""
    born = {
        "sun": date(1950, 1, 2),
        "zhou": date(1953, 11, 30),
        "wu": date(1978, 7, 8),
        "zheng": date(1980, 2, 29),
        "feng": years_ago(10, 9, 9),
    }
    wu_id = person_id(born["wu"], 25)
    spaced_id = f" {wu_id[:6]} {wu_id[6:14]} {wu_id[14:]} "  # typed as text, with spaces
    rows: list[list[Any]] = [
        ["焦家社区居民花名册", None, None, None, None, None, None, None],
        ["序号", "名字", "性别", "出生年月", "公民身份号码", "手机", "家庭住址", "关系", "人员类别", "监护人"],
        [1, "孙  强", "M", date(1950, 1, 2), person_id(born["sun"], 1), 13955550011,
         "金桥花园3栋2单元502", "户主", "空巢", None],
        [2, "周桂兰", "女", "1953.11.30", person_id(born["zhou"], 2, "F"), None, None, "配偶",
         "空巢，低收入", None],
        [None, None, None, None, None, None, None, None, None, None],  # a blank row
        [3, "吴建华", "男", "1978/7/8", spaced_id, "13955550013",
         "金桥花园 2号楼 1单元 301室", "户主", None, None],
        [4, "郑丽", "F", "19800229", None, None, None, "配偶", None, None],
        [5, "冯小宝", "男", f"{born['feng'].year}年9月9日", None, None, None, "子", None, "吴建华"],
        [6, "陈志远", "男", "1949-10-01", 3.40521194910010e17, None, "金桥花园1栋1单元101",
         "户主", None, None],
        [7, "褚卫东", "男", "1956.3", None, None, "金桥花园1栋1单元102", "户主", None, None],
    ]  # fmt: skip
    return workbook_bytes(rows, merges=("A1:J1", "G3:G4", "G6:G8"))


def test_a_messy_realistic_sheet_reads_right(registry, world):
    sheet = importing.read_sheet(io.BytesIO(messy_sheet()))
    assert sheet.headers["name"] == "名字"
    assert sheet.headers["id_number"] == "公民身份号码"
    assert [number for number, _row in sheet.rows] == [3, 4, 6, 7, 8, 9, 10]  # row 5 was blank
    result = importing.check_sheet(station=world.jiaojia, sheet=sheet)
    checked = {row.data.name: row for row in result.checked}
    assert sorted(checked) == ["冯小宝", "吴建华", "周桂兰", "孙强", "郑丽"]
    sun, zhou, wu, zheng, feng = (
        checked[n] for n in ("孙强", "周桂兰", "吴建华", "郑丽", "冯小宝")
    )
    # The merged address cell G3:G4 covers 孙强's wife; G6:G8 the whole 吴 family.
    assert where(sun) == ("金桥花园", "3", "2", "502")
    assert zhou.building == sun.building and where(zhou) == where(sun)
    assert where(wu) == ("金桥花园", "2", "1", "301")
    assert (zheng.room, feng.room) == ("301", "301")
    assert (sun.birth_date, zhou.birth_date, wu.birth_date) == (
        date(1950, 1, 2),
        date(1953, 11, 30),
        date(1978, 7, 8),
    )
    assert zheng.birth_date == date(1980, 2, 29)
    assert feng.birth_date == years_ago(10, 9, 9)
    assert sun.data.phone == "13955550011"
    assert wu.id_number == person_id(date(1978, 7, 8), 25)
    assert (sun.gender, zheng.gender, feng.data.relation) == ("M", "F", "child")
    assert zhou.tags == frozenset({"empty_nest", "low_income"})
    assert sheet.ignored_columns == []

    bad = {problem["row"]: problem for problem in result.problems}
    assert sorted(bad) == [9, 10]
    id_message = bad[9]["errors"][0]
    assert id_message["column"] == "公民身份号码"
    assert "当成了数字" in id_message["messages"][0] and "文本" in id_message["messages"][0]
    assert len(bad[9]["errors"]) == 1  # no "fill in a birth date" noise: 出生年月 was given
    date_message = bad[10]["errors"][0]
    assert date_message["column"] == "出生年月"
    assert "1956.3" in date_message["messages"][0] and "完整的年月日" in date_message["messages"][0]


def test_the_messy_sheet_through_the_page(registry, world, django_capture_on_commit_callbacks):
    client = staff(world)
    job = upload_and_check(client, messy_sheet(), django_capture_on_commit_callbacks)
    assert (job.status, job.total_rows, job.valid_rows, job.bad_rows) == ("checked", 7, 5, 2)
    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert "第 9 行" in page and "第 10 行" in page
    assert "确认导入" not in page
    assert not job.file  # can never be imported as it is: not kept


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(1956, 3, 12, 8, 0), date(1956, 3, 12)),  # noqa: DTZ001 (Excel's are naive)
        (date(1956, 3, 12), date(1956, 3, 12)),
        ("1956.03.12", date(1956, 3, 12)),
        ("1956/3/12", date(1956, 3, 12)),
        ("1956-3-12", date(1956, 3, 12)),
        ("19560312", date(1956, 3, 12)),
        (19560312, date(1956, 3, 12)),
        ("1956年3月12日", date(1956, 3, 12)),
        ("１９５６．０３．１２", date(1956, 3, 12)),
        ("1956-03-12 00:00:00", date(1956, 3, 12)),
        (20526, date(1956, 3, 12)),  # an Excel date serial that lost its format
        (None, None),
        ("  ", None),
    ],
)
def test_birth_dates_in_every_usual_form(value, expected):
    assert importing.parse_birth_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1956.3", "不完整"),
        (1956.3, "不完整"),
        ("1956年3月", "不完整"),
        ("1956", "不完整"),
        ("1956.02.30", "不是有效日期"),
        ("56.3.12", "无法识别"),
        ("三月十二日", "无法识别"),
    ],
)
def test_birth_dates_refused_with_a_reason(value, message):
    with pytest.raises(importing.RowError) as refused:
        importing.parse_birth_date(value)
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("340521 19560312 0117", "340521195603120117"),
        ("34052119560312011x", "34052119560312011X"),
        ("'340521195603120117", "340521195603120117"),
        (340521195603120117, "340521195603120117"),  # exact digits, written by a program
    ],
)
def test_id_numbers_as_text(value, expected):
    assert importing.parse_id_number(value) == expected


@pytest.mark.parametrize("value", [3.40521195603121e17, 340521195603121000, 3405211956.0])
def test_id_numbers_excel_rounded_are_refused(value):
    with pytest.raises(importing.RowError) as refused:
        importing.parse_id_number(value)
    assert "文本" in refused.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("金桥花园3栋2单元502", ("金桥花园", "3", "2", "502")),
        ("金桥花园 3号楼 2单元 502室", ("金桥花园", "3", "2", "502")),
        ("金桥花园3幢2单元502", ("金桥花园", "3", "2", "502")),
        ("金桥花园3-2-502", ("金桥花园", "3", "2", "502")),
        ("金桥花园二期3栋1单元101", ("金桥花园二期", "3", "1", "101")),  # the longest name wins
        ("焦家社区金桥花园3栋2单元502", ("金桥花园", "3", "2", "502")),
        ("新华小区5栋1单元101", ("新华小区", "5", "1", "101")),  # unknown: the check says so
    ],
)
def test_addresses_in_one_column(text, expected):
    estates = ["金桥花园", "金桥花园二期", "焦家小区"]
    assert tuple(vars(importing.parse_address(text, estates)).values()) == expected


def test_an_address_that_cannot_be_read_is_refused():
    with pytest.raises(importing.RowError) as refused:
        importing.parse_address("金桥花园后面那栋", ["金桥花园"])
    assert "金桥花园3栋2单元502" in refused.value.message


def test_a_two_row_header_with_separate_address_columns(registry, world):
    rows = [
        ["姓名", "性别", "出生日期", "住址", None, None, None, "备注", "民族"],
        [None, None, None, "小区", "楼栋", "单元", "房号", None, None],
        ["蒋文", "男", "1970-01-01", "焦家小区", "8栋", "1单元", "102室", None, "汉"],
    ]
    merges = ("A1:A2", "B1:B2", "C1:C2", "D1:G1", "H1:H2", "I1:I2")
    content = workbook_bytes(rows, merges=merges)
    sheet = importing.read_sheet(io.BytesIO(content))
    assert sheet.ignored_columns == ["民族"]  # said on the report page, not silently dropped
    assert [number for number, _row in sheet.rows] == [3]
    result = importing.check_sheet(station=world.jiaojia, sheet=sheet)
    assert result.problems == []
    (jiang,) = result.checked
    assert where(jiang) == ("焦家小区", "8", "1", "102")


def test_files_that_cannot_be_imported_say_why(registry, world, django_capture_on_commit_callbacks):
    client = staff(world)
    not_xlsx = upload_and_check(
        client, b"PK\x03\x04 not really a zip", django_capture_on_commit_callbacks
    )
    assert not_xlsx.status == ImportJob.Status.FAILED
    assert ".xlsx" in not_xlsx.report["message"]
    no_header = workbook_bytes([["一些说明文字"], ["张三", "男"]])
    job = upload_and_check(client, no_header, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED and "表头" in job.report["message"]
    empty = workbook_bytes([HEADERS])
    job = upload_and_check(client, empty, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED and "没有居民数据" in job.report["message"]
    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert "没有居民数据" in page


def test_the_upload_form_refuses_other_files_and_needs_the_consent_box(registry, world):
    client = staff(world)
    response = upload(client, b"a,b\n", name="居民.csv")
    assert response.status_code == 200
    assert ".xlsx" in response.content.decode()
    response = upload(client, workbook_bytes(template_rows({"姓名": "蒋文"})), consent=False)
    assert response.status_code == 200
    assert "请先确认已收集书面同意书" in response.content.decode()
    assert not ImportJob.objects.exists()


# --- the dry run ---------------------------------------------------------------------------------


def test_the_dry_run_reports_every_bad_row_and_writes_nothing(
    registry, world, django_capture_on_commit_callbacks
):
    good_id = person_id(date(1962, 4, 5), 40)
    bad_checksum = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    repeated = person_id(date(1971, 8, 15), 41, "F")
    rows = template_rows(
        {"姓名": "韩梅", "身份证号码": good_id, "住址": "金桥花园1栋1单元101"},  # row 2: fine
        {"姓名": "杨帆", "身份证号码": bad_checksum, "住址": "金桥花园1栋1单元102"},
        {
            "姓名": "朱红",
            "出生日期": "1971-08-16",
            "身份证号码": person_id(date(1971, 8, 15), 42, "F"),
        },
        {"姓名": "秦岭", "性别": "男", "出生日期": "1990-01-01", "住址": "幸福家园1栋1单元101"},
        {"姓名": "尤小东", "性别": "男", "出生日期": years_ago(6).isoformat()},  # no 监护人
        {"姓名": "许芳", "身份证号码": repeated},  # row 7: first of a pair (valid)
        {"姓名": "何芳", "身份证号码": repeated},  # row 8: the same number again
        {"姓名": "吕秀梅", "身份证号码": WANG_ID},  # already registered (王秀梅)
        {"姓名": "施", "性别": "未知", "出生日期": "1980-01-01", "标签": "独居 孤寡"},
    )
    before = registry_counts()
    client = staff(world)
    job = upload_and_check(client, workbook_bytes(rows), django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.CHECKED
    assert (job.total_rows, job.valid_rows, job.bad_rows) == (9, 2, 7)
    problems = problems_by_row(job)
    assert sorted(problems) == [3, 4, 5, 6, 8, 9, 10]
    assert "校验位" in problems[3]["身份证号码"][0]
    assert "1971-08-16" in problems[4]["出生日期"][0] and "不符" in problems[4]["出生日期"][0]
    assert "幸福家园" in problems[5]["住址"][0] and "金桥花园" in problems[5]["住址"][0]
    assert "监护人" in problems[6]["监护人"][0]
    assert problems[8]["身份证号码"] == ["与第 7 行的身份证号码重复。"]
    assert "已经登记过" in problems[9]["身份证号码"][0]
    assert set(problems[10]) == {"姓名", "性别", "标签"}
    assert "孤寡" in problems[10]["标签"][0]
    assert registry_counts() == before

    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert 'data-testid="bad-rows"' in page
    for row in (3, 4, 5, 6, 8, 9, 10):
        assert f'data-row="{row}"' in page
    assert "commit-button" not in page
    assert "340521" not in str(job.report)  # no ID number kept in the report

    response = client.post(reverse("people:import_commit", args=[job.pk]), follow=True)
    assert "还有需要修改的行" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    assert registry_counts() == before


# --- the commit ---------------------------------------------------------------------------------


def family_rows(count: int, *, first_sequence: int = 100) -> list[dict[str, Any]]:
    """`count` adults, two to a flat, in the JIAOJIA buildings of the registry fixture."""
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
    addresses = ["金桥花园1栋", "金桥花园2栋", "金桥花园3栋", "焦家小区8栋"]
    rows = []
    for index in range(count):
        born = date(1940 + index % 50, 1 + index % 12, 1 + index % 28)
        flat = index // 2
        rows.append(
            {
                "姓名": surnames[index % len(surnames)]
                + given[index % len(given)]
                + given[(index // len(given)) % len(given)],
                "身份证号码": person_id(born, first_sequence + index % 400, "MF"[index % 2]),
                "住址": f"{addresses[flat % 4]}{1 + flat % 3}单元{101 + flat // 12}",
                "与户主关系": "户主" if index % 2 == 0 else "配偶",
            }
        )
    return rows


def test_commit_imports_every_row_with_households_shared(
    registry, world, django_capture_on_commit_callbacks
):
    before = registry_counts()
    client = staff(world)
    job = upload_and_check(
        client, workbook_bytes(template_rows(*family_rows(40))), django_capture_on_commit_callbacks
    )
    assert (job.status, job.valid_rows, job.bad_rows) == ("checked", 40, 0)
    job = commit(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE, job.report
    after = registry_counts()
    assert after["residents"] - before["residents"] == 40
    assert after["consents"] - before["consents"] == 80  # personal + the separate sensitive one
    assert 0 < after["households"] - before["households"] < 40
    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert "已导入 40 位居民" in page
    # A second click finds the job done.
    response = client.post(reverse("people:import_commit", args=[job.pk]), follow=True)
    assert "已经导入过" in response.content.decode()
    assert registry_counts() == after


def test_an_id_number_registered_between_check_and_commit_fails_the_whole_import(
    registry, world, django_capture_on_commit_callbacks
):
    rows = family_rows(12)
    client = staff(world)
    job = upload_and_check(
        client, workbook_bytes(template_rows(*rows)), django_capture_on_commit_callbacks
    )
    assert job.can_commit
    # Meanwhile a colleague registers the person on row 8 at the desk.
    add_resident(world.jiaojia, "另一位", id_number=rows[6]["身份证号码"])
    before = registry_counts()

    job = commit(client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED
    assert "没有导入任何居民" in job.report["message"]
    assert list(problems_by_row(job)) == [8]
    assert registry_counts() == before
    assert not job.file
    page = client.get(reverse("people:import_job", args=[job.pk])).content.decode()
    assert 'data-testid="import-failed"' in page and 'data-row="8"' in page


# A database failure on one resident's insert, in each database's own words (triggers take no
# parameters: the hash, hex digits only, goes into the text).
FAILING_TRIGGER = {
    "sqlite": (
        [
            "CREATE TRIGGER import_fails_half_way BEFORE INSERT ON people_resident "
            "WHEN NEW.id_number_hash = '{hash}' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        ],
        ["DROP TRIGGER import_fails_half_way"],
    ),
    "postgresql": (
        [
            "CREATE FUNCTION import_fails_half_way() RETURNS trigger AS $$ BEGIN "
            "IF NEW.id_number_hash = '{hash}' THEN RAISE EXCEPTION 'disk I/O error'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER import_fails_half_way BEFORE INSERT ON people_resident "
            "FOR EACH ROW EXECUTE FUNCTION import_fails_half_way()",
        ],
        [
            "DROP TRIGGER import_fails_half_way ON people_resident",
            "DROP FUNCTION import_fails_half_way()",
        ],
    ),
}


def test_a_database_failure_half_way_leaves_the_registry_exactly_as_it_was(
    registry, world, django_capture_on_commit_callbacks
):
    rows = family_rows(150)
    client = staff(world)
    job = upload_and_check(
        client, workbook_bytes(template_rows(*rows)), django_capture_on_commit_callbacks
    )
    assert job.can_commit
    before = registry_counts()
    audit_before = AuditLog.objects.count()
    # The database itself fails on the 120th resident, after the new households and the
    # residents before it were already inserted in the import's transaction.
    victim_hash = crypto.lookup_hash(rows[119]["身份证号码"])
    assert victim_hash.isalnum()
    create, drop = FAILING_TRIGGER[connection.vendor]
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement.replace("{hash}", victim_hash))
    try:
        with CaptureQueriesContext(connection) as queries:
            job = commit(client, job, django_capture_on_commit_callbacks)
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)

    # The registry's rows go in with executemany, logged as "150 times: INSERT …".
    statements = [re.sub(r"^\d+ times: ", "", q["sql"]) for q in queries.captured_queries]
    inserts = [sql.split("(")[0] for sql in statements if sql.startswith("INSERT")]
    assert 'INSERT INTO "people_household" ' in inserts  # new flats were written…
    assert 'INSERT INTO "people_resident" ' in inserts  # …then people, up to the failing one
    assert job.status == ImportJob.Status.FAILED
    assert "已全部撤销" in job.report["message"] and "disk I/O error" in job.report["message"]
    assert registry_counts() == before
    assert AuditLog.objects.count() == audit_before
    assert not Household.objects.filter(members=None).exists()


# --- progress ------------------------------------------------------------------------------------


def test_the_page_polls_a_progress_bar_until_the_check_is_done(registry, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = staff(world)
    response = upload(client, workbook_bytes(template_rows(*family_rows(3))))
    job = ImportJob.objects.get()
    url = reverse("people:import_job", args=[job.pk])
    assert response["Location"] == url

    full = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in full and "<progress" in full and "<html" in full
    ImportJob.objects.filter(pk=job.pk).update(status="checking", total_rows=3, processed_rows=1)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert f'hx-get="{url}"' in fragment
    assert 'max="3" value="1"' in fragment and "已检查 1 / 3 行" in fragment

    ImportJob.objects.filter(pk=job.pk).update(status="uploaded", total_rows=0, processed_rows=0)
    importing.run_import_check(job.pk)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment  # finished: the polling stops
    assert "确认导入 3 条" in fragment


def test_progress_is_reported_every_hundred_rows(registry, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    upload(staff(world), workbook_bytes(template_rows(*family_rows(250))))
    job = ImportJob.objects.get()
    with CaptureQueriesContext(connection) as queries:
        importing.run_import_check(job.pk)
    progress = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('UPDATE "people_importjob" SET "processed_rows"')
    ]
    assert len(progress) == 2
    assert '"processed_rows" = 100 ' in progress[0] and '"processed_rows" = 200 ' in progress[1]
    job.refresh_from_db()
    assert (job.processed_rows, job.total_rows, job.valid_rows) == (250, 250, 250)


# --- who may import ------------------------------------------------------------------------------


def test_another_stations_staff_get_404_on_the_job(
    registry, world, django_capture_on_commit_callbacks
):
    job = upload_and_check(
        staff(world),
        workbook_bytes(template_rows(*family_rows(2))),
        django_capture_on_commit_callbacks,
    )
    outsider = signed_in(world.outsider)
    assert outsider.get(reverse("people:import_job", args=[job.pk])).status_code == 404
    assert outsider.post(reverse("people:import_commit", args=[job.pk])).status_code == 404
    assert outsider.get(reverse("people:import_job", args=[job.pk + 1000])).status_code == 404
    listing = outsider.get(reverse("people:import_upload")).content.decode()
    assert "居民花名册.xlsx" not in listing
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    # The outsider's own upload goes to their own station, not JIAOJIA's.
    response = outsider.post(
        reverse("people:import_upload"),
        {"station": "JIAOJIA", "consent_confirmed": "on",
         "file": SimpleUploadedFile("x.xlsx", workbook_bytes(template_rows()), XLSX)},
    )  # fmt: skip
    assert response.status_code == 200 and ImportJob.objects.count() == 1
    assert outsider.get(reverse("people:import_upload"), {"station": "JIAOJIA"}).status_code == 404


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.VOLUNTEER, Role.RESIDENT, Role.CAREGIVER])
def test_only_registry_writers_import(registry, world, role):
    client = signed_in(world.user(role))
    assert client.get(reverse("people:import_upload")).status_code == 403
    assert client.get(reverse("people:import_template")).status_code == 403


def test_staff_see_their_recent_imports(registry, world, django_capture_on_commit_callbacks):
    client = staff(world)
    page = client.get(reverse("people:import_upload")).content.decode()
    assert "还没有导入过文件" in page and 'name="consent_confirmed"' in page
    upload_and_check(
        client, workbook_bytes(template_rows(*family_rows(2))), django_capture_on_commit_callbacks
    )
    page = client.get(reverse("people:import_upload")).content.decode()
    assert "居民花名册.xlsx" in page and "检查完成" in page


def test_admin_imports_into_a_station_they_choose(
    registry, world, django_capture_on_commit_callbacks
):
    client = signed_in(world.user(Role.ADMIN))
    page = client.get(reverse("people:import_upload"), {"station": "HUANGCHI"}).content.decode()
    assert 'value="HUANGCHI" selected' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("people:import_upload"),
            {"station": "HUANGCHI", "consent_confirmed": "on",
             "file": SimpleUploadedFile("h.xlsx", workbook_bytes(template_rows(
                 {"姓名": "卫东", "性别": "男", "出生日期": "1966-06-06", "住址": "黄池新村1栋1单元301"}
             )), XLSX)},
        )  # fmt: skip
    job = ImportJob.objects.get()
    assert (job.station, job.status, job.valid_rows) == (world.huangchi, "checked", 1)
