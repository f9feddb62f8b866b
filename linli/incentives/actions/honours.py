"""嘉许: yearly honours with nominations, review, a 公示 of HONOUR_NOTICE_DAYS, then the award.

Invariant: an honour moves nominating → publicized → awarded (HONOUR_TRANSITIONS), publicizing
needs at least one accepted nomination, and the award is refused (409 `notice_running`) until
the notice has ended. An award enters each honoured volunteer's 67号令 record (名称, 日期, 授予单位:
`VolunteerAward`) once and tells them in their inbox; teams and families keep the honour itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.incentives.models import (
    HONOUR_TRANSITIONS,
    Honour,
    HonourKind,
    HonourStatus,
    Nomination,
    NominationStatus,
)
from linli.volunteers.actions.records import award_add


def _stored(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _move(honour: Honour, to: str) -> None:
    if to not in HONOUR_TRANSITIONS[honour.status]:
        raise DomainError(
            "bad_state",
            _("该荣誉当前为「%(status)s」。") % {"status": honour.get_status_display()},
            status=409,
        )


@transaction.atomic
def honour_create(
    *, station: Any, title: str, year: int, kind: str, actor: Any, granted_by: str = ""
) -> Honour:
    title = title.strip()
    if not title or len(title) > 60:
        raise ValidationError({"title": [_("请填写荣誉名称（60 字以内）。")]})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("年度无效。")]})
    if kind not in HonourKind.values:
        raise ValidationError({"kind": [_("对象类型无效。")]})
    if Honour.objects.filter(station=station, title=title, year=year).exists():
        raise DomainError("duplicate", _("本站这一年度已有同名荣誉。"), status=409)
    honour = Honour.objects.create(
        station=station,
        title=title,
        year=year,
        kind=kind,
        granted_by=(granted_by.strip() or station.name)[:100],
        created_by=_stored(actor),
    )
    audit_record(
        actor=actor,
        action="honour.create",
        target=honour,
        station=station,
        after={"title": title, "year": year, "kind": kind},
    )
    return honour


@transaction.atomic
def nomination_create(
    *,
    honour: Honour,
    reason: str,
    actor: Any,
    volunteer: Any = None,
    team: Any = None,
    household: Any = None,
) -> Nomination:
    """提名: one nominee of the honour's kind and station, with a reason, while nominating."""
    locked = Honour.objects.select_for_update().get(pk=honour.pk)
    if locked.status != HonourStatus.NOMINATING:
        raise DomainError("bad_state", _("提名已截止。"), status=409)
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise ValidationError({"reason": [_("请填写推荐理由（500 字以内）。")]})
    nominee = {HonourKind.VOLUNTEER: volunteer, HonourKind.TEAM: team, HonourKind.FAMILY: household}
    chosen = nominee[HonourKind(locked.kind)]
    others = [value for kind, value in nominee.items() if kind != locked.kind and value is not None]
    if chosen is None or others:
        raise ValidationError({locked.kind: [_("提名对象与荣誉类型不符。")]})
    if chosen.station_id != locked.station_id:
        raise ValidationError({locked.kind: [_("只能提名本站的对象。")]})
    if locked.kind == HonourKind.VOLUNTEER:
        name = chosen.person.name
    elif locked.kind == HonourKind.TEAM:
        name = chosen.name
    else:
        head = chosen.members.order_by("birth_date", "pk").first()
        name = _("%(name)s家庭") % {"name": head.name} if head is not None else str(chosen)
    if Nomination.objects.filter(honour=locked, **{_field(locked.kind): chosen}).exists():
        raise DomainError("duplicate", _("已经提名过。"), status=409)
    nomination = Nomination.objects.create(
        honour=locked,
        volunteer=volunteer if locked.kind == HonourKind.VOLUNTEER else None,
        team=team if locked.kind == HonourKind.TEAM else None,
        household=household if locked.kind == HonourKind.FAMILY else None,
        display_name=str(name)[:60],
        reason=reason,
        nominated_by=_stored(actor),
    )
    audit_record(
        actor=actor,
        action="honour.nominate",
        target=nomination,
        station=locked.station,
        after={"honour": locked.pk, "name": nomination.display_name},
    )
    return nomination


def _field(kind: str) -> str:
    return {"volunteer": "volunteer", "team": "team", "family": "household"}[kind]


@transaction.atomic
def nomination_review(*, nomination: Nomination, accept: bool, actor: Any) -> Nomination:
    """审核: staff accept or decline a nomination while the honour is still nominating."""
    locked = Nomination.objects.select_for_update().select_related("honour").get(pk=nomination.pk)
    if locked.honour.status != HonourStatus.NOMINATING:
        raise DomainError("bad_state", _("公示开始后不能再审核提名。"), status=409)
    locked.status = NominationStatus.ACCEPTED if accept else NominationStatus.DECLINED
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = _stored(actor)
    locked.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor,
        action="honour.review",
        target=locked,
        station=locked.honour.station,
        after={"accepted": accept},
    )
    return locked


@transaction.atomic
def honour_publicize(*, honour: Honour, actor: Any, at: datetime | None = None) -> Honour:
    """公示: the accepted nominees are shown on the station's public page for the notice days."""
    now = at or timezone.now()
    locked = Honour.objects.select_for_update().select_related("station").get(pk=honour.pk)
    _move(locked, HonourStatus.PUBLICIZED)
    if not locked.nominations.filter(status=NominationStatus.ACCEPTED).exists():
        raise DomainError("no_nominees", _("还没有审核通过的提名。"), status=409)
    locked.status = HonourStatus.PUBLICIZED
    locked.notice_starts_at = now
    locked.notice_ends_at = now + timedelta(days=settings.HONOUR_NOTICE_DAYS)
    locked.save(update_fields=["status", "notice_starts_at", "notice_ends_at"])
    audit_record(
        actor=actor, action="honour.publicize", target=locked, station=locked.station, after={}
    )
    return locked


@transaction.atomic
def honour_award(*, honour: Honour, actor: Any, at: datetime | None = None) -> Honour:
    """授予: after the notice has ended; each accepted volunteer gets the 67号令 award record."""
    now = at or timezone.now()
    locked = Honour.objects.select_for_update().select_related("station").get(pk=honour.pk)
    _move(locked, HonourStatus.AWARDED)
    if locked.notice_ends_at is None or now < locked.notice_ends_at:
        raise DomainError("notice_running", _("公示期未满，不能授予。"), status=409)
    awarded_on = timezone.localdate(now)
    honoured = []
    for nomination in (
        locked.nominations.select_for_update(of=("self",))
        .select_related("volunteer__user")
        .filter(status=NominationStatus.ACCEPTED, volunteer__isnull=False, award__isnull=True)
    ):
        if nomination.volunteer is None:
            continue
        # The 67号令 record's own action: the award is written and audited as any other.
        nomination.award = award_add(
            volunteer=nomination.volunteer,
            name=f"{locked.year}年度{locked.title}",
            awarded_on=awarded_on,
            granted_by=locked.granted_by,
            actor=actor,
        )
        nomination.save(update_fields=["award"])
        honoured.append(nomination.volunteer)
    locked.status = HonourStatus.AWARDED
    locked.awarded_on = awarded_on
    locked.save(update_fields=["status", "awarded_on"])
    audit_record(
        actor=actor, action="honour.award", target=locked, station=locked.station, after={}
    )
    if honoured:
        _tell_honoured(locked, honoured)
    return locked


def _tell_honoured(honour: Honour, volunteers: list[Any]) -> None:
    from linli.notifications.actions import notify

    notify(
        users=[volunteer.user for volunteer in volunteers],
        kind="honour",
        title=_("恭喜！您获得「%(year)s年度%(title)s」")
        % {"year": honour.year, "title": honour.title},
        body=_("%(granted_by)s授予，已记入您的志愿服务记录，并显示在志愿服务证明上。")
        % {"granted_by": honour.granted_by},
        url="/volunteers/me/",
        station=honour.station,
    )
