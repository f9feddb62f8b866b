"""Recurring activities: one activity per occurrence of a rule, all sharing a series key."""

from __future__ import annotations

import calendar
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.activities.actions.lifecycle import ActivityInput, activity_create
from linli.activities.models import Activity
from linli.core.workdays import is_working_day
from linli.org.models import Station

MAX_OCCURRENCES = 120


class Rule(models.TextChoices):
    NONE = "none", gettext_lazy("不重复")
    WORKDAYS = "workdays", gettext_lazy("每个工作日（法定节假日除外）")
    WEEKLY = "weekly", gettext_lazy("每周同一天")
    QUARTERLY = "quarterly", gettext_lazy("每季度同一天")


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def occurrence_dates(first: date, rule: str, until: date) -> list[date]:
    """The dates of a series from `first` to `until` inclusive (the first always included).

    Quarterly keeps the day of the month, or the month's last day where it has fewer days.
    """
    if rule == Rule.NONE:
        return [first]
    days: list[date] = []
    if rule == Rule.WORKDAYS:
        day = first
        while day <= until:
            if day == first or is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
    elif rule == Rule.WEEKLY:
        day = first
        while day <= until:
            days.append(day)
            day += timedelta(weeks=1)
    elif rule == Rule.QUARTERLY:
        step = 0
        while (day := _add_months(first, 3 * step)) <= until:
            days.append(day)
            step += 1
    else:
        raise ValidationError({"repeat": [_("请选择重复方式。")]})
    return days or [first]


def _on(moment: datetime, day: date) -> datetime:
    """The same local wall-clock time on another day (Asia/Shanghai has no DST, but be exact)."""
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime.combine(day, local.time().replace(tzinfo=None)))


@transaction.atomic
def activity_create_series(
    *, station: Station, data: ActivityInput, rule: str, until: date | None, actor: Any
) -> list[Activity]:
    """Draft activities on every date of `rule` from `data`'s start to `until`, sharing one
    `series_key`; all or none (any occurrence refused refuses the series)."""
    first = timezone.localdate(data.starts_at)
    if rule != Rule.NONE:
        if until is None:
            raise ValidationError({"repeat_until": [_("重复的活动须填写截止日期。")]})
        if until < first:
            raise ValidationError({"repeat_until": [_("截止日期不能早于第一次活动的日期。")]})
    days = occurrence_dates(first, rule, until or first)
    if len(days) > MAX_OCCURRENCES:
        raise ValidationError(
            {
                "repeat_until": [
                    _("一次最多建立 %(count)d 个活动，请缩短截止日期。")
                    % {"count": MAX_OCCURRENCES}
                ]
            }
        )
    length = data.ends_at - data.starts_at
    created = []
    for day in days:
        starts_at = _on(data.starts_at, day)
        occurrence = replace(data, starts_at=starts_at, ends_at=starts_at + length)
        created.append(activity_create(station=station, data=occurrence, actor=actor))
    if len(created) > 1:
        key = uuid.uuid4().hex
        Activity.objects.filter(pk__in=[activity.pk for activity in created]).update(series_key=key)
        for activity in created:
            activity.series_key = key
    return created
