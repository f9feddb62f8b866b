"""The volunteer columns' own cells: 政治面貌, 服务类别 and 可服务时间 as people write them."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from linli.core.categories import ServiceCategory
from linli.people.importing.cells import cell_text, coded_words
from linli.people.importing.columns import TAG_SEPARATORS, RowError, chinese_labels
from linli.volunteers.models import FULL_AVAILABILITY, Volunteer, availability_bit

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
    known = {**chinese_labels(ServiceCategory), **CATEGORY_SYNONYMS}
    codes, unknown = coded_words(value, known, ServiceCategory.values)
    if unknown:
        raise RowError(
            "categories",
            _("未知服务类别：%(words)s。可填：%(choices)s，多个用顿号隔开。")
            % {"words": "、".join(unknown), "choices": "、".join(chinese_labels(ServiceCategory))},
        )
    return codes


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
