"""The period a dashboard or report shows: a year, one of its quarters or one of its months.

Read from `?year=` and `?period=` (`year`, `q1`…`q4`, `m1`…`m12`); anything else is a 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.stats.metrics import next_period

FIRST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    year: int
    part: str  # "year", "q1".."q4", "m1".."m12"

    @property
    def start(self) -> date:
        if self.part.startswith("q"):
            return date(self.year, (int(self.part[1]) - 1) * 3 + 1, 1)
        if self.part.startswith("m"):
            return date(self.year, int(self.part[1:]), 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        kind = {"q": "quarter", "m": "month"}.get(self.part[0], "year")
        return next_period(self.start, kind)

    @property
    def label(self) -> str:
        if self.part.startswith("q"):
            return _("%(year)d 年第 %(quarter)s 季度") % {
                "year": self.year,
                "quarter": self.part[1],
            }
        if self.part.startswith("m"):
            return _("%(year)d 年 %(month)s 月") % {"year": self.year, "month": self.part[1:]}
        return _("%(year)d 年") % {"year": self.year}

    @property
    def query(self) -> str:
        return f"year={self.year}&period={self.part}"

    def previous(self) -> Period:
        """The period just before, of the same length (month-on-month, quarter-on-quarter)."""
        if self.part.startswith("m"):
            month = int(self.part[1:])
            return (
                Period(self.year - 1, "m12") if month == 1 else Period(self.year, f"m{month - 1}")
            )
        if self.part.startswith("q"):
            quarter = int(self.part[1])
            return (
                Period(self.year - 1, "q4")
                if quarter == 1
                else Period(self.year, f"q{quarter - 1}")
            )
        return Period(self.year - 1, "year")


PARTS = ("year", *(f"q{n}" for n in range(1, 5)), *(f"m{n}" for n in range(1, 13)))


def period_from(query: QueryDict, *, default_part: str = "year") -> Period:
    """The period asked for; the current year (or month) when none is given."""
    today = timezone.localdate()
    raw_year = query.get("year", "")
    part = query.get("period", "") or default_part
    if part == "month":
        part = f"m{today.month}"
    if not raw_year:
        year = today.year
    elif raw_year.isdigit() and len(raw_year) == 4:
        year = int(raw_year)
    else:
        raise BadRequest("year")
    if not FIRST_YEAR <= year <= today.year + 1 or part not in PARTS:
        raise BadRequest("period")
    return Period(year, part)


def year_choices() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))[:12]
