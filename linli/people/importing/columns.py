"""The import sheet's columns, their synonyms, limits and errors."""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any

from django.utils import translation

from linli.people.models import Gender, Relation

logger = logging.getLogger(__name__)

# The template's columns, in its order: (field, header). `guardian` is the consent's guardian.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"),
    ("gender", "性别"),
    ("birth_date", "出生日期"),
    ("id_number", "身份证号码"),
    ("phone", "联系电话"),
    ("address", "住址"),
    ("estate", "小区"),
    ("building", "楼栋"),
    ("unit", "单元"),
    ("room", "房号"),
    ("relation", "与户主关系"),
    ("tags", "标签"),
    ("disability_type", "残疾类别"),
    ("disability_grade", "残疾等级"),
    ("health_notes", "健康状况"),
    ("guardian", "监护人"),
    ("note", "备注"),
)
HEADERS = dict(COLUMNS)
# Other names the same columns go by in the sheets stations actually keep.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("名字", "居民姓名", "成员姓名", "人员姓名"),
    "gender": ("性別",),
    "birth_date": ("出生年月", "出生年月日", "生日", "出生时间"),
    "id_number": (
        "身份证号",
        "公民身份号码",
        "公民身份证号码",
        "身份证",
        "身份证件号码",
        "证件号码",
    ),
    "phone": ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "联系号码"),
    "address": ("地址", "家庭住址", "居住地址", "现住址", "现居住地址", "详细地址"),
    "estate": ("小区名称", "所在小区", "小区名"),
    "building": ("楼栋号", "楼号", "栋", "幢", "栋号"),
    "unit": ("单元号",),
    "room": ("门牌", "门牌号", "房间号", "房间", "室", "户号"),
    "relation": ("关系", "家庭关系", "与户主的关系"),
    "tags": ("人员标签", "人群标签", "人员类别", "特殊人群"),
    "disability_type": ("残疾类型", "残疾种类"),
    "disability_grade": ("残疾级别",),
    "health_notes": ("健康情况", "身体状况"),
    "guardian": ("监护人姓名",),
    "note": ("说明",),
}
HEADER_FIELDS = {
    **{header: name for name, header in COLUMNS},
    **{synonym: name for name, synonyms in SYNONYMS.items() for synonym in synonyms},
}
# Columns a sheet often has that carry nothing to import; not worth a warning.
UNREPORTED_HEADERS = frozenset({"序号", "编号", "No", "NO", "no", "年龄"})
ADDRESS_PARTS = ("estate", "building", "unit", "room")

MAX_ROWS = 10_000
HEADER_SEARCH_ROWS = 20
# A sheet formatted down to row 1,048,576 is read only until this many blank rows in a row.
BLANK_RUN_LIMIT = 500
PROGRESS_EVERY = 100

HEADER_NOISE = re.compile(r"[\s*＊:：]|[(（][^)）]*[)）]")
DATE_FULL = re.compile(r"^(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?$")
DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
DATE_YEAR_MONTH = re.compile(r"^(\d{4})(?:[.\-/年](\d{1,2})月?)?$")
# What follows the estate name: 3栋2单元502 · 3号楼2单元502室 · 3幢2单元502 · 3-2-502 · 3#2-502.
ADDRESS_REST = re.compile(
    r"^(?P<building>[0-9A-Za-z]+)(?:号楼|栋|幢|号|#|-)"
    r"(?P<unit>[0-9A-Za-z]+)(?:单元-?|-)"
    r"(?P<room>[0-9A-Za-z]+)(?:室|号)?$"
)
LEADING_NON_DIGITS = re.compile(r"^(\D+?)(\d.*)$")
TAG_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
CJK_ONLY = re.compile(r"^[\u3400-\u9fff\s]+$")
GENDERS = {"男": Gender.MALE, "男性": Gender.MALE, "M": Gender.MALE, "女": Gender.FEMALE,
           "女性": Gender.FEMALE, "F": Gender.FEMALE}  # fmt: skip
RELATION_SYNONYMS = {
    "本人": Relation.HEAD, "户主本人": Relation.HEAD,
    "妻": Relation.SPOUSE, "妻子": Relation.SPOUSE, "夫": Relation.SPOUSE,
    "丈夫": Relation.SPOUSE, "老伴": Relation.SPOUSE,
    "子": Relation.CHILD, "女": Relation.CHILD, "儿子": Relation.CHILD, "女儿": Relation.CHILD,
    "长子": Relation.CHILD, "次子": Relation.CHILD, "长女": Relation.CHILD, "次女": Relation.CHILD,
    "儿媳": Relation.CHILD_IN_LAW, "儿媳妇": Relation.CHILD_IN_LAW, "女婿": Relation.CHILD_IN_LAW,
    "孙子": Relation.GRANDCHILD, "孙女": Relation.GRANDCHILD, "外孙": Relation.GRANDCHILD,
    "外孙女": Relation.GRANDCHILD,
    "父亲": Relation.PARENT, "母亲": Relation.PARENT, "父": Relation.PARENT, "母": Relation.PARENT,
    "兄弟": Relation.SIBLING, "姐妹": Relation.SIBLING, "哥哥": Relation.SIBLING,
    "弟弟": Relation.SIBLING, "姐姐": Relation.SIBLING, "妹妹": Relation.SIBLING,
}  # fmt: skip
# resident_check's error keys that are not column names.
CHECK_KEY_FIELDS = {"consent": "guardian"}
FIELD_LIMITS = {"building": 20, "unit": 10, "room": 10, "guardian": 50, "note": 200}


@cache
def chinese_labels(choices: Any) -> dict[str, str]:
    """Label → code for a TextChoices, with the Chinese labels whatever the active language."""
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices.choices}


class RowError(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name
        self.message = message
