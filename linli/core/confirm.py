"""The questions of irreversible steps, in numbers read from rows.

Verifying hours, closing an activity, rejecting a request and awarding an honour ask once before
they happen: the page shows the step's button, pressing it opens a question that says what will
happen ("将为12名志愿者记入28.5小时，确认？"), and only the second button sends the form. The
template is `includes/confirm.html` (placed inside the step's form); each view builds its question
from rows with these helpers, so the figures are the ones the action is about to write.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def hours_text(hours: Decimal) -> str:
    """28.50 → "28.5", 3.00 → "3": hours as a person writes them."""
    normalized = hours.quantize(Decimal("0.01")).normalize()
    return format(normalized, "f")


def hours_question(volunteers: int, hours: Decimal) -> str:
    """The question before verifying: how many volunteers are credited with how many hours."""
    if volunteers == 0:
        return _("没有志愿者有服务时长，核定后活动即归档，不能再修改。确认？")
    return ngettext(
        "将为%(count)s名志愿者记入%(hours)s小时，确认？",
        "将为%(count)s名志愿者记入%(hours)s小时，确认？",
        volunteers,
    ) % {"count": volunteers, "hours": hours_text(hours)}


def award_question(title: str, people: int) -> str:
    """The question before awarding an honour to `people` volunteers."""
    return ngettext(
        "将授予%(count)s名志愿者「%(title)s」并通知本人，确认？",
        "将授予%(count)s名志愿者「%(title)s」并通知本人，确认？",
        people,
    ) % {"count": people, "title": title}
