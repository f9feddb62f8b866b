"""我们的节日: themed activities the station runs every year, as templates for the new-activity form.

Lunar festivals (元宵, 端午, 重阳) fall on different Gregorian days each year; a table for
2021–2030 is kept here (元宵 is the 15th of the 1st lunar month, 端午 the 5th of the 5th, 重阳 the
9th of the 9th). 清明 is a solar term (4 or 5 April). A year outside the table has no date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.core.categories import ServiceCategory

LANTERN = {  # 元宵节
    2021: date(2021, 2, 26), 2022: date(2022, 2, 15), 2023: date(2023, 2, 5),
    2024: date(2024, 2, 24), 2025: date(2025, 2, 12), 2026: date(2026, 3, 3),
    2027: date(2027, 2, 20), 2028: date(2028, 2, 9), 2029: date(2029, 2, 27),
    2030: date(2030, 2, 17),
}  # fmt: skip
QINGMING = {  # 清明 (solar term)
    2021: date(2021, 4, 4), 2022: date(2022, 4, 5), 2023: date(2023, 4, 5),
    2024: date(2024, 4, 4), 2025: date(2025, 4, 4), 2026: date(2026, 4, 5),
    2027: date(2027, 4, 5), 2028: date(2028, 4, 4), 2029: date(2029, 4, 4),
    2030: date(2030, 4, 5),
}  # fmt: skip
DRAGON_BOAT = {  # 端午节
    2021: date(2021, 6, 14), 2022: date(2022, 6, 3), 2023: date(2023, 6, 22),
    2024: date(2024, 6, 10), 2025: date(2025, 5, 31), 2026: date(2026, 6, 19),
    2027: date(2027, 6, 9), 2028: date(2028, 5, 28), 2029: date(2029, 6, 16),
    2030: date(2030, 6, 5),
}  # fmt: skip
DOUBLE_NINTH = {  # 重阳节
    2021: date(2021, 10, 14), 2022: date(2022, 10, 4), 2023: date(2023, 10, 23),
    2024: date(2024, 10, 11), 2025: date(2025, 10, 29), 2026: date(2026, 10, 18),
    2027: date(2027, 10, 8), 2028: date(2028, 10, 26), 2029: date(2029, 10, 16),
    2030: date(2030, 10, 5),
}  # fmt: skip


@dataclass(frozen=True)
class Theme:
    key: str
    title: Promise
    category: str
    description: Promise
    starts: time
    hours: int
    partners: str = ""
    fixed: tuple[int, int] | None = None  # (month, day) for festivals on a fixed Gregorian day
    table: dict[int, date] | None = None  # for lunar festivals and solar terms

    def date_in(self, year: int) -> date | None:
        if self.fixed is not None:
            return date(year, *self.fixed)
        return (self.table or {}).get(year)


THEMES: tuple[Theme, ...] = (
    Theme("new_year", _("元旦慰问敬老院"), ServiceCategory.ELDERLY_DISABLED,
          _("元旦前后走访敬老院，为老人送去慰问品，陪老人聊天、打扫房间。"),
          time(9, 0), 3, fixed=(1, 1)),
    Theme("lantern", _("元宵锣鼓舞龙"), ServiceCategory.CULTURE,
          _("文体志愿服务队的舞龙队、腰鼓队走进小区，锣鼓舞龙闹元宵，猜灯谜。"),
          time(14, 0), 3, table=LANTERN),
    Theme("lei_feng", _("3·5学雷锋志愿日"), ServiceCategory.COMMUNITY,
          _("学雷锋志愿服务：义务理发、家电维修、健康咨询、清扫楼道和小区环境。"),
          time(8, 30), 3, fixed=(3, 5)),
    Theme("qingming", _("清明祭扫烈士陵园"), ServiceCategory.CIVILITY,
          _("组织党员、青少年到烈士陵园祭扫，敬献花篮，重温革命历史。"),
          time(9, 0), 3, table=QINGMING),
    Theme("dragon_boat", _("端午包粽子"), ServiceCategory.ELDERLY_DISABLED,
          _("志愿者和居民一起包粽子，送给独居、空巢老人和困难家庭。"),
          time(9, 0), 3, table=DRAGON_BOAT),
    Theme("double_ninth", _("重阳义诊"), ServiceCategory.HEALTH,
          _("县中医院医生来社区为老年人免费义诊：量血压、测血糖、健康咨询。"),
          time(8, 30), 3, partners="县中医院", table=DOUBLE_NINTH),
    Theme("national_day", _("国庆文艺汇演"), ServiceCategory.CULTURE,
          _("民歌合唱队、腰鼓队、舞龙队同台演出，喜迎国庆。"),
          time(15, 0), 2, fixed=(10, 1)),
    Theme("summer_safety", _("暑期防溺水"), ServiceCategory.SAFETY,
          _("暑假防溺水安全宣传：走访有未成年人的家庭，巡查河塘，讲解自救知识。"),
          time(9, 0), 2, fixed=(7, 10)),
)  # fmt: skip

BY_KEY = {theme.key: theme for theme in THEMES}


def upcoming(today: date) -> list[tuple[Theme, date]]:
    """Each theme with its next date on or after `today` (this year's or next year's)."""
    found = []
    for theme in THEMES:
        for year in (today.year, today.year + 1):
            day = theme.date_in(year)
            if day is not None and day >= today:
                found.append((theme, day))
                break
    return sorted(found, key=lambda pair: pair[1])
