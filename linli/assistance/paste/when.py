"""Time phrases in a pasted message (明天下午, 周六上午9点, 晚上7点) as aware local times."""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, time, timedelta

from django.utils.translation import gettext as _

from linli.assistance.paste.text import SHANGHAI, as_digits

_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})[日号]")
_DAY = re.compile(r"大后天|后天|今天|今日|今晚|明天|明日|明早|明晚")
_DAY_OFFSET = {"今天": 0, "今日": 0, "今晚": 0, "明天": 1, "明日": 1, "明早": 1, "明晚": 1}
_DAY_OFFSET |= {"后天": 2, "大后天": 3}
_WEEKDAY = re.compile(r"(下下|下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天七1-7])(?!次)")
_PART = re.compile(r"早上|早晨|上午|中午|下午|傍晚|晚上|夜里|今晚|明晚|明早")
_PART_HOUR = {"早上": 8, "早晨": 8, "明早": 8, "上午": 9, "中午": 12, "下午": 15, "傍晚": 17}
_EVENING = {"下午", "傍晚", "晚上", "夜里", "今晚", "明晚"}
_CLOCK = re.compile(
    r"(?P<part>早上|早晨|上午|中午|下午|傍晚|晚上|夜里|今晚|明晚|明早)?\s*"
    r"(?:(?P<h>\d{1,2})\s*点|(?P<hcn>[一二两三四五六七八九十]{1,3})\s*点(?=钟|半|\d|左右)"
    r"|(?P<hh>\d{1,2}):(?P<mm>[0-5]\d))"
    # 3点半, 3点15分, 3点30 — but not the 2 of 3点2栋…
    r"(?:(?P<half>半)|(?P<m>[0-5]?\d)分|(?P<m2>[0-5]\d)(?![\d号栋幢楼单#-]))?"
)
_WEEK_NAMES = "一二三四五六日"
_WEEKDAY_ALIAS = {"天": "日", "七": "日"}


def read_preferred_at(plain: str, now: datetime, notes: list[str]) -> datetime | None:
    """A wish like 明天下午 or 周六上午9点 as an aware Asia/Shanghai time, or None."""
    day = _day(plain, now.date())
    part = _PART.search(plain)
    clock = _CLOCK.search(plain)
    if day is None and part is None and clock is None:
        return None
    part_word = part.group(0) if part else ""
    hour, minute = _PART_HOUR.get(part_word, 19 if part_word else 9), 0
    if clock is not None:
        hour, minute = _clock(clock, clock.group("part") or part_word)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    when = datetime.combine(day or now.date(), time(hour, minute), tzinfo=SHANGHAI)
    if day is None and when <= now:
        when += timedelta(days=1)  # 晚上7点 said at nine at night means tomorrow
    notes.append(
        _("希望时间：%(month)d月%(day)d日（周%(weekday)s）%(clock)s")
        % {
            "month": when.month,
            "day": when.day,
            "weekday": _WEEK_NAMES[when.weekday()],
            "clock": when.strftime("%H:%M"),
        }
    )
    return when


def _day(plain: str, today: date) -> date | None:
    found = _MONTH_DAY.search(plain)
    if found is not None:
        month, day = int(found.group(1)), int(found.group(2))
        # 1月5日 written in December is next January (2月29日 may not exist in either year).
        for year in (today.year, today.year + 1):
            with contextlib.suppress(ValueError):
                if (wanted := date(year, month, day)) >= today - timedelta(days=7):
                    return wanted
    found = _DAY.search(plain)
    if found is not None:
        return today + timedelta(days=_DAY_OFFSET[found.group(0)])
    found = _WEEKDAY.search(plain)
    if found is None:
        return None
    name = found.group(2)
    target = (
        int(name) - 1 if name.isdecimal() else _WEEK_NAMES.index(_WEEKDAY_ALIAS.get(name, name))
    )
    prefix = found.group(1) or ""
    if prefix.startswith("下"):
        ahead = 7 - today.weekday() + target + (7 if prefix == "下下" else 0)
    else:
        ahead = (target - today.weekday()) % 7
    return today + timedelta(days=ahead)


def _clock(clock: re.Match[str], part_word: str) -> tuple[int, int]:
    if clock.group("hh"):
        return _evening(int(clock.group("hh")), part_word), int(clock.group("mm"))
    hour = int(clock.group("h")) if clock.group("h") else int(as_digits(clock.group("hcn")))
    minute = 30 if clock.group("half") else int(clock.group("m") or clock.group("m2") or 0)
    return _evening(hour, part_word), minute


def _evening(hour: int, part_word: str) -> int:
    if part_word in _EVENING and hour < 12:
        return hour + 12
    if part_word == "中午" and hour < 3:
        return hour + 12
    if not part_word and 1 <= hour <= 6:
        return hour + 12  # 3点 alone: nobody asks for a volunteer at three in the morning
    return hour
