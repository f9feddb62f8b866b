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


def award_question(title: str, people: int, kind: str = "volunteer") -> str:
    """The question before awarding an honour to `people` volunteers (or teams, or families:
    `kind` as the honour's)."""
    if kind == "team":
        return ngettext(
            "将授予%(count)s支队伍「%(title)s」，确认？",
            "将授予%(count)s支队伍「%(title)s」，确认？",
            people,
        ) % {"count": people, "title": title}
    if kind == "family":
        return ngettext(
            "将授予%(count)s户家庭「%(title)s」，确认？",
            "将授予%(count)s户家庭「%(title)s」，确认？",
            people,
        ) % {"count": people, "title": title}
    return ngettext(
        "将授予%(count)s名志愿者「%(title)s」并通知本人，确认？",
        "将授予%(count)s名志愿者「%(title)s」并通知本人，确认？",
        people,
    ) % {"count": people, "title": title}


def recruiter_question(*, recruit: str, recruiter: str, points: Decimal, active: bool) -> str:
    """The question before recording who recruited a volunteer (once; it earns points)."""
    if points <= 0:
        return _("将登记%(recruiter)s为%(recruit)s的推荐人，登记后不能更改。确认？") % {
            "recruiter": recruiter,
            "recruit": recruit,
        }
    if active:
        text = _(
            "将登记%(recruiter)s为%(recruit)s的推荐人，%(recruiter)s立即获得%(points)s积分；"
            "登记后不能更改。确认？"
        )
    else:
        text = _(
            "将登记%(recruiter)s为%(recruit)s的推荐人，%(recruit)s成为在册志愿者后"
            "%(recruiter)s获得%(points)s积分；登记后不能更改。确认？"
        )
    return text % {"recruiter": recruiter, "recruit": recruit, "points": hours_text(points)}


def pool_question(*, number: int, name: str, pool: Decimal, hours: Decimal | None) -> str:
    """The question before the station's pool pays for a request: at once for the hours of a
    completed one, else on completion."""
    if hours is not None:
        paid = min(hours, pool)
        return _(
            "将从本站公益池（现有%(pool)s小时）支付第%(number)s号点单（%(name)s）已完成服务的"
            "%(hours)s小时，立即扣除，不能撤销。确认？"
        ) % {"pool": hours_text(pool), "number": number, "name": name, "hours": hours_text(paid)}
    return _(
        "将由本站公益池（现有%(pool)s小时）支付第%(number)s号点单（%(name)s）的服务时长，"
        "服务完成时按实际时长扣除，不能撤销。确认？"
    ) % {"pool": hours_text(pool), "number": number, "name": name}
