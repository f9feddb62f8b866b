"""Dates as people read them: this year's without the year, any other year's with it
("3月5日 09:00" now, "2024年3月5日 09:00" for an old record). Built into every template."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

register = template.Library()


def _local(value: Any) -> date | datetime | None:
    if isinstance(value, datetime):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    return None


@register.filter
def when(value: Any) -> str:
    """A moment: "n月j日 H:i" this year, "Y年n月j日 H:i" in any other; a date without the time."""
    moment = _local(value)
    if moment is None:
        return ""
    this_year = moment.year == timezone.localdate().year
    if isinstance(moment, datetime):
        return date_format(moment, _("n月j日 H:i") if this_year else _("Y年n月j日 H:i"))
    return date_format(moment, _("n月j日") if this_year else _("Y年n月j日"))


@register.filter
def when_day(value: Any) -> str:
    """A day: "n月j日" this year, "Y年n月j日" in any other."""
    moment = _local(value)
    if moment is None:
        return ""
    day = moment.date() if isinstance(moment, datetime) else moment
    return date_format(
        day, _("n月j日") if day.year == timezone.localdate().year else _("Y年n月j日")
    )
