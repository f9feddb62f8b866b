"""The annual report (SPEC §7.2 `reports/annual`) and the 所's monthly report: PDF with Chinese
that pdftotext reads and charts drawn on the server, xlsx with the same figures; built once and
served from the cache until a record of the period changes; on the page, built in the
background with its progress; for staff and supervisors in reach only."""

import io
import shutil
import subprocess
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.activities.actions.lifecycle import activity_close
from linli.ledger.models import LedgerEntry
from linli.people.actions import AddressInput, ConsentInput
from linli.reports.models import BuildStatus, ReportBuild
from linli.reports.tasks import build_report
from linli.studyroom.actions.classes import (
    ClassInput,
    class_attendance_record,
    class_create,
    class_enrol,
)
from linli.studyroom.actions.day import stay_check_in
from linli.studyroom.actions.pupils import PupilInput, pupil_enrol
from linli.studyroom.actions.rota import shift_confirm
from linli.studyroom.models import ClassAttendance, Pupil, Shift, Stay, StudyRoom
from tests.conftest import Corps, Registry, World, add_resident, api_token, bearer, signed_in
from tests.studyroom.conftest import Study, build_study, years_ago
from tests.test_reports_pages import activity, held

YEAR = timezone.localdate().year


def pdf_text(content: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    done = subprocess.run(  # noqa: S603 (our own file, a fixed program)
        ["pdftotext", "-", "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


def pdf_fonts(content: bytes, tmp_path: Path) -> str:
    """pdffonts' table of the fonts in the file: name, type, whether embedded."""
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    done = subprocess.run(  # noqa: S603 (our own file, a fixed program)
        ["pdffonts", str(path)],  # noqa: S607
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


def annual(client: Client, auth: dict[str, Any], fmt: str = "pdf", station: str = "JIAOJIA") -> Any:
    return client.get(f"/api/v1/reports/annual?station={station}&year={YEAR}&format={fmt}", **auth)


def test_the_annual_report_reads_in_chinese_and_equals_the_figures(world: World, tmp_path: Path):
    held(world)
    client, auth = Client(), bearer(api_token(world.user(Role.STATION_STAFF)))
    response = annual(client, auth)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    # The project's embedded CJK font (linli.core.fonts), not a reader's substitute.
    fonts = pdf_fonts(response.content, tmp_path)
    assert "WenQuanYi" in fonts and "STSong" not in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines() if "WenQuanYi" in line)
    assert "焦家社区实践站" in text and "工作报告" in text
    assert "服务群众人次" in text and "120" in text  # the two head counts
    assert "义诊" in text and "环境整治" in text and "普法宣传" in text
    workbook = annual(client, auth, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    figures = {row[0]: row[1] for row in book["主要数字"].iter_rows(min_row=2, values_only=True)}
    assert figures["服务群众人次"] == 120 and figures["活动"] == 3
    listed = list(book["队伍与活动"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[2] for row in listed) == ["义诊", "普法宣传", "环境整治"]


def test_the_report_is_cached_until_a_record_of_the_year_changes(world: World):
    held(world)
    client, auth = Client(), bearer(api_token(world.user(Role.STATION_STAFF)))
    annual(client, auth)
    first = ReportBuild.objects.get(station=world.jiaojia, year=YEAR, part="year")
    annual(client, auth, "xlsx")
    assert ReportBuild.objects.get(pk=first.pk).finished_at == first.finished_at  # cached
    later = activity(world.jiaojia, title="新的活动", days=0)
    activity_close(activity=later, actor=None, people_served=7)
    text = pdf_text(annual(client, auth).content)
    assert "新的活动" in text
    assert ReportBuild.objects.get(pk=first.pk).finished_at != first.finished_at


def test_bad_requests_and_reach(world: World):
    staff = bearer(api_token(world.user(Role.STATION_STAFF)))
    client = Client()
    assert annual(client, staff, "doc").status_code == 422
    bad_year = client.get("/api/v1/reports/annual?station=JIAOJIA&year=1800", **staff)
    assert bad_year.status_code == 422
    assert annual(client, staff, station="HUANGCHI").status_code == 404
    assert world.outside_supervisor is not None
    outside = bearer(api_token(world.outside_supervisor))
    assert annual(client, outside).status_code == 404
    volunteer = bearer(api_token(world.user(Role.VOLUNTEER)))
    assert annual(client, volunteer).status_code == 403


def test_the_monthly_report_of_the_institute_is_built_in_the_background(world: World):
    held(world)
    supervisor = signed_in(world.user(Role.SUPERVISOR))
    month = f"m{timezone.localdate().month}"
    url = f"/reports/DANGTU-KFQ/report/?year={YEAR}&period={month}"
    page = supervisor.get(url).content.decode()
    assert 'data-testid="report-build"' in page
    supervisor.post("/reports/DANGTU-KFQ/report/", {"year": YEAR, "period": month})
    build = ReportBuild.objects.get(station=world.institute, year=YEAR, part=month)
    assert build.status == BuildStatus.QUEUED
    polling = supervisor.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" in polling and "<html" not in polling
    build_report.call(build.pk)
    done = supervisor.get(url).content.decode()
    assert 'data-testid="report-pdf"' in done
    pdf = supervisor.get(f"/reports/DANGTU-KFQ/report.pdf?year={YEAR}&period={month}")
    text = pdf_text(pdf.content)
    assert "开发区实践所" in text and "焦家社区实践站" in text  # the stations' lines
    assert "黄池社区实践站" not in text
    # Someone else's 所 is not there at all.
    assert world.outside_supervisor is not None
    other = signed_in(world.outside_supervisor)
    assert other.get(url).status_code == 404
    assert (
        other.get(f"/reports/DANGTU-KFQ/report.pdf?year={YEAR}&period={month}").status_code == 404
    )


def test_the_study_room_part_equals_its_rows(world: World, registry: Registry, corps: Corps):
    """午间微学堂 in the PDF and the workbook: pupils, their days, the classes that met and the
    tutors' hours, each equal to a count of the rows of the year (another station's room and
    another year's day left out)."""
    study = build_study(world, registry, corps)
    staff = world.user(Role.STATION_STAFF)
    today = timezone.localdate()
    stay_check_in(room=study.room, pupil=study.pupil, actor=staff)
    Stay.objects.create(
        room=study.room, pupil=study.pupil, day=today.replace(year=YEAR - 1),
        in_at=timezone.now().replace(year=YEAR - 1),
    )  # fmt: skip
    chess = class_create(
        room=study.room,
        data=ClassInput("chess", "象棋班", today.weekday(), time(12, 30), time(13, 10), 4),
        actor=staff,
    )
    class_enrol(interest_class=chess, pupil=study.pupil, actor=staff)
    class_attendance_record(interest_class=chess, day=today, present=[study.pupil.pk], actor=staff)
    shift = Shift.objects.get(room=study.room, volunteer=study.tutor, day=today)
    ended = timezone.now() - timedelta(minutes=5)
    Shift.objects.filter(pk=shift.pk).update(
        starts_at=ended - timedelta(hours=1, minutes=30), ends_at=ended
    )
    shift_confirm(shift=shift, actor=staff)
    stay_check_in(room=study.outside_room, pupil=_outside_pupil(world, study), actor=None)

    rooms = {"room__station": world.jiaojia}
    expected = {
        "微学堂": StudyRoom.objects.filter(station=world.jiaojia).count(),
        "在读学生": Pupil.objects.filter(**rooms, enrolled_on__year=YEAR).count(),
        "学堂人次": Stay.objects.filter(**rooms, day__year=YEAR).count(),
        "兴趣班": ClassAttendance.objects.filter(interest_class__room__station=world.jiaojia)
        .values("interest_class")
        .distinct()
        .count(),
        "兴趣班课次": ClassAttendance.objects.filter(interest_class__room__station=world.jiaojia)
        .values("interest_class", "day")
        .distinct()
        .count(),
        "辅导志愿者": 1,
        "值班": Shift.objects.filter(**rooms, ledger_entry__isnull=False).count(),
        "辅导时长": float(
            sum(
                LedgerEntry.objects.filter(
                    kind="tutoring", volunteer__station=world.jiaojia, served_on__year=YEAR
                ).values_list("amount", flat=True)
            )
        ),
    }
    assert expected["学堂人次"] == 1 and expected["辅导时长"] == 1.5  # the rows are as meant

    client, auth = Client(), bearer(api_token(staff))
    book = openpyxl.load_workbook(io.BytesIO(annual(client, auth, "xlsx").content))
    rows = list(book["午间微学堂"].iter_rows(min_row=2, values_only=True))
    assert {row[0]: row[1] for row in rows if row[1] is not None} == expected
    assert ("兴趣班：象棋班", None, "象棋", 1, 1) in rows
    text = "".join(pdf_text(annual(client, auth).content).split())
    assert "午间微学堂" in text and "学堂人次" in text and "象棋班" in text
    assert "辅导时长1.5小时" in text


def _outside_pupil(world: World, study: Study) -> Pupil:
    child = add_resident(
        world.huangchi, "黄小明", gender="M", birth_date=years_ago(8),
        address=AddressInput("黄池新村", "1", "1", "101"), relation="child",
        consent=ConsentInput(method="paper", given_by="guardian", guardian_name="黄建",
                             sensitive=True),
    )  # fmt: skip
    guardian = add_resident(
        world.huangchi, "黄建", gender="M", birth_date=years_ago(38),
        address=AddressInput("黄池新村", "1", "1", "101"),
    )  # fmt: skip
    return pupil_enrol(
        room=study.outside_room,
        data=PupilInput(child, [guardian], "黄池小学", 2, True),
        actor=None,
    )
