"""The volunteer sheet's columns (67号令: 政治面貌, 专业技能, 服务类别, 居住区域 …), the other names
they go by, their limits, and the sheet read with them."""

from __future__ import annotations

from typing import IO

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy

from linli.people.importing.columns import SYNONYMS, UNREPORTED_HEADERS
from linli.people.importing.sheet import Sheet, SheetLayout, read_sheet

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
# volunteer_register's error keys that are not column names, and the names of those that are not
# columns at all.
KEY_FIELDS = {"guardian_name": "guardian", "password": "phone", "consent": "guardian"}
KEY_LABELS = {"status": "审核", NON_FIELD_ERRORS: "整行"}

VOLUNTEERS = SheetLayout(
    header_fields=HEADER_FIELDS,
    labels={**HEADERS, **KEY_LABELS},
    quiet_headers=QUIET_HEADERS,
    # A header row names 姓名 and two more known columns.
    min_columns=3,
    max_rows=MAX_ROWS,
    too_many_rows=gettext_lazy(
        "一个文件最多导入 %(limit)s 位志愿者，这个文件有 %(count)s 行。请分成几个文件上传。"
    ),
    no_header=gettext_lazy(
        "没有找到表头。表格中须有一行列名，至少包含“姓名”“身份证号码”“手机号码”等三列，可参照导入模板。"
    ),
)


def read_volunteer_sheet(stream: IO[bytes]) -> Sheet:
    """The header and data rows of the first sheet that has one, read as the resident import
    reads a sheet (title rows, merged cells, blank rows), with the volunteer columns."""
    return read_sheet(stream, VOLUNTEERS)
