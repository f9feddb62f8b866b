"""Every change to a service request (SPEC §4): one function per action, one transition table.

Each action locks the request row, asks the one gate (`access.authorize`) who may act, checks the
move against REQUEST_TRANSITIONS, saves only the fields it changed, writes a timeline row and an
audit row, and leaves notifications and timers to run after commit. `actor` None is the system
itself (timers, the demo seed). `at` lets staff record when a phoned-in step really happened
and lets the demo lay down history; it defaults to now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assistance import access
from linli.assistance.actions import tell
from linli.assistance.actions.photos import store_photos
from linli.assistance.models import (
    REQUEST_TRANSITIONS,
    Channel,
    DispatchMode,
    FollowUp,
    MenuCategory,
    MenuItem,
    Rating,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
    Urgency,
)
from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.core.workdays import add_working_days
from linli.ledger.actions import ledger_credit
from linli.ledger.models import Account, EntryKind
from linli.org.models import Building, Station
from linli.people.models import Resident
from linli.volunteers.models import Team, Volunteer

MAX_HOURS = Decimal("24")


@dataclass(frozen=True)
class RequestInput:
    """What a request says. `requester_name`/`requester_phone` default to the resident's own."""

    category: str
    description: str
    item_id: int | None = None
    urgency: str = Urgency.NORMAL
    resident_id: int | None = None
    requester_name: str = ""
    requester_phone: str = ""
    proxy_relation: str = ""
    building_id: int | None = None
    unit: str = ""
    room: str = ""
    address_text: str = ""
    preferred_at: datetime | None = None
    source_text: str = ""


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(service_request: ServiceRequest) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("station", "item", "dispatch_team")
        .get(pk=service_request.pk)
    )


def _move(
    locked: ServiceRequest,
    to: str,
    *,
    actor: Any,
    at: datetime,
    note: str = "",
    fields: list[str],
) -> None:
    """Check the move against the table, save `fields` and the status, write the timeline row."""
    if to not in REQUEST_TRANSITIONS[locked.status]:
        raise DomainError(
            "invalid_transition",
            _("当前状态“%(status)s”下不能进行此操作。") % {"status": locked.get_status_display()},
            status=409,
        )
    before = locked.status
    locked.status = to
    locked.save(update_fields=["status", *fields])
    RequestEvent.objects.create(
        request=locked,
        actor=_user(actor),
        at=at,
        from_status=before,
        to_status=to,
        note=note[:500],
    )
    audit_record(
        actor=actor,
        action=f"service_request.{to}",
        target=locked,
        station=locked.station,
        before={"status": before},
        after={"status": to, **({"note": note[:200]} if note else {})},
    )


def _menu_item(station: Station, category: str, item_id: int | None) -> MenuItem | None:
    menu = MenuCategory.objects.filter(station=station, code=category, active=True).first()
    if menu is None:
        raise ValidationError({"category": [_("本站的服务清单中没有这个类别。")]})
    if item_id is None:
        return None
    item = MenuItem.objects.filter(pk=item_id, category=menu, active=True).first()
    if item is None:
        raise ValidationError({"item": [_("这个服务项目不属于所选类别。")]})
    return item


@transaction.atomic
def request_submit(
    *,
    station: Station,
    data: RequestInput,
    channel: str,
    actor: Any,
    requester: Any = None,
    at: datetime | None = None,
) -> ServiceRequest:
    """点单: a new request at `station`, in state submitted.

    `requester` is the account that will follow it (for the web form: the actor). The served
    resident must belong to the station; without an address the resident's household gives one.
    """
    now = at or timezone.now()
    if actor is not None and not access.can_submit_at(actor, station):
        raise PermissionDenied("submit")
    if channel not in Channel.values:
        raise ValidationError({"channel": [_("来源无效。")]})
    if data.urgency not in Urgency.values:
        raise ValidationError({"urgency": [_("紧急程度无效。")]})
    description = data.description.strip()
    if not description:
        raise ValidationError({"description": [_("请说一说需要什么帮助。")]})
    if len(description) > 1000:
        raise ValidationError({"description": [_("需求描述不能超过 1000 字。")]})
    item = _menu_item(station, data.category, data.item_id)
    resident = None
    if data.resident_id is not None:
        resident = (
            Resident.objects.filter(pk=data.resident_id, station=station)
            .select_related("household")
            .first()
        )
        if resident is None:
            raise ValidationError({"resident": [_("本站没有这位居民。")]})
    building = None
    unit, room = data.unit.strip(), data.room.strip()
    if data.building_id is not None:
        building = Building.objects.filter(pk=data.building_id, estate__station=station).first()
        if building is None:
            raise ValidationError({"building": [_("本站没有这个楼栋。")]})
    elif resident is not None and resident.household is not None and not data.address_text:
        building = resident.household.building
        unit, room = resident.household.unit, resident.household.room
    requester_user = _user(requester)
    name = data.requester_name.strip()
    phone = data.requester_phone.strip()
    if requester_user is not None:
        name = name or requester_user.name or requester_user.phone
        phone = phone or requester_user.phone
    if resident is not None:
        name = name or resident.name
        phone = phone or resident.phone
    if not name:
        raise ValidationError({"requester_name": [_("请填写联系人。")]})
    service_request = ServiceRequest.objects.create(
        station=station,
        channel=channel,
        requester=requester_user,
        requester_name=name[:50],
        requester_phone=phone[:20],
        proxy_relation=data.proxy_relation.strip()[:20],
        resident=resident,
        building=building,
        unit=unit[:10],
        room=room[:10],
        address_text=data.address_text.strip()[:200],
        category=data.category,
        item=item,
        description=description,
        urgency=data.urgency,
        preferred_at=data.preferred_at,
        source_text=data.source_text[:2000],
        submitted_at=now,
        created_by=_user(actor),
    )
    RequestEvent.objects.create(
        request=service_request,
        actor=_user(actor),
        at=now,
        to_status=RequestStatus.SUBMITTED,
        note=str(Channel(channel).label),
    )
    audit_record(
        actor=actor,
        action="service_request.submitted",
        target=service_request,
        station=station,
        after={"category": data.category, "channel": channel, "urgency": data.urgency},
    )
    tell.submitted(service_request)
    return service_request


@transaction.atomic
def request_dispatch(
    *,
    service_request: ServiceRequest,
    actor: Any,
    team: Team | None = None,
    volunteer: Volunteer | None = None,
    open_to_all: bool = False,
    note: str = "",
    at: datetime | None = None,
) -> ServiceRequest:
    """派单: to a team, to one volunteer, or open to every qualified volunteer (抢单) — exactly
    one of the three. Also re-dispatches a request nobody took, or one its volunteer gave up."""
    now = at or timezone.now()
    locked = _lock(service_request)
    access.authorize(actor, locked, "dispatch")
    chosen = [team is not None, volunteer is not None, open_to_all]
    if sum(chosen) != 1:
        raise ValidationError({"dispatch": [_("请选择派给队伍、派给志愿者或开放抢单中的一种。")]})
    if team is not None and team.station_id != locked.station_id:
        raise ValidationError({"team": [_("只能派给本站的队伍。")]})
    if volunteer is not None:
        if volunteer.station_id != locked.station_id:
            raise ValidationError({"volunteer": [_("只能派给本站的志愿者。")]})
        locked.dispatch_mode = DispatchMode.VOLUNTEER
        locked.dispatch_volunteer = volunteer
        problem = access.accept_problem(
            volunteer if volunteer.status == Volunteer.Status.ACTIVE else None, locked
        )
        if problem:
            raise DomainError("not_eligible", problem, status=409)
    locked.dispatch_mode = (
        DispatchMode.TEAM
        if team is not None
        else DispatchMode.VOLUNTEER
        if volunteer is not None
        else DispatchMode.OPEN
    )
    locked.dispatch_team = team
    locked.dispatch_volunteer = volunteer
    locked.volunteer = None
    locked.accepted_at = None
    locked.dispatched_at = now
    locked.first_dispatched_at = locked.first_dispatched_at or now
    locked.accept_alerted_at = None
    whom = (
        str(team)
        if team is not None
        else volunteer.person.name
        if volunteer is not None
        else _("所有符合条件的志愿者（抢单）")
    )
    _move(
        locked,
        RequestStatus.DISPATCHED,
        actor=actor,
        at=now,
        note=(_("派给：%(whom)s") % {"whom": whom}) + (f"；{note}" if note else ""),
        fields=[
            "dispatch_mode",
            "dispatch_team",
            "dispatch_volunteer",
            "volunteer",
            "accepted_at",
            "dispatched_at",
            "first_dispatched_at",
            "accept_alerted_at",
        ],
    )
    tell.dispatched(locked)
    return locked


@transaction.atomic
def request_accept(
    *, service_request: ServiceRequest, actor: Any, at: datetime | None = None
) -> ServiceRequest:
    """接单: exactly one volunteer wins. The row is locked, so of many simultaneous accepts the
    first moves the request and every other one finds it taken (409)."""
    now = at or timezone.now()
    locked = _lock(service_request)
    access.authorize(actor, locked, "accept")
    volunteer = access.active_volunteer(actor) if actor is not None else locked.dispatch_volunteer
    if locked.status in {RequestStatus.ACCEPTED, RequestStatus.IN_SERVICE}:
        raise DomainError("already_taken", _("这张单已被其他志愿者接走了。"), status=409)
    if locked.status != RequestStatus.DISPATCHED:
        raise DomainError(
            "invalid_transition",
            _("当前状态“%(status)s”下不能接单。") % {"status": locked.get_status_display()},
            status=409,
        )
    problem = access.accept_problem(volunteer, locked)
    if problem or volunteer is None:
        raise DomainError("not_eligible", problem or "", status=403)
    locked.volunteer = volunteer
    locked.accepted_at = now
    _move(
        locked,
        RequestStatus.ACCEPTED,
        actor=actor,
        at=now,
        note=_("%(name)s 接单") % {"name": volunteer.person.name},
        fields=["volunteer", "accepted_at"],
    )
    tell.accepted(locked)
    return locked


@transaction.atomic
def request_start(
    *, service_request: ServiceRequest, actor: Any, at: datetime | None = None
) -> ServiceRequest:
    """开始服务: the volunteer has arrived (or staff record it for them)."""
    now = at or timezone.now()
    locked = _lock(service_request)
    access.authorize(actor, locked, "start")
    locked.started_at = now
    _move(locked, RequestStatus.IN_SERVICE, actor=actor, at=now, fields=["started_at"])
    tell.started(locked)
    return locked


@transaction.atomic
def request_complete(
    *,
    service_request: ServiceRequest,
    actor: Any,
    hours: Decimal,
    note: str,
    photos: list[Any] | None = None,
    at: datetime | None = None,
) -> ServiceRequest:
    """完成: the hours actually served (travel excluded, SPEC §3), what was done, and photos.
    The hours reach the ledger when staff confirm them (`request_confirm_hours`)."""
    now = at or timezone.now()
    locked = _lock(service_request)
    access.authorize(actor, locked, "complete")
    note = note.strip()
    errors: dict[str, list[str]] = {}
    if hours is None or hours <= 0 or hours > MAX_HOURS:
        errors["hours"] = [_("服务时长应在 0 到 24 小时之间。")]
    if not note:
        errors["note"] = [_("请简要记录服务内容。")]
    if errors:
        raise ValidationError(errors)
    if locked.status != RequestStatus.IN_SERVICE:
        _move(locked, RequestStatus.COMPLETED, actor=actor, at=now, fields=[])  # raises 409
    store_photos(locked, photos or [], actor=actor)
    locked.hours = hours.quantize(Decimal("0.01"))
    locked.completion_note = note[:500]
    locked.completed_at = now
    locked.rating_reminded_at = None
    _move(
        locked,
        RequestStatus.COMPLETED,
        actor=actor,
        at=now,
        note=_("服务 %(hours)s 小时：%(note)s") % {"hours": locked.hours, "note": note[:300]},
        fields=["hours", "completion_note", "completed_at", "rating_reminded_at"],
    )
    tell.completed(locked)
    return locked


@transaction.atomic
def request_add_photos(
    *, service_request: ServiceRequest, actor: Any, photos: list[Any]
) -> ServiceRequest:
    """More photos of the work, by the volunteer serving it or staff, while in service or after."""
    locked = _lock(service_request)
    access.authorize(actor, locked, "complete")
    if locked.status not in {
        RequestStatus.IN_SERVICE,
        RequestStatus.COMPLETED,
        RequestStatus.RATED,
    }:
        raise DomainError("not_in_service", _("开始服务后才能上传照片。"), status=409)
    if not photos:
        raise ValidationError({"photos": [_("请选择照片。")]})
    store_photos(locked, photos, actor=actor)
    audit_record(
        actor=actor,
        action="service_request.photos_added",
        target=locked,
        station=locked.station,
        after={"count": len(photos)},
    )
    return locked


@transaction.atomic
def request_confirm_hours(
    *, service_request: ServiceRequest, actor: Any, at: datetime | None = None
) -> ServiceRequest:
    """确认时长: staff confirm the completed service; its hours become one ledger entry.

    Invariant: one completion is credited once (the ledger's source key names it), however
    often this is called; a reopened and completed-again request is a new completion.
    """
    now = at or timezone.now()
    locked = _lock(service_request)
    access.authorize(actor, locked, "confirm")
    if locked.status not in {RequestStatus.COMPLETED, RequestStatus.RATED}:
        raise DomainError("not_completed", _("服务完成后才能确认时长。"), status=409)
    if locked.hours_confirmed_at is not None:
        raise DomainError("already_confirmed", _("这次服务的时长已经确认过了。"), status=409)
    if locked.volunteer is None or locked.hours is None or locked.completed_at is None:
        raise DomainError("not_completed", _("服务完成后才能确认时长。"), status=409)
    served = locked.started_at or locked.completed_at
    ledger_credit(
        volunteer=locked.volunteer,
        account=Account.HOURS,
        amount=locked.hours,
        kind=EntryKind.REQUEST,
        served_on=timezone.localdate(served),
        description=_("群众点单：%(what)s")
        % {"what": locked.item or locked.get_category_display()},
        source_key=f"request:{locked.pk}:{int(locked.completed_at.timestamp())}",
        actor=actor,
    )
    locked.hours_confirmed_at = now
    locked.hours_confirmed_by = _user(actor)
    locked.save(update_fields=["hours_confirmed_at", "hours_confirmed_by"])
    RequestEvent.objects.create(
        request=locked,
        kind=RequestEvent.Kind.NOTE,
        actor=_user(actor),
        at=now,
        from_status=locked.status,
        to_status=locked.status,
        note=_("确认服务时长 %(hours)s 小时，已记入志愿服务记录") % {"hours": locked.hours},
    )
    audit_record(
        actor=actor,
        action="service_request.hours_confirmed",
        target=locked,
        station=locked.station,
        after={"hours": str(locked.hours), "volunteer": locked.volunteer_id},
    )
    return locked


@transaction.atomic
def request_rate(
    *,
    service_request: ServiceRequest,
    actor: Any,
    score: int,
    comment: str = "",
    at: datetime | None = None,
) -> ServiceRequest:
    """评单: one of the five levels of SPEC §3 and a comment, by the requester or by staff after
    a follow-up call. A score of 2 or less opens a follow-up due in FOLLOWUP_WORKING_DAYS."""
    from django.conf import settings

    now = at or timezone.now()
    locked = _lock(service_request)
    access.authorize(actor, locked, "rate")
    if score not in Rating.values:
        raise ValidationError({"score": [_("评价应为 1 到 5 之间的整数。")]})
    locked.score = score
    locked.rating_comment = comment.strip()[:500]
    locked.rated_at = now
    locked.rated_by = _user(actor)
    by_staff = actor is not None and not access.is_requester(actor, locked)
    label = Rating(score).label
    _move(
        locked,
        RequestStatus.RATED,
        actor=actor,
        at=now,
        note=(_("工作人员回访代评：") if by_staff else "")
        + f"{label}"
        + (f"；{locked.rating_comment}" if locked.rating_comment else ""),
        fields=["score", "rating_comment", "rated_at", "rated_by"],
    )
    if score <= 2:
        due = add_working_days(timezone.localdate(now), settings.FOLLOWUP_WORKING_DAYS)
        FollowUp.objects.create(request=locked, score=score, opened_at=now, due_on=due)
        RequestEvent.objects.create(
            request=locked,
            kind=RequestEvent.Kind.FOLLOW_UP,
            at=now,
            from_status=locked.status,
            to_status=locked.status,
            note=_("差评，已生成回访任务，须在 %(due)s 前完成") % {"due": due.isoformat()},
        )
    tell.rated(locked)
    return locked


@transaction.atomic
def request_reject(
    *, service_request: ServiceRequest, actor: Any, reason: str, at: datetime | None = None
) -> ServiceRequest:
    """不予受理: staff turn a submitted request down, with a reason the requester reads."""
    return _close(service_request, RequestStatus.REJECTED, "reject", actor, reason, at)


@transaction.atomic
def request_cancel(
    *, service_request: ServiceRequest, actor: Any, reason: str, at: datetime | None = None
) -> ServiceRequest:
    """取消: by the requester or staff, any time before completion, with a reason."""
    return _close(service_request, RequestStatus.CANCELLED, "cancel", actor, reason, at)


def _close(
    service_request: ServiceRequest,
    to: str,
    action: str,
    actor: Any,
    reason: str,
    at: datetime | None,
) -> ServiceRequest:
    now = at or timezone.now()
    locked = _lock(service_request)
    access.authorize(actor, locked, action)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写原因。")]})
    locked.reason = reason[:200]
    locked.closed_at = now
    _move(locked, to, actor=actor, at=now, note=reason, fields=["reason", "closed_at"])
    tell.closed(locked)
    return locked


@transaction.atomic
def request_reopen(
    *, service_request: ServiceRequest, actor: Any, reason: str, at: datetime | None = None
) -> ServiceRequest:
    """重新处理: a completed or rated request with a poor outcome goes back to review. The
    served hours already confirmed stay in the ledger (the service was given)."""
    now = at or timezone.now()
    locked = _lock(service_request)
    access.authorize(actor, locked, "reopen")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写原因。")]})
    locked.submitted_at = now
    locked.review_alerted_at = None
    locked.dispatch_mode = ""
    locked.dispatch_team = None
    locked.dispatch_volunteer = None
    locked.volunteer = None
    locked.first_dispatched_at = None
    locked.hours = None
    locked.hours_confirmed_at = None
    locked.hours_confirmed_by = None
    locked.reason = reason[:200]
    _move(
        locked,
        RequestStatus.SUBMITTED,
        actor=actor,
        at=now,
        note=_("重新处理：%(reason)s") % {"reason": reason},
        fields=[
            "submitted_at",
            "review_alerted_at",
            "dispatch_mode",
            "dispatch_team",
            "dispatch_volunteer",
            "volunteer",
            "first_dispatched_at",
            "hours",
            "hours_confirmed_at",
            "hours_confirmed_by",
            "reason",
        ],
    )
    tell.reopened(locked)
    return locked


@transaction.atomic
def followup_close(
    *, followup: FollowUp, actor: Any, outcome: str, at: datetime | None = None
) -> FollowUp:
    """回访完成: staff record what they found and did; the follow-up closes."""
    now = at or timezone.now()
    locked = FollowUp.objects.select_for_update().select_related("request").get(pk=followup.pk)
    access.authorize(actor, locked.request, "follow_up")
    if locked.closed_at is not None:
        raise DomainError("already_closed", _("这次回访已经完成。"), status=409)
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": [_("请填写回访情况。")]})
    locked.closed_at = now
    locked.closed_by = _user(actor)
    locked.outcome = outcome[:500]
    locked.save(update_fields=["closed_at", "closed_by", "outcome"])
    RequestEvent.objects.create(
        request=locked.request,
        kind=RequestEvent.Kind.FOLLOW_UP,
        actor=_user(actor),
        at=now,
        from_status=locked.request.status,
        to_status=locked.request.status,
        note=_("回访完成：%(outcome)s") % {"outcome": outcome[:400]},
    )
    audit_record(
        actor=actor,
        action="service_request.follow_up_closed",
        target=locked.request,
        station=locked.request.station,
        after={"followup": locked.pk},
    )
    return locked
