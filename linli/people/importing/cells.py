"""One cell, one value: dates typed five ways, ID numbers Excel mangled, tags, addresses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from linli.core.idcard import normalize_id_number
from linli.people.actions import (
    AddressInput,
)
from linli.people.importing.columns import (
    ADDRESS_REST,
    CJK_ONLY,
    DATE_COMPACT,
    DATE_FULL,
    DATE_YEAR_MONTH,
    GENDERS,
    LEADING_NON_DIGITS,
    RELATION_SYNONYMS,
    TAG_SEPARATORS,
    RowError,
    chinese_labels,
)
from linli.people.importing.sheet import is_blank
from linli.people.models import Relation, Tag

# --- one cell, one value -------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing `.0`, full-width digits and letters narrowed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def cell_name(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    # 王  芳: two-character names are padded with spaces to line up with three-character ones.
    if CJK_ONLY.match(text):
        text = re.sub(r"\s+", "", text)
    return text


def parse_birth_date(value: Any) -> date | None:
    """A real Excel date, 1956.03.12, 1956/3/12, 1956-3-12, 19560312 or 1956年3月12日."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        number = int(value)
        if 10_000 <= number <= 60_000:  # an Excel date serial that lost its date format
            return date(1899, 12, 30) + timedelta(days=number)
    text = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?$", "", cell_text(value))  # 1956-03-12 00:00:00
    text = re.sub(r"\s+", "", text)
    match = DATE_FULL.match(text) or DATE_COMPACT.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise RowError(
                "birth_date", _("出生日期“%(value)s”不是有效日期。") % {"value": text}
            ) from None
    if DATE_YEAR_MONTH.match(text):
        raise RowError(
            "birth_date",
            _(
                "出生日期“%(value)s”不完整（只有年月或只有年份）。请填写完整的年月日（如 1956-03-12）；"
                "已填身份证号码的，也可以清空这一格，出生日期将按身份证号码登记。"
            )
            % {"value": text},
        )
    raise RowError(
        "birth_date",
        _(
            "出生日期“%(value)s”无法识别。请写成 1956-03-12、1956.03.12、1956/3/12、19560312 或 1956年3月12日。"
        )
        % {"value": text},
    )


def parse_id_number(value: Any) -> str:
    """Text with or without spaces; a number only if Excel cannot have rounded it."""
    if is_blank(value):
        return ""
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    # Excel keeps 15 significant digits: an 18-digit number comes back as 3.40521195603121E+17,
    # its last three digits zeros. Only a whole 18-digit number not ending in 000 is intact.
    if numeric and not (
        isinstance(value, int) and len(str(value)) == 18 and not str(value).endswith("000")
    ):
        raise RowError(
            "id_number",
            _(
                "身份证号码被 Excel 当成了数字，后几位已经丢失。请把“身份证号码”这一列设置为"
                "“文本”格式，重新输入号码后再上传。"
            ),
        )
    return normalize_id_number(re.sub(r"\s+", "", cell_text(value)).lstrip("'`"))


def parse_gender(value: Any) -> str:
    text = cell_text(value).upper()
    if not text:
        return ""
    if text not in GENDERS:
        raise RowError("gender", _("性别“%(value)s”无法识别，请填“男”或“女”。") % {"value": text})
    return GENDERS[text]


def parse_relation(value: Any) -> str:
    text = cell_text(value)
    if not text:
        return Relation.HEAD
    known = {**chinese_labels(Relation), **RELATION_SYNONYMS}
    if text in known:
        return known[text]
    if text in Relation.values:
        return text
    raise RowError(
        "relation",
        _("与户主关系“%(value)s”无法识别，可填：%(choices)s。")
        % {"value": text, "choices": "、".join(chinese_labels(Relation))},
    )


def coded_words(
    value: Any, known: Mapping[str, str], codes: Iterable[str]
) -> tuple[frozenset[str], list[str]]:
    """A cell of several words (顿号, commas or spaces between them) as codes: each word one of
    `known` (a name → its code) or a code itself. Also the words that are neither."""
    found, unknown = set(), []
    for word in TAG_SEPARATORS.split(cell_text(value)):
        if not word:
            continue
        if word in known:
            found.add(known[word])
        elif word in codes:
            found.add(word)
        else:
            unknown.append(word)
    return frozenset(found), unknown


def parse_tags(value: Any) -> frozenset[str]:
    labels = chinese_labels(Tag)
    tags, unknown = coded_words(value, labels, Tag.values)
    if unknown:
        raise RowError(
            "tags",
            _("未知标签：%(tags)s。可填：%(choices)s，多个标签用顿号、逗号或空格隔开。")
            % {"tags": "、".join(unknown), "choices": "、".join(labels)},
        )
    return tags


def normalized(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def parse_address(text: str, estate_names: Iterable[str]) -> AddressInput:
    """`金桥花园3栋2单元502`, `金桥花园 3号楼 2单元 502室`: the longest known estate name, then the rest."""
    compact = normalized(text)
    known = {normalized(name): name for name in estate_names}
    starting = [name for name in known if compact.startswith(name)]
    # Also `焦家社区金桥花园3栋…`: a known name further in, after the community's own name.
    inside = starting or [name for name in known if name in compact]
    if inside:
        matched = max(inside, key=len)
        estate = known[matched]
        rest = compact[compact.index(matched) + len(matched) :]
    else:
        split = LEADING_NON_DIGITS.match(compact)
        estate, rest = (split[1], split[2]) if split else (compact, "")
    parts = ADDRESS_REST.match(rest)
    if parts is None:
        raise RowError(
            "address",
            _(
                "住址“%(value)s”无法识别。请写成“小区名+楼栋+单元+房号”，如“金桥花园3栋2单元502”，"
                "或分列填写小区、楼栋、单元、房号。"
            )
            % {"value": text.strip()},
        )
    return AddressInput(estate, parts["building"], parts["unit"], parts["room"])
