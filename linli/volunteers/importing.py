"""Volunteers from the Excel rosters stations keep: a dry run of every row, then all or none.

The sheet is read the way the resident import reads one (`linli.people.importing`: a title row
above the header, columns in any order under many names, merged cells, dates typed five ways, ID
numbers Excel mangled), with the volunteer record's columns (67号令: 政治面貌, 专业技能, 服务类别,
居住区域 …). It also reads back the list export and the national-system export.

Every row goes through `volunteer_register(channel="import")`, the one way a volunteer is created,
with the uploading staff member as actor and their word that the signed undertakings were
collected; with "已审核，直接在册" each row is also approved (`volunteer_approve`). The dry run
registers each row in its own transaction and rolls it back, so it says exactly what the import
would; the import registers every row in ONE transaction and keeps it only if every row passed.
Each row creates an account and a person record, so both steps run as background tasks
(`volunteers.tasks`) and report progress through the cache, which the page polls. Imported
accounts have no password until one is set: nobody can sign in to them before.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import openpyxl  # type: ignore[import-untyped]
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.categories import ServiceCategory
from linli.core.errors import DomainError
from linli.org.models import Station
from linli.people.importing import RowError, chinese_labels, parse_birth_date, parse_id_number
from linli.people.importing.cells import cell_name, cell_text, parse_gender
from linli.people.importing.columns import (
    HEADER_NOISE,
    HEADER_SEARCH_ROWS,
    SYNONYMS,
    TAG_SEPARATORS,
    UNREPORTED_HEADERS,
    ImportFileError,
)
from linli.people.importing.sheet import Sheet, _cell_rows, _fill_merged, is_blank
from linli.volunteers.actions.registration import (
    RegistrationInput,
    volunteer_approve,
    volunteer_register,
)
from linli.volunteers.models import (
    FULL_AVAILABILITY,
    Volunteer,
    VolunteerImportJob,
    availability_bit,
)

logger = logging.getLogger(__name__)

# --- the columns -----------------------------------------------------------------------------------

# The template's columns, in its order: (field, header).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"),
    ("gender", "性别"),
    ("birth_date", "出生日期"),
    ("id_number", "身份证号码"),
    ("phone", "手机号码"),
    ("political_status", "政治面貌"),
    ("occupation", "职业"),
    ("skills", "专业技能"),
    ("categories", "服务类别"),
    ("availability", "可服务时间"),
    ("residence_area", "居住区域"),
    ("guardian", "监护人"),
)
HEADERS = dict(COLUMNS)
VOLUNTEER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": SYNONYMS["name"] + ("志愿者姓名",),
    "gender": SYNONYMS["gender"],
    "birth_date": SYNONYMS["birth_date"],
    "id_number": SYNONYMS["id_number"],
    "phone": SYNONYMS["phone"],
    "political_status": ("政治面目",),
    "occupation": ("工作单位", "职业或工作单位", "单位"),
    "skills": ("技能", "特长", "专业特长", "技能特长", "专长"),
    "categories": ("服务类型", "服务领域", "服务意向", "志愿服务类别", "服务项目"),
    "availability": ("服务时间", "可服务时段", "空闲时间", "可参加时间"),
    "residence_area": ("居住地", "居住地址", "住址", "家庭住址", "现住址", "所在小区", "地址"),
    "guardian": SYNONYMS["guardian"],
}
HEADER_FIELDS = {
    **{header: name for name, header in COLUMNS},
    **{synonym: name for name, names in VOLUNTEER_SYNONYMS.items() for synonym in names},
}
# Columns of our own exports and of common rosters that carry nothing to import.
QUIET_HEADERS = UNREPORTED_HEADERS | {"证件类型", "志愿者编号", "注册日期", "所属队伍", "状态"}
# Text limits of the volunteer record (the database enforces them only on PostgreSQL).
FIELD_LIMITS = {"skills": 200, "residence_area": 100, "occupation": 50, "guardian": 50}
# Each row creates an account; a county-sized roster is a few files.
MAX_ROWS = 2_000
PROGRESS_EVERY = 10
# volunteer_register's error keys that are not column names.
KEY_FIELDS = {"guardian_name": "guardian", "password": "phone", "consent": "guardian"}
KEY_LABELS = {"status": "审核", NON_FIELD_ERRORS: "整行"}

POLITICAL_SYNONYMS = {
    "党员": Volunteer.Political.PARTY,
    "中共预备党员": Volunteer.Political.PARTY,
    "预备党员": Volunteer.Political.PARTY,
    "团员": Volunteer.Political.LEAGUE,
    "共青团员": Volunteer.Political.LEAGUE,
    "中国共产主义青年团团员": Volunteer.Political.LEAGUE,
    "无党派人士": Volunteer.Political.OTHER,
    "民主党派": Volunteer.Political.OTHER,
}
CATEGORY_SYNONYMS = {
    "社区": "community", "助老": "elderly_disabled", "助残": "elderly_disabled",
    "为老服务": "elderly_disabled", "支教": "education", "助学": "education",
    "卫生": "health", "医疗": "health", "健康": "health", "法律": "legal", "文化": "culture",
    "体育": "culture", "文体": "culture", "科普": "science", "环保": "environment",
    "平安": "safety", "应急": "safety", "宣讲": "civility", "文明": "civility",
    "妇女儿童": "family", "家庭": "family",
}  # fmt: skip
DAYS = "一二三四五六日"
# 周一 · 星期三 · 周一至周五 · 周一到周五 · 周一-周五: a day, or a range of days (groups 1 and 2).
DAY_RANGE = (
    r"(?:周|星期|礼拜)([一二三四五六日天])(?:[至到~\-—](?:周|星期|礼拜)?([一二三四五六日天]))?"
)
AVAILABILITY_WORD = re.compile(
    rf"^(?:{DAY_RANGE}|(每天|天天|全周|工作日|周末))?(上午|下午|晚上|全天)?$"
)
ANY_TIME = frozenset({"不限", "随时", "都可以", "全部"})
SLOT_WORDS = {"上午": (0,), "下午": (1,), "晚上": (2,), "全天": (0, 1, 2), None: (0, 1, 2)}
DAY_GROUPS = {"每天": range(7), "天天": range(7), "全周": range(7), "工作日": range(5),
              "周末": (5, 6)}  # fmt: skip


def label(sheet: Sheet, field_name: str) -> str:
    return (
        sheet.headers.get(field_name)
        or HEADERS.get(field_name)
        or KEY_LABELS.get(field_name, field_name)
    )


# --- reading the sheet -----------------------------------------------------------------------------


def header_field(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return HEADER_FIELDS.get(HEADER_NOISE.sub("", unicodedata.normalize("NFKC", value)))


def _find_header(grid: list[list[Any]]) -> tuple[int, list[str | None]] | None:
    """The first row naming 姓名 and two more known columns: its index and the field of each cell."""
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        fields = [header_field(value) for value in row]
        if "name" in fields and sum(map(bool, fields)) >= 3:
            return index, fields
    return None


def read_volunteer_sheet(stream: IO[bytes]) -> Sheet:
    """The header (the first row naming 姓名 and two more known columns) and the data rows of the
    first sheet that has one, merged cells filled and blank rows dropped, as the resident import
    reads a sheet (its `_cell_rows` and `_fill_merged`)."""
    try:
        workbook = openpyxl.load_workbook(stream, data_only=True)
    except Exception as error:  # a zip, XML or openpyxl error: all mean "not a readable xlsx"
        logger.info("unreadable volunteer import file: %r", error)
        raise ImportFileError(
            _("无法读取这个文件。请上传 Excel 的 .xlsx 文件（旧的 .xls 文件请先“另存为” .xlsx）。")
        ) from error
    for worksheet in workbook.worksheets:
        grid = _cell_rows(worksheet)
        found = _find_header(grid)
        if found is None:
            continue
        index, fields = found
        row = grid[index]
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        for column, name in enumerate(fields):
            if name and name not in columns:
                columns[name], headers[name] = column, str(row[column]).strip()
        used = set(columns.values())
        ignored = list(
            dict.fromkeys(
                str(value).strip()
                for column, value in enumerate(row)
                if column not in used
                and not is_blank(value)
                and str(value).strip() not in QUIET_HEADERS
            )
        )
        data = [
            at
            for at in range(index + 1, len(grid))
            if not all(is_blank(grid[at][column]) for column in used if column < len(grid[at]))
        ]
        if len(data) > MAX_ROWS:
            raise ImportFileError(
                _(
                    "一个文件最多导入 %(limit)s 位志愿者，这个文件有 %(count)s 行。请分成几个文件上传。"
                )
                % {"limit": MAX_ROWS, "count": len(data)}
            )
        _fill_merged(grid, worksheet)
        rows = [(at + 1, grid[at]) for at in data]
        return Sheet(columns=columns, headers=headers, rows=rows, ignored_columns=ignored)
    raise ImportFileError(
        _(
            "没有找到表头。表格中须有一行列名，至少包含“姓名”“身份证号码”“手机号码”等三列，可参照导入模板。"
        )
    )


# --- one cell, one value ---------------------------------------------------------------------------


def parse_political(value: Any) -> str:
    text = cell_text(value)
    if not text:
        return ""
    known = {**chinese_labels(Volunteer.Political), **POLITICAL_SYNONYMS}
    if text in known:
        return known[text]
    if text in Volunteer.Political.values:
        return text
    raise RowError(
        "political_status",
        _("政治面貌“%(value)s”无法识别，可填：%(choices)s。")
        % {"value": text, "choices": "、".join(chinese_labels(Volunteer.Political))},
    )


def parse_categories(value: Any) -> frozenset[str]:
    """服务类别 by their Chinese names (社区服务、助老助残), short names (助老) or codes."""
    text = cell_text(value)
    known = {**chinese_labels(ServiceCategory), **CATEGORY_SYNONYMS}
    codes, unknown = set(), []
    for word in TAG_SEPARATORS.split(text):
        if not word:
            continue
        if word in known:
            codes.add(known[word])
        elif word in ServiceCategory.values:
            codes.add(word)
        else:
            unknown.append(word)
    if unknown:
        raise RowError(
            "categories",
            _("未知服务类别：%(words)s。可填：%(choices)s，多个用顿号隔开。")
            % {"words": "、".join(unknown), "choices": "、".join(chinese_labels(ServiceCategory))},
        )
    return frozenset(codes)


def parse_availability(value: Any) -> int:
    """可服务时间 as people write it: 周一上午、周三全天、周末、工作日晚上、周一至周五下午、不限."""
    text = cell_text(value)
    mask = 0
    unknown = []
    for word in TAG_SEPARATORS.split(text):
        if not word:
            continue
        if word in ANY_TIME:
            mask |= FULL_AVAILABILITY
            continue
        match = AVAILABILITY_WORD.match(word)
        if match is None or not any(match.groups()):
            unknown.append(word)
            continue
        first, last, group, slot = match.groups()
        if group:
            days: Any = DAY_GROUPS[group]
        elif first:
            start = DAYS.index(first.replace("天", "日"))
            end = DAYS.index(last.replace("天", "日")) if last else start
            days = range(start, end + 1) if end >= start else ()
            if not days:
                unknown.append(word)
                continue
        else:
            days = range(7)  # 晚上: every evening
        for day in days:
            for part in SLOT_WORDS[slot]:
                mask |= availability_bit(day, part)
    if unknown:
        raise RowError(
            "availability",
            _(
                "可服务时间“%(words)s”无法识别。请写成“周一上午、周三全天、周末、工作日晚上、"
                "周一至周五下午”或“不限”，多个用顿号隔开。"
            )
            % {"words": "、".join(unknown)},
        )
    return mask


# --- one row ---------------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    row_number: int
    name: str
    data: RegistrationInput
    errors: dict[str, list[str]]


def parse_row(sheet: Sheet, row_number: int, values: list[Any]) -> ParsedRow:
    """One sheet row as a RegistrationInput, with what could not even be read as errors."""
    errors: dict[str, list[str]] = {}

    def cell(name: str) -> Any:
        column = sheet.columns.get(name)
        return values[column] if column is not None and column < len(values) else None

    def attempt(parse: Callable[[Any], Any], name: str, default: Any) -> Any:
        try:
            return parse(cell(name))
        except RowError as error:
            errors.setdefault(error.field_name, []).append(error.message)
            return default

    texts = {name: cell_text(cell(name)) for name in FIELD_LIMITS}
    for name, limit in FIELD_LIMITS.items():
        if len(texts[name]) > limit:
            errors.setdefault(name, []).append(
                _("%(column)s最多 %(limit)s 个字。")
                % {"column": label(sheet, name), "limit": limit}
            )
    name = cell_name(cell("name"))
    data = RegistrationInput(
        name=name,
        id_number=attempt(parse_id_number, "id_number", ""),
        phone=re.sub(r"\s+", "", cell_text(cell("phone"))),
        password="",  # no password: the account is unusable until one is set
        gender=attempt(parse_gender, "gender", ""),
        birth_date=attempt(parse_birth_date, "birth_date", None),
        skills=texts["skills"],
        categories=attempt(parse_categories, "categories", frozenset()),
        availability=attempt(parse_availability, "availability", 0),
        residence_area=texts["residence_area"],
        occupation=texts["occupation"],
        political_status=attempt(parse_political, "political_status", ""),
        guardian_name=texts["guardian"],
        # The uploader confirmed that each person (a minor's guardian too) signed the undertaking.
        consent=True,
    )
    return ParsedRow(row_number, name, data, errors)


# --- every row through volunteer_register ----------------------------------------------------------


class _Undo(Exception):
    """Leaves a row's savepoint: the dry run keeps nothing, the import nothing of a bad row."""


@dataclass
class Outcome:
    problems: list[dict[str, Any]]
    registered: int


def register_sheet(
    *,
    station: Station,
    sheet: Sheet,
    actor: Any,
    approve: bool,
    keep: bool,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Try every row through `volunteer_register` (and `volunteer_approve` when `approve`).

    `keep=False` (the dry run): each row in its own transaction, always rolled back. `keep=True`
    (the import): rows stay in the caller's transaction — which must roll back if any row has a
    problem. Every row is tried either way, so the report lists every bad row. A row's problems
    are listed per column, a column's own reading problem in place of what the check then says
    about it; rows repeating an earlier row's ID number or phone are refused here.
    """
    if keep and not connection.in_atomic_block:
        raise RuntimeError("register_sheet(keep=True) needs the caller's transaction")
    order = {name: index for index, (name, _header) in enumerate(COLUMNS)}
    first_row_of: dict[tuple[str, str], int] = {}
    problems: list[dict[str, Any]] = []
    registered = 0
    for done, (row_number, values) in enumerate(sheet.rows, start=1):
        parsed = parse_row(sheet, row_number, values)
        errors = parsed.errors
        for name, value, message in (
            ("id_number", parsed.data.id_number, _("与第 %(row)s 行的身份证号码重复。")),
            (
                "phone",
                parsed.data.phone,
                _("与第 %(row)s 行的手机号码相同：每位志愿者须用本人的手机号码注册账户。"),
            ),
        ):
            if value and name not in errors:
                if (name, value) in first_row_of:
                    errors[name] = [message % {"row": first_row_of[name, value]}]
                else:
                    first_row_of[name, value] = row_number
        unread = set(errors)
        if "id_number" in unread:
            unread |= {"gender", "birth_date"} - {
                name for name in ("gender", "birth_date") if getattr(parsed.data, name)
            }
        try:
            with transaction.atomic():
                volunteer = volunteer_register(
                    station=station, data=parsed.data, channel=Volunteer.Channel.IMPORT, actor=actor
                )
                if approve:
                    volunteer_approve(volunteer=volunteer, actor=actor)
                if errors or not keep:
                    raise _Undo
        except _Undo:
            pass
        except ValidationError as error:
            found = (
                error.message_dict
                if hasattr(error, "error_dict")
                else {NON_FIELD_ERRORS: error.messages}
            )
            for key, messages in found.items():
                name = KEY_FIELDS.get(key, key)
                if name not in unread:
                    errors.setdefault(name, []).extend(messages)
        except DomainError as error:
            errors.setdefault("status", []).append(error.message)
        if errors:
            problems.append(
                {
                    "row": row_number,
                    "name": parsed.name[:30],
                    "errors": [
                        {"column": label(sheet, name), "messages": errors[name]}
                        for name in sorted(errors, key=lambda name: order.get(name, len(order)))
                    ],
                }
            )
        else:
            registered += 1
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(sheet.rows)):
            progress(done)
    return Outcome(problems=problems, registered=registered)


# --- the job: actions and the two background steps -------------------------------------------------

Status = VolunteerImportJob.Status
TRANSITIONS: dict[str, set[str]] = {
    Status.UPLOADED: {Status.CHECKING, Status.FAILED},
    Status.CHECKING: {Status.CHECKED, Status.FAILED},
    Status.CHECKED: {Status.COMMITTING},
    Status.COMMITTING: {Status.DONE, Status.FAILED},
    Status.DONE: set(),
    Status.FAILED: set(),
}


def _progress_key(job_id: int) -> str:
    return f"linli:volunteer-import:{job_id}:done"


def import_progress(job: VolunteerImportJob) -> int:
    """Rows done in the running step. Kept in the cache, not the job row: the import's rows are
    written in one transaction, and a progress update in it would show no one until the end."""
    return int(cache.get(_progress_key(job.pk)) or 0) if job.is_running else job.total_rows


def _report_progress(job: VolunteerImportJob) -> Callable[[int], None]:
    def report(done: int) -> None:
        cache.set(_progress_key(job.pk), done, timeout=6 * 3600)

    return report


def _move(job: VolunteerImportJob, source: str, target: str, **changes: Any) -> bool:
    """Move the job from `source` to `target` unless someone else moved it first."""
    if target not in TRANSITIONS[source]:
        raise ValueError(f"volunteer import job cannot go from {source} to {target}")
    if target in {Status.DONE, Status.FAILED, Status.CHECKED}:
        changes.setdefault("finished_at", timezone.now())
    moved = VolunteerImportJob.objects.filter(pk=job.pk, status=source).update(
        status=target, **changes
    )
    if moved:
        cache.delete(_progress_key(job.pk))
        job.refresh_from_db()
    return bool(moved)


def _discard_file(job: VolunteerImportJob) -> None:
    """The sheet holds ID numbers in clear: keep it only while it may still be imported."""
    if job.file:
        job.file.delete(save=False)
        VolunteerImportJob.objects.filter(pk=job.pk).update(file="")


def _read_job_sheet(job: VolunteerImportJob) -> Sheet:
    if not job.file:
        raise ImportFileError(_("上传的文件已不存在，请重新上传。"))
    with job.file.open("rb") as stream:
        sheet = read_volunteer_sheet(stream)
    if not sheet.rows:
        raise ImportFileError(_("表头下面没有志愿者数据。"))
    return sheet


@transaction.atomic
def volunteer_import_create(
    *,
    station: Station,
    upload: UploadedFile,
    consent_confirmed: bool,
    approve: bool,
    actor: Any,
) -> VolunteerImportJob:
    """Keep an uploaded sheet and queue its dry run. Only with the uploader's word that everyone
    in it (a minor's guardian) signed the volunteer undertaking and its personal-data notice."""
    if not consent_confirmed:
        raise ValidationError(
            {"consent_confirmed": [_("请先确认已收集表中每位志愿者签字的注册承诺书。")]}
        )
    job = VolunteerImportJob(
        station=station,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        original_name=(upload.name or "")[:200],
        consent_confirmed=True,
        approve=approve,
    )
    job.file.save(upload.name or "import.xlsx", upload, save=False)
    job.save()
    audit_record(
        actor=actor,
        action="volunteer.import_upload",
        target=job,
        station=station,
        after={"file": job.original_name, "approve": approve},
    )
    from linli.volunteers.tasks import check_volunteer_import

    transaction.on_commit(lambda: check_volunteer_import.enqueue(job.pk))
    return job


def run_volunteer_import_check(job_id: int) -> VolunteerImportJob:
    """The dry run: every row registered and rolled back; the report stored. Nothing is kept."""
    job = VolunteerImportJob.objects.select_related("station", "uploaded_by").get(pk=job_id)
    if not _move(job, Status.UPLOADED, Status.CHECKING):
        return job
    try:
        sheet = _read_job_sheet(job)
        VolunteerImportJob.objects.filter(pk=job.pk).update(total_rows=len(sheet.rows))
        outcome = register_sheet(
            station=job.station,
            sheet=sheet,
            actor=job.uploaded_by,
            approve=job.approve,
            keep=False,
            progress=_report_progress(job),
        )
    except ImportFileError as error:
        _move(job, Status.CHECKING, Status.FAILED, report={"message": error.message})
        _discard_file(job)
        return job
    except Exception:
        logger.exception("volunteer import %s: check failed", job.pk)
        message = _("检查时出现意外错误，请稍后重试或联系管理员。")
        _move(job, Status.CHECKING, Status.FAILED, report={"message": message})
        _discard_file(job)
        return job
    _move(
        job,
        Status.CHECKING,
        Status.CHECKED,
        valid_rows=outcome.registered,
        bad_rows=len(outcome.problems),
        report={"problems": outcome.problems, "ignored_columns": sheet.ignored_columns},
    )
    if not job.can_commit:
        _discard_file(job)  # it can never be imported: a corrected file is a new upload
    return job


@transaction.atomic
def volunteer_import_commit(*, job: VolunteerImportJob, actor: Any) -> VolunteerImportJob:
    """Ask for a checked job with no bad rows to be imported; the import runs in the background.
    A second click (or a second person) finds the job already committing and is refused."""
    moved = VolunteerImportJob.objects.filter(
        pk=job.pk, status=Status.CHECKED, bad_rows=0, valid_rows__gt=0
    ).update(
        status=Status.COMMITTING,
        committed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if not moved:
        raise ValidationError(_("这个文件已经在导入、已经导入过，或者还有需要修改的行。"))
    job.refresh_from_db()
    from linli.volunteers.tasks import commit_volunteer_import

    transaction.on_commit(lambda: commit_volunteer_import.enqueue(job.pk))
    return job


class _Refused(Exception):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__("rows refused")
        self.outcome = outcome


def run_volunteer_import_commit(job_id: int) -> VolunteerImportJob:
    """Register every row in ONE transaction with the one who confirmed as actor: if any row is
    refused now (the registry changed since the dry run) or the database fails half-way, nothing
    of the import remains and the job says why."""
    job = VolunteerImportJob.objects.select_related("station", "committed_by", "uploaded_by").get(
        pk=job_id
    )
    if job.status != Status.COMMITTING:
        return job
    actor = job.committed_by or job.uploaded_by
    try:
        sheet = _read_job_sheet(job)
        with transaction.atomic():
            # The job row first: a second worker running the same job waits on this row, then
            # finds it no longer committing and writes nothing.
            if not _move(job, Status.COMMITTING, Status.DONE):
                return job
            outcome = register_sheet(
                station=job.station,
                sheet=sheet,
                actor=actor,
                approve=job.approve,
                keep=True,
                progress=_report_progress(job),
            )
            if outcome.problems:
                raise _Refused(outcome)
            audit_record(
                actor=actor,
                action="volunteer.import",
                target=job,
                station=job.station,
                after={
                    "file": job.original_name,
                    "count": outcome.registered,
                    "approve": job.approve,
                },
            )
            VolunteerImportJob.objects.filter(pk=job.pk).update(
                created_count=outcome.registered, valid_rows=outcome.registered
            )
    except _Refused as refused:
        _move(
            job,
            Status.COMMITTING,
            Status.FAILED,
            bad_rows=len(refused.outcome.problems),
            valid_rows=refused.outcome.registered,
            report={
                "message": _(
                    "导入时复查发现 %(count)s 行有问题（检查之后名册有了变化，例如有人已用同一身份证号码"
                    "或手机号码注册）。没有导入任何志愿者，请改正后重新上传。"
                )
                % {"count": len(refused.outcome.problems)},
                "problems": refused.outcome.problems,
                "ignored_columns": sheet.ignored_columns,
            },
        )
    except ImportFileError as error:
        _move(job, Status.COMMITTING, Status.FAILED, report={"message": error.message})
    except Exception as error:
        # The database's own message can quote a row's values (a phone number): it goes to the
        # server log only; the page names the kind of error.
        logger.exception("volunteer import %s: commit failed and was rolled back", job.pk)
        _move(
            job,
            Status.COMMITTING,
            Status.FAILED,
            report={
                **job.report,
                "message": _(
                    "导入时数据库出错，已全部撤销，没有导入任何志愿者。请稍后重试或联系管理员。"
                    "（%(error)s）"
                )
                % {"error": type(error).__name__},
            },
        )
    finally:
        cache.delete(_progress_key(job.pk))
        job.refresh_from_db()
        if job.status in {Status.DONE, Status.FAILED}:
            _discard_file(job)
    return job
