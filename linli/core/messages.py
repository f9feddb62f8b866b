"""System-written texts as message codes with parameters, rendered in the reader's language.

A timeline note or an inbox title written by the system is stored as a code (`request.dispatched_to`)
and its parameters, beside the Chinese words it reads as (kept for old rows, outgoing SMS and
search). A reader in English gets the English of the same message; a row written before codes
existed, or with a code this version no longer knows, shows its stored words.

A parameter is data as it was (a name, a number, what someone typed), or `{"t": "社区服务"}` for
words of the catalogue (a category, a state) that are translated at reading time too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N

# The language of the words stored beside a code (and of catalogue words in parameters).
STORED_LANGUAGE = "zh-hans"

MESSAGES: dict[str, str] = {
    # service requests: timeline notes
    "request.dispatched_to": N("派给：%(whom)s"),
    "request.dispatched_to_with_note": N("派给：%(whom)s；%(note)s"),
    "request.open_to_all": N("所有符合条件的志愿者（抢单）"),
    "request.via": N("%(channel)s"),
    "request.took_it": N("%(name)s 接单"),
    "request.served": N("服务 %(hours)s 小时：%(note)s"),
    "request.hours_recorded": N("确认服务时长 %(hours)s 小时，已记入志愿服务记录"),
    "request.reopen_reason": N("重新处理：%(reason)s"),
    "request.followup_done": N("回访完成：%(outcome)s"),
    "request.followup_opened": N("差评，已生成回访任务，须在 %(due)s 前完成"),
    "request.rating": N("%(label)s"),
    "request.rating_comment": N("%(label)s；%(comment)s"),
    "request.rating_by_staff": N("工作人员回访代评：%(label)s"),
    "request.rating_by_staff_comment": N("工作人员回访代评：%(label)s；%(comment)s"),
    # service requests: inbox
    "request.new": N("新的群众点单：%(what)s"),
    "request.new_urgent": N("【急】新的群众点单：%(what)s"),
    "request.received": N("您的需求已收到，工作人员会尽快处理"),
    "request.can_take": N("有一张可接的单：%(what)s"),
    "request.grab": N("抢单：有一张可接的单：%(what)s"),
    "request.dispatched_to_you": N("工作人员给您派了一张单：%(what)s"),
    "request.dispatched": N("您的需求已派单"),
    "request.accepted_by": N("志愿者%(name)s已接单，会与您联系"),
    "request.took": N("%(name)s 接了单：%(what)s"),
    "request.started": N("志愿者已开始为您服务"),
    "request.completed": N("服务已完成，请您评价"),
    "request.hours_to_confirm": N("待确认服务时长：%(what)s %(hours)s 小时"),
    "request.rated": N("居民评价了您的服务：%(label)s"),
    "request.poor_rating": N("差评待回访：%(what)s"),
    "request.closed": N("需求%(status)s：%(what)s"),
    "request.reopened": N("需求重新处理：%(what)s"),
    "request.rate_reminder": N("请为已完成的服务评价：%(what)s"),
    "request.what": N("%(what)s"),
    "request.classified": N("工作人员归类：%(what)s"),
    "request.category_item": N("%(category)s·%(item)s"),
    # star levels
    "star.reached": N("恭喜！您已成为%(level)s星级志愿者"),
    "star.reached_body": N(
        "%(name)s：您的累计志愿服务时长已达 %(hours)s 小时（%(threshold)s 小时起为%(level)s星），"
        "星级将显示在志愿者证和志愿服务证明上。感谢您的奉献！"
    ),
    # the canteen
    "canteen.delivered": N("%(meal)s已送达：%(name)s"),
    "canteen.order_cancelled": N("订餐已取消：%(date)s %(meal)s"),
    # health records
    "health.alert": N("%(name)s 的健康记录有超出范围的数值"),
    "health.alert_body": N("请查看健康档案并跟进。"),
    # the study room
    "studyroom.pickup_refused": N("午间微学堂：有人试图接走 %(name)s，已拒绝"),
    "studyroom.pickup_refused_body": N("来人不在接送人名单中。请与监护人联系核实。"),
    "studyroom.still_in": N("午间微学堂：%(name)s 还没有被接走"),
    "studyroom.still_in_staff": N("已过 %(time)s，请联系接送人。"),
    "studyroom.still_in_guardian": N("请尽快到 %(place)s 接孩子，或联系工作人员。"),
    # elders' visits
    "elders.overdue": N("%(n)d 位老人的走访已超期"),
    "elders.overdue_names": N("%(names)s"),
    "elders.overdue_names_more": N("%(names)s等 %(n)d 位"),
}


@dataclass(frozen=True)
class Message:
    """A code and its parameters; `str()` gives the words in the active language."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self.code, self.params, "")

    def stored(self) -> str:
        """The Chinese words, as stored beside the code."""
        with translation.override(STORED_LANGUAGE):
            return render(self.code, self.params, "")


def words(text: Any) -> dict[str, str]:
    """A parameter that is catalogue words, translated when read. Give the lazy label
    (`Status.DONE.label`, or `choice(row, "status")`): its Chinese is what is stored, whatever
    the writer's language."""
    with translation.override(STORED_LANGUAGE):
        return {"t": str(text)}


def choice(row: Any, field_name: str) -> dict[str, str]:
    """A choice field's value of `row` as catalogue words (its label, translated when read)."""
    value = getattr(row, field_name)
    labels = dict(row._meta.get_field(field_name).flatchoices)
    return words(labels.get(value, value))


def _param(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"t"}:
        return gettext(str(value["t"]))
    if isinstance(value, dict) and "code" in value:
        return render(str(value["code"]), value.get("params") or {}, "")
    return value


def render(code: str, params: dict[str, Any] | None, fallback: str) -> str:
    """The message in the active language, or `fallback` (the stored words) for no code, an
    unknown one, or parameters that do not fit it."""
    template = MESSAGES.get(code or "")
    if template is None:
        return fallback
    try:
        return gettext(template) % {key: _param(value) for key, value in (params or {}).items()}
    except (KeyError, ValueError, TypeError):
        return fallback


def as_stored(text: Message | str) -> tuple[str, str, dict[str, Any]]:
    """(Chinese words, code, parameters) of a text given as a Message or as plain words."""
    if isinstance(text, Message):
        return text.stored(), text.code, dict(text.params)
    return str(text), "", {}
