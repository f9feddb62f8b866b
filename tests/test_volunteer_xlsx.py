"""Volunteers in Excel: the import (template, messy rosters, dry run, all-or-nothing commit,
duplicates, approval on import, who may), the list export and the national-system export."""

import dataclasses
import io
import re
from datetime import date, datetime
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.models import AuditLog
from linli.core.idcard import make_id_number
from linli.core.importjobs import ImportFileError, cached_progress
from linli.people.importing.columns import RowError
from linli.people.models import Consent, Resident
from linli.teams.models import TeamMembership
from linli.volunteers import importing
from linli.volunteers.actions.registration import volunteer_profile_update
from linli.volunteers.exporting import NATIONAL_HEADERS
from linli.volunteers.models import Volunteer, VolunteerImportJob, availability_bit
from tests.conftest import WANG_ID, make_volunteer, signed_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [header for _field, header in importing.COLUMNS]
TODAY = timezone.localdate()
# Excel has no time zones: openpyxl reads and writes date cells as naive datetimes.
FENG_BORN = datetime(1978, 5, 6)  # noqa: DTZ001
ZHANG_BORN = datetime(1975, 3, 3)  # noqa: DTZ001
NEW_YEAR = datetime(2026, 1, 1)  # noqa: DTZ001
HUANG_ID = make_id_number("340521", date(1995, 6, 6), 12, "F")  # corps.volunteer, 黄文静
ZHANG_ID = make_id_number("340521", date(1975, 3, 3), 11, "M")  # corps.leader, 张志强


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def person_id(born: date, sequence: int, gender: str = "M") -> str:
    return make_id_number("340521", born, sequence, gender)


def workbook_bytes(rows: list[list[Any]], *, merges: tuple[str, ...] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_rows(*rows: dict[str, Any]) -> list[list[Any]]:
    return [HEADERS, *[[row.get(header) for header in HEADERS] for row in rows]]


def person(name: str, born: date, sequence: int, phone: str, **more: Any) -> dict[str, Any]:
    gender = "M" if sequence % 2 else "F"
    return {
        "姓名": name,
        "身份证号码": person_id(born, sequence, gender),
        "手机号码": phone,
        **more,
    }


def counts() -> dict[str, int]:
    return {
        "volunteers": Volunteer.objects.count(),
        "users": User.objects.count(),
        "people": Resident.objects.count(),
        "consents": Consent.objects.count(),
        "roles": RoleAssignment.objects.count(),
    }


def staff(world: Any) -> Any:
    return signed_in(world.user(Role.STATION_STAFF))


def upload(client: Any, content: bytes, *, consent: bool = True, approve: bool = False) -> Any:
    data: dict[str, Any] = {
        "station": "JIAOJIA",
        "file": SimpleUploadedFile("志愿者花名册.xlsx", content, XLSX),
    }
    if consent:
        data["consent_confirmed"] = "on"
    if approve:
        data["approve"] = "on"
    return client.post(reverse("volunteers:import_upload"), data)


def upload_and_check(
    client: Any, content: bytes, capture: Any, *, approve: bool = False
) -> VolunteerImportJob:
    with capture(execute=True):
        response = upload(client, content, approve=approve)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = VolunteerImportJob.objects.latest("pk")
    assert response["Location"] == reverse("volunteers:import_job", args=[job.pk])
    return job


def commit(client: Any, job: VolunteerImportJob, capture: Any) -> VolunteerImportJob:
    with capture(execute=True):
        response = client.post(reverse("volunteers:import_commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def problems_by_row(job: VolunteerImportJob) -> dict[int, dict[str, list[str]]]:
    return {
        problem["row"]: {error["column"]: error["messages"] for error in problem["errors"]}
        for problem in job.report["problems"]
    }


def read_xlsx(content: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- the template and a clean import -------------------------------------------------------------


def test_the_template_downloads_and_imports_pending_volunteers(
    corps, world, django_capture_on_commit_callbacks
):
    client = staff(world)
    response = client.get(reverse("volunteers:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADERS
    assert workbook.sheetnames == ["志愿者信息", "填写说明"]

    sheet = workbook.worksheets[0]
    sheet.append(
        [
            "赵兰芳",
            "女",
            "1962-07-15",
            "340521196207150028",
            "13955550001",
            "中共党员",
            "退休教师",
            "书法、辅导作业",
            "支教助学、文明宣讲",
            "周一至周五下午、周六上午",
            "金桥花园",
            None,
        ]
    )
    sheet.append(["孙浩", None, None, person_id(date(1990, 9, 9), 50), "139 5555 0002"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = counts()
    job = upload_and_check(client, buffer.getvalue(), django_capture_on_commit_callbacks)
    assert job.status == VolunteerImportJob.Status.CHECKED, job.report
    assert (job.total_rows, job.valid_rows, job.bad_rows) == (2, 2, 0)
    assert counts() == before  # the dry run kept nothing
    page = client.get(reverse("volunteers:import_job", args=[job.pk])).content.decode()
    assert "commit-button" in page and "确认导入 2 人" in page

    job = commit(client, job, django_capture_on_commit_callbacks)
    assert job.status == VolunteerImportJob.Status.DONE, job.report
    assert job.created_count == 2
    assert not job.file  # the sheet with ID numbers in clear is gone
    zhao = Volunteer.objects.select_related("person", "user").get(person__name="赵兰芳")
    assert zhao.status == Volunteer.Status.PENDING and zhao.number == ""
    assert zhao.channel == Volunteer.Channel.IMPORT
    assert zhao.registered_by == world.user(Role.STATION_STAFF)
    assert zhao.station == world.jiaojia
    assert zhao.user.phone == "13955550001"
    assert zhao.person.birth_date == date(1962, 7, 15) and zhao.person.gender == "F"
    assert zhao.political_status == "party"
    assert (zhao.occupation, zhao.skills, zhao.residence_area) == (
        "退休教师",
        "书法、辅导作业",
        "金桥花园",
    )
    assert sorted(zhao.categories.values_list("category", flat=True)) == [
        "civility",
        "education",
    ]
    afternoons = sum(availability_bit(day, 1) for day in range(5))
    assert zhao.availability == afternoons | availability_bit(5, 0)
    assert zhao.person.consents.filter(method="paper").exists()
    sun = Volunteer.objects.get(person__name="孙浩")
    assert sun.user.phone == "13955550002" and sun.person.gender == "M"
    assert AuditLog.objects.filter(action="volunteer.import", target_id=str(job.pk)).exists()
    assert AuditLog.objects.filter(action="volunteer.register", target_id=str(zhao.pk)).exists()
    done = client.get(reverse("volunteers:import_job", args=[job.pk])).content.decode()
    assert "已导入 2 位志愿者，待审核" in done


def test_approved_on_import_when_the_uploader_ticks_it(
    corps, world, django_capture_on_commit_callbacks
):
    rows = template_rows(
        person("钱芳", date(1985, 1, 2), 60, "13955550010"),
        person("吴强", date(1986, 2, 3), 61, "13955550011"),
    )
    client = staff(world)
    job = upload_and_check(
        client, workbook_bytes(rows), django_capture_on_commit_callbacks, approve=True
    )
    assert job.approve and job.can_commit
    job = commit(client, job, django_capture_on_commit_callbacks)
    assert job.status == VolunteerImportJob.Status.DONE, job.report
    imported = Volunteer.objects.filter(channel="import").order_by("number")
    assert [v.status for v in imported] == ["active", "active"]
    year = timezone.localdate().year
    assert [v.number for v in imported] == [f"JIAOJIA{year}00003", f"JIAOJIA{year}00004"]
    for volunteer in imported:
        assert volunteer.decided_by == world.user(Role.STATION_STAFF)
        assert RoleAssignment.objects.filter(
            user=volunteer.user, role=Role.VOLUNTEER, station=world.jiaojia
        ).exists()


def test_a_resident_already_in_the_registry_becomes_a_volunteer_as_the_same_person(
    corps, registry, world, django_capture_on_commit_callbacks
):
    rows = template_rows({"姓名": "王秀梅", "身份证号码": WANG_ID, "手机号码": "13955550020"})
    client = staff(world)
    job = commit(
        client,
        upload_and_check(client, workbook_bytes(rows), django_capture_on_commit_callbacks),
        django_capture_on_commit_callbacks,
    )
    assert job.status == VolunteerImportJob.Status.DONE, job.report
    assert Volunteer.objects.get(channel="import").person == registry.wang


# --- messy sheets ----------------------------------------------------------------------------------


def messy_sheet() -> bytes:
    """焦家社区志愿者花名册 as kept: a title row, other column names, a merged 居住地, an
    Excel date, an ID number with spaces, a column the import does not take."""
    feng_id = person_id(date(1978, 5, 6), 70, "F")
    rows: list[list[Any]] = [
        ["焦家社区新时代文明实践站志愿者花名册（2026年）"],
        ["序号", "志愿者姓名", "性别", "出生年月日", "身份证号", "手机", "政治面目", "特长",
         "服务类型", "服务时间", "居住地", "备注"],
        [1, "冯  丽", "女", FENG_BORN, f"{feng_id[:6]} {feng_id[6:14]} {feng_id[14:]}",
         "13955550030", "团员", "舞蹈", "文体、社区", "周末", "焦家小区", "腰鼓队"],
        [2, "陈刚", "男", "1980.02.03", person_id(date(1980, 2, 3), 71), "13955550031",
         "群众", "", "助老", "每天晚上", None, ""],
    ]  # fmt: skip
    return workbook_bytes(rows, merges=("K3:K4",))


def test_a_messy_roster_reads_right(corps, world, django_capture_on_commit_callbacks):
    client = staff(world)
    job = upload_and_check(client, messy_sheet(), django_capture_on_commit_callbacks)
    assert job.can_commit, job.report
    assert job.report["ignored_columns"] == ["备注"]
    job = commit(client, job, django_capture_on_commit_callbacks)
    assert job.status == VolunteerImportJob.Status.DONE, job.report
    feng = Volunteer.objects.select_related("person").get(person__name="冯丽")
    assert feng.person.birth_date == date(1978, 5, 6)
    assert feng.political_status == "league"
    assert feng.skills == "舞蹈"
    assert sorted(feng.categories.values_list("category", flat=True)) == ["community", "culture"]
    assert feng.availability == sum(availability_bit(day, s) for day in (5, 6) for s in range(3))
    chen = Volunteer.objects.get(person__name="陈刚")
    assert chen.residence_area == "焦家小区"  # from the merged cell
    assert chen.political_status == "masses"
    assert chen.availability == sum(availability_bit(day, 2) for day in range(7))
    assert list(chen.categories.values_list("category", flat=True)) == ["elderly_disabled"]


@pytest.mark.parametrize(
    ("text", "bits"),
    [
        ("", []),
        ("周一上午", [(0, 0)]),
        ("星期三全天", [(2, 0), (2, 1), (2, 2)]),
        ("周六下午、周日晚上", [(5, 1), (6, 2)]),
        ("周末", [(5, 0), (5, 1), (5, 2), (6, 0), (6, 1), (6, 2)]),
        ("周天上午", [(6, 0)]),
        ("工作日晚上", [(day, 2) for day in range(5)]),
        ("周二至周四上午", [(1, 0), (2, 0), (3, 0)]),
        ("周一到周二下午", [(0, 1), (1, 1)]),
        ("晚上", [(day, 2) for day in range(7)]),
        ("不限", [(day, slot) for day in range(7) for slot in range(3)]),
    ],
)
def test_availability_as_people_write_it(text, bits):
    assert importing.parse_availability(text) == sum(availability_bit(d, s) for d, s in bits)


@pytest.mark.parametrize("text", ["周八上午", "有空就来", "周五至周一"])
def test_availability_that_cannot_be_read_is_refused(text):
    with pytest.raises(RowError) as refused:
        importing.parse_availability(text)
    assert refused.value.field_name == "availability" and text in refused.value.message


def test_categories_by_name_short_name_or_code():
    assert importing.parse_categories("社区服务、助老，legal") == {
        "community",
        "elderly_disabled",
        "legal",
    }
    with pytest.raises(RowError) as refused:
        importing.parse_categories("社区服务 跑腿")
    assert "跑腿" in refused.value.message


def test_files_that_cannot_be_imported_say_why(corps, world, django_capture_on_commit_callbacks):
    client = staff(world)
    for content, message in (
        (b"not a spreadsheet", "无法读取"),
        (workbook_bytes([["花名册"], ["甲", "乙"]]), "没有找到表头"),
        (workbook_bytes([HEADERS]), "没有志愿者数据"),
    ):
        job = upload_and_check(client, content, django_capture_on_commit_callbacks)
        assert job.status == VolunteerImportJob.Status.FAILED
        assert message in job.report["message"]
        assert not job.file


def test_a_sheet_over_the_limit_is_refused_whole(monkeypatch):
    layout = importing.columns.VOLUNTEERS
    monkeypatch.setattr(importing.columns, "VOLUNTEERS", dataclasses.replace(layout, max_rows=3))
    rows = template_rows(*[{"姓名": f"人{i}", "手机号码": "x"} for i in range(4)])
    with pytest.raises(ImportFileError) as refused:
        importing.read_volunteer_sheet(io.BytesIO(workbook_bytes(rows)))
    assert "最多导入 3 位" in refused.value.message


def test_the_upload_form_refuses_other_files_and_needs_the_consent_box(corps, world):
    client = staff(world)
    response = upload(client, workbook_bytes(template_rows()), consent=False)
    assert response.status_code == 200
    assert "请先确认已收集签字的注册承诺书" in response.content.decode()
    response = client.post(
        reverse("volunteers:import_upload"),
        {
            "station": "JIAOJIA",
            "file": SimpleUploadedFile("roster.xls", b"old", "application/vnd.ms-excel"),
            "consent_confirmed": "on",
        },
    )
    assert "另存为" in response.content.decode()
    assert not VolunteerImportJob.objects.exists()


# --- the dry run -----------------------------------------------------------------------------------


def test_the_dry_run_lists_every_bad_row_and_writes_nothing(
    corps, world, django_capture_on_commit_callbacks
):
    good = person("韩梅", date(1962, 4, 5), 80, "13955550040")
    valid = person_id(date(1963, 1, 1), 81)
    bad_checksum = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    repeated_id = person_id(date(1971, 8, 15), 82, "F")
    teenager = person("小雨", date(TODAY.year - 16, 1, 1), 83, "13955550043")
    rows = template_rows(
        good,  # row 2: fine
        {"姓名": "杨帆", "身份证号码": bad_checksum, "手机号码": "13955550041"},
        {"姓名": "许芳", "身份证号码": repeated_id, "手机号码": "13955550042"},  # row 4: fine
        {"姓名": "何芳", "身份证号码": repeated_id, "手机号码": "13955550044"},  # row 5: repeat
        teenager,  # row 6: 16, no guardian
        {**person("朱红", date(1990, 3, 3), 84, "13955550045"), "服务类别": "跑腿"},
        {**person("秦岭", date(1991, 3, 3), 85, "13955550046"), "可服务时间": "有空就来"},
        {"姓名": "黄文静", "身份证号码": HUANG_ID, "手机号码": "13955550047"},  # a volunteer
        {**person("尤东", date(1992, 3, 3), 86, "13955550040")},  # row 10: row 2's phone
        {**person("吕梅", date(1993, 3, 3), 87, world.user(Role.RESIDENT).phone)},
        {"姓名": "施", "身份证号码": 340521199001010000, "手机号码": "12345"},
        {**person("孔明", date(1994, 3, 3), 88, "13955550048"), "政治面貌": "无"},
    )
    before = counts()
    audit_before = AuditLog.objects.count()
    client = staff(world)
    job = upload_and_check(client, workbook_bytes(rows), django_capture_on_commit_callbacks)

    assert job.status == VolunteerImportJob.Status.CHECKED
    assert (job.total_rows, job.valid_rows, job.bad_rows) == (12, 2, 10)
    problems = problems_by_row(job)
    assert sorted(problems) == [3, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    assert "校验位" in problems[3]["身份证号码"][0]
    assert problems[5] == {"身份证号码": ["与第 4 行的身份证号码重复。"]}
    assert "监护人" in problems[6]["监护人"][0]
    assert "跑腿" in problems[7]["服务类别"][0]
    assert "有空就来" in problems[8]["可服务时间"][0]
    assert "已注册为志愿者" in problems[9]["身份证号码"][0]
    assert "与第 2 行的手机号码相同" in problems[10]["手机号码"][0]
    assert "已注册账户" in problems[11]["手机号码"][0]
    assert set(problems[12]) == {"身份证号码", "手机号码"}
    assert "Excel" in problems[12]["身份证号码"][0]
    assert "政治面貌" in problems[13]
    assert counts() == before
    assert AuditLog.objects.count() == audit_before + 1  # the upload, nothing more
    assert not job.file
    assert "340521" not in str(job.report)  # no ID number kept in the report

    page = client.get(reverse("volunteers:import_job", args=[job.pk])).content.decode()
    assert 'data-testid="bad-rows"' in page and "commit-button" not in page
    for row in sorted(problems):
        assert f'data-row="{row}"' in page
    response = client.post(reverse("volunteers:import_commit", args=[job.pk]), follow=True)
    assert "还有需要修改的行" in response.content.decode()
    job.refresh_from_db()
    assert job.status == VolunteerImportJob.Status.CHECKED
    assert counts() == before


# --- all or nothing --------------------------------------------------------------------------------


SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def made_up_name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[index * 7 % len(GIVEN)] + "一二三"[index % 3]


def many_rows(count: int, first: int = 200) -> list[dict[str, Any]]:
    return [
        person(made_up_name(index), date(1970 + index % 30, 1 + index % 12, 1 + index % 28),
               first + index, f"1395556{first + index:04d}")
        for index in range(count)
    ]  # fmt: skip


def test_an_id_registered_between_check_and_commit_fails_the_whole_import(
    corps, world, django_capture_on_commit_callbacks
):
    rows = many_rows(5)
    client = staff(world)
    job = upload_and_check(
        client, workbook_bytes(template_rows(*rows)), django_capture_on_commit_callbacks
    )
    assert job.can_commit
    # Meanwhile the fourth person registers themself.
    make_volunteer(world.jiaojia, None, made_up_name(3), date(1973, 4, 4), 203, phone="13700009999")
    before = counts()
    job = commit(client, job, django_capture_on_commit_callbacks)
    assert job.status == VolunteerImportJob.Status.FAILED
    assert "没有导入任何志愿者" in job.report["message"]
    assert list(problems_by_row(job)) == [5]
    assert counts() == before
    assert not Volunteer.objects.filter(channel="import").exists()
    assert not job.file


# The database itself fails while the fifth volunteer is being registered (on its audit row, which
# no action turns into a polite refusal), after four were written in the import's transaction.
FAILING_TRIGGER = {
    "sqlite": (
        [
            "CREATE TRIGGER volunteer_import_fails BEFORE INSERT ON audit_auditlog "
            "WHEN NEW.action = 'volunteer.register' AND NEW.target_repr = '{name}' "
            "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
        ],
        ["DROP TRIGGER volunteer_import_fails"],
    ),
    "postgresql": (
        [
            "CREATE FUNCTION volunteer_import_fails() RETURNS trigger AS $$ BEGIN "
            "IF NEW.action = 'volunteer.register' AND NEW.target_repr = '{name}' THEN "
            "RAISE EXCEPTION 'disk I/O error'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER volunteer_import_fails BEFORE INSERT ON audit_auditlog "
            "FOR EACH ROW EXECUTE FUNCTION volunteer_import_fails()",
        ],
        [
            "DROP TRIGGER volunteer_import_fails ON audit_auditlog",
            "DROP FUNCTION volunteer_import_fails()",
        ],
    ),
}


def test_a_database_failure_half_way_leaves_nothing_behind(
    corps, world, django_capture_on_commit_callbacks
):
    rows = many_rows(6)
    client = staff(world)
    job = upload_and_check(
        client,
        workbook_bytes(template_rows(*rows)),
        django_capture_on_commit_callbacks,
        approve=True,
    )
    assert job.can_commit
    before = counts()
    audit_before = AuditLog.objects.count()
    create, drop = FAILING_TRIGGER[connection.vendor]
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement.replace("{name}", rows[4]["姓名"]))
    try:
        job = commit(client, job, django_capture_on_commit_callbacks)
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)
    assert job.status == VolunteerImportJob.Status.FAILED
    assert "已全部撤销" in job.report["message"]
    # The database's own text (which can quote row values) stays in the server log.
    assert re.search(r"（\w+Error）", job.report["message"])  # the kind of error, no more
    assert "disk I/O error" not in job.report["message"]
    assert counts() == before  # four volunteers, their accounts and roles: all undone
    assert AuditLog.objects.count() == audit_before  # and their audit rows with them
    assert not job.file


def test_a_second_commit_is_refused(corps, world, django_capture_on_commit_callbacks):
    client = staff(world)
    job = upload_and_check(
        client, workbook_bytes(template_rows(*many_rows(2))), django_capture_on_commit_callbacks
    )
    job = commit(client, job, django_capture_on_commit_callbacks)
    assert job.status == VolunteerImportJob.Status.DONE
    response = client.post(reverse("volunteers:import_commit", args=[job.pk]), follow=True)
    assert "已经导入过" in response.content.decode()
    assert Volunteer.objects.filter(channel="import").count() == 2


def test_importing_the_same_sheet_again_refuses_every_row(
    corps, world, django_capture_on_commit_callbacks
):
    content = workbook_bytes(template_rows(*many_rows(3)))
    client = staff(world)
    commit(
        client,
        upload_and_check(client, content, django_capture_on_commit_callbacks),
        django_capture_on_commit_callbacks,
    )
    again = upload_and_check(client, content, django_capture_on_commit_callbacks)
    assert (again.valid_rows, again.bad_rows) == (0, 3)
    assert all("已注册为志愿者" in row["身份证号码"][0] for row in problems_by_row(again).values())


# --- progress and who may ------------------------------------------------------------------------


def test_the_page_polls_a_progress_bar_until_the_check_is_done(corps, world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = staff(world)
    upload(client, workbook_bytes(template_rows(*many_rows(3))))
    job = VolunteerImportJob.objects.get()
    url = reverse("volunteers:import_job", args=[job.pk])
    full = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in full and "<progress" in full and "排队等待检查" in full
    VolunteerImportJob.objects.filter(pk=job.pk).update(status="checking", total_rows=3)
    cached_progress(job)(2)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert 'max="3" value="2"' in fragment and "已检查 2 / 3 行" in fragment
    VolunteerImportJob.objects.filter(pk=job.pk).update(status="uploaded", total_rows=0)
    job = importing.run_volunteer_import_check(job.pk)
    assert job.status == VolunteerImportJob.Status.CHECKED
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "commit-button" in fragment


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.TEAM_LEADER, Role.VOLUNTEER, Role.RESIDENT])
def test_only_station_staff_and_admin_import(corps, world, role):
    client = signed_in(world.user(role))
    assert client.get(reverse("volunteers:import_upload")).status_code == 403
    assert client.get(reverse("volunteers:import_template")).status_code == 403
    assert upload(client, workbook_bytes(template_rows())).status_code == 403


def test_another_stations_staff_get_404_on_the_job(
    corps, world, django_capture_on_commit_callbacks
):
    job = upload_and_check(
        staff(world),
        workbook_bytes(template_rows(*many_rows(1))),
        django_capture_on_commit_callbacks,
    )
    outsider = signed_in(world.outsider)
    assert outsider.get(reverse("volunteers:import_job", args=[job.pk])).status_code == 404
    assert outsider.post(reverse("volunteers:import_commit", args=[job.pk])).status_code == 404
    assert (
        "志愿者花名册.xlsx"
        not in outsider.get(reverse("volunteers:import_upload")).content.decode()
    )
    assert outsider.get(reverse("volunteers:import_upload") + "?station=JIAOJIA").status_code == 404


# --- exports ---------------------------------------------------------------------------------------


def test_the_list_export_is_masked_filtered_and_audited(corps, world):
    client = staff(world)
    response = client.get(reverse("volunteers:export"), {"q": "hwj"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    rows = read_xlsx(response.content)
    assert rows[0][:5] == ["志愿者编号", "姓名", "性别", "出生日期", "身份证号码"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["姓名"] == "黄文静" and row["志愿者编号"] == corps.volunteer.number
    assert row["身份证号码"] == f"{HUANG_ID[:4]}**********{HUANG_ID[-4:]}"
    assert row["性别"] == "女" and row["服务类别"] == "社区服务"
    assert row["可服务时间"] == "周一全天" and row["所属队伍"] == "党员志愿服务队"
    assert row["状态"] == "在册"
    assert HUANG_ID.encode() not in response.content
    audit = AuditLog.objects.filter(action="volunteer.export").latest("pk")
    assert audit.after is not None
    assert audit.after["count"] == 1 and audit.after["unmasked"] is False
    assert audit.after["filters"]["q"] is True  # that a search was made, not what
    everyone = read_xlsx(client.get(reverse("volunteers:export"), {"status": "all"}).content)
    assert sorted(row[1] for row in everyone[1:]) == ["周晓燕", "张志强", "黄文静"]


def test_a_leader_exports_their_teams_members_only(corps, world):
    other = make_volunteer(world.jiaojia, None, "陈明", date(1990, 1, 1), 31, phone="13811110031")
    assert other.status == "active"
    rows = read_xlsx(
        signed_in(world.user(Role.TEAM_LEADER)).get(reverse("volunteers:export")).content
    )
    assert sorted(row[1] for row in rows[1:]) == ["张志强", "黄文静"]
    assert rows[1][-3] in {"党员志愿服务队（队长）", "党员志愿服务队"}


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.RESIDENT])
def test_roles_without_the_list_cannot_export_it(corps, world, role):
    assert signed_in(world.user(role)).get(reverse("volunteers:export")).status_code == 403


def test_the_national_export_has_full_ids_for_staff_and_is_audited(corps, world):
    volunteer_profile_update(
        volunteer=corps.leader,
        changes={"political_status": "party", "skills": "电工", "residence_area": "焦家小区",
                 "categories": ["community", "safety"]},
        actor=None,
    )  # fmt: skip
    client = staff(world)
    response = client.get(reverse("volunteers:export_national"))
    assert response.status_code == 200
    rows = read_xlsx(response.content)
    assert tuple(rows[0]) == NATIONAL_HEADERS
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"张志强", "黄文静"}  # active ones of JIAOJIA
    zhang = by_name["张志强"]
    assert zhang["证件类型"] == "居民身份证"
    assert zhang["证件号码"] == ZHANG_ID
    assert zhang["性别"] == "男" and zhang["出生日期"] == ZHANG_BORN
    assert zhang["手机号码"] == world.user(Role.TEAM_LEADER).phone
    assert zhang["政治面貌"] == "中共党员" and zhang["专业技能"] == "电工"
    assert zhang["服务类别"] == "社区服务、平安应急"
    assert zhang["居住区域"] == "焦家小区"
    assert zhang["注册日期"].date() == timezone.localtime(corps.leader.registered_at).date()
    assert zhang["志愿者编号"] == corps.leader.number
    assert by_name["黄文静"]["证件号码"] == HUANG_ID
    audit = AuditLog.objects.filter(action="volunteer.export_national").latest("pk")
    assert audit.actor == world.user(Role.STATION_STAFF)
    assert audit.after is not None
    assert audit.after["count"] == 2 and audit.after["unmasked"] is True
    assert audit.after["fields"] == ["id_number"]
    assert audit.station == world.jiaojia


def test_the_national_export_reads_back_through_the_import():
    rows: list[list[Any]] = [list(NATIONAL_HEADERS), ["张三", "居民身份证", "340521197503030113", "男",
            ZHANG_BORN, "13900001111", "群众", "电工", "社区服务、平安应急", "焦家小区",
            NEW_YEAR, "JIAOJIA202600001"]]  # fmt: skip
    sheet = importing.read_volunteer_sheet(io.BytesIO(workbook_bytes(rows)))
    assert sheet.ignored_columns == []
    parsed = importing.parse_row(sheet, 2, sheet.rows[0][1])
    assert parsed.errors == {}
    assert parsed.data.id_number == "340521197503030113"
    assert parsed.data.categories == {"community", "safety"}
    assert parsed.data.phone == "13900001111"


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.TEAM_LEADER, Role.VOLUNTEER])
def test_the_national_export_is_refused_to_everyone_else(corps, world, role):
    audit_before = AuditLog.objects.filter(action="volunteer.export_national").count()
    response = signed_in(world.user(role)).get(reverse("volunteers:export_national"))
    assert response.status_code == 403
    assert AuditLog.objects.filter(action="volunteer.export_national").count() == audit_before


def test_another_stations_staff_export_only_their_own(corps, world):
    rows = read_xlsx(signed_in(world.outsider).get(reverse("volunteers:export_national")).content)
    assert [row[0] for row in rows[1:]] == ["钱进"]
    admin_rows = read_xlsx(
        signed_in(world.user(Role.ADMIN)).get(reverse("volunteers:export_national")).content
    )
    assert sorted(row[0] for row in admin_rows[1:]) == ["张志强", "钱进", "黄文静"]


def test_export_query_counts_do_not_grow_with_rows(corps, world, django_assert_max_num_queries):
    client = staff(world)
    with django_assert_max_num_queries(40) as list_baseline:
        client.get(reverse("volunteers:export"))
    with django_assert_max_num_queries(40) as national_baseline:
        client.get(reverse("volunteers:export_national"))
    for index in range(12):
        volunteer = make_volunteer(
            world.jiaojia,
            None,
            made_up_name(index),
            date(1980, 2, 1 + index),
            300 + index,
            phone=f"1370001{index:04d}",
        )
        TeamMembership.objects.create(team=corps.party_team, volunteer=volunteer, status="active")
    with django_assert_max_num_queries(len(list_baseline.captured_queries)):
        response = client.get(reverse("volunteers:export"))
    assert len(read_xlsx(response.content)) == 15
    with django_assert_max_num_queries(len(national_baseline.captured_queries)):
        response = client.get(reverse("volunteers:export_national"))
    assert len(read_xlsx(response.content)) == 15
