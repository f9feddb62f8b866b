"""Every change to a service request (SPEC §4): one function per action, one transition table.

Each action locks the request row, asks the one gate (`access.authorize`) who may act, checks the
move against REQUEST_TRANSITIONS, saves only the fields it changed, writes a timeline row and an
audit row, and leaves notifications and timers to run after commit. `actor` None is the system
itself (timers, the demo seed). `at` lets staff record when a phoned-in step really happened
and lets the demo lay down history; it defaults to now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assistance import access
from linli.assistance.actions import tell
from linli.assistance.actions.base import lock_request, move, note_fields, stored_user
from linli.assistance.actions.photos import store_photos
from linli.assistance.models import (
    Channel,
    DispatchMode,
    MenuCategory,
    MenuItem,
    RequestEvent,
    RequestStatus,
    ServiceRequest,
    Urgency,
)
from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.core.messages import Message, choice, words
from linli.ledger.actions import ledger_credit
from linli.ledger.models import Account, EntryKind
from linli.org.models import Building, Station
from linli.people.models import Resident
from linli.teams.models import Team
from linli.volunteers.models import Volunteer

MAX_HOURS = Decimal(24)


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
    # Paid from the requester's time-bank account (SPEC §7.1); refused when it is empty.
    timebank: bool = False


def _menu_item(station: Station, category: str, item_id: int | None) -> MenuItem | None:
    if not category and item_id is None:
        return None  # left to staff, who sort it at review (request_classify)
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
    requester_user = stored_user(requester)
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
        created_by=stored_user(actor),
    )
    RequestEvent.objects.create(
        request=service_request,
        actor=stored_user(actor),
        at=now,
        to_status=RequestStatus.SUBMITTED,
        **note_fields(Message("request.via", {"channel": words(Channel(channel).label)})),
    )
    audit_record(
        actor=actor,
        action="service_request.submitted",
        target=service_request,
        station=station,
        after={"category": data.category, "channel": channel, "urgency": data.urgency},
    )
    if data.timebank:
        from linli.incentives.actions.timebank import timebank_payment_open

        timebank_payment_open(service_request=service_request, actor=actor)
    tell.submitted(service_request)
    return service_request


def set_dispatched(
    service_request: ServiceRequest, *, team: Any, volunteer: Any, at: datetime
) -> Any:
    """The fields a dispatch sets (to a team, a volunteer, or open to all when both are None),
    for `request_dispatch` and the demo's history alike; returns whom it went to, as the
    timeline's message names them."""
    service_request.dispatch_mode = (
        DispatchMode.TEAM
        if team is not None
        else DispatchMode.VOLUNTEER
        if volunteer is not None
        else DispatchMode.OPEN
    )
    service_request.dispatch_team = team
    service_request.dispatch_volunteer = volunteer
    service_request.volunteer = None
    service_request.accepted_at = None
    service_request.dispatched_at = at
    service_request.first_dispatched_at = service_request.first_dispatched_at or at
    service_request.accept_alerted_at = None
    if team is not None:
        return str(team)
    if volunteer is not None:
        return volunteer.person.name
    return {"code": "request.open_to_all"}


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
    locked = lock_request(service_request)
    access.authorize(actor, locked, "dispatch")
    if not locked.category:
        raise ValidationError({"dispatch": [_("请先为这张单选择服务类别。")]})
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
    whom = set_dispatched(locked, team=team, volunteer=volunteer, at=now)
    move(
        locked,
        RequestStatus.DISPATCHED,
        actor=actor,
        at=now,
        note=Message(
            "request.dispatched_to_with_note" if note else "request.dispatched_to",
            {"whom": whom, "note": note} if note else {"whom": whom},
        ),
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
    locked = lock_request(service_request)
    access.authorize(actor, locked, "accept")
    volunteer = (
        access.active_volunteer_of(actor) if actor is not None else locked.dispatch_volunteer
    )
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
    move(
        locked,
        RequestStatus.ACCEPTED,
        actor=actor,
        at=now,
        note=Message("request.took_it", {"name": volunteer.person.name}),
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
    locked = lock_request(service_request)
    access.authorize(actor, locked, "start")
    locked.started_at = now
    move(locked, RequestStatus.IN_SERVICE, actor=actor, at=now, fields=["started_at"])
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
    locked = lock_request(service_request)
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
        move(locked, RequestStatus.COMPLETED, actor=actor, at=now, fields=[])  # raises 409
    store_photos(locked, photos or [], actor=actor)
    locked.hours = hours.quantize(Decimal("0.01"))
    locked.completion_note = note[:500]
    locked.completed_at = now
    locked.rating_reminded_at = None
    move(
        locked,
        RequestStatus.COMPLETED,
        actor=actor,
        at=now,
        note=Message("request.served", {"hours": str(locked.hours), "note": note[:300]}),
        fields=["hours", "completion_note", "completed_at", "rating_reminded_at"],
    )
    from linli.incentives.actions.timebank import timebank_payment_settle

    timebank_payment_settle(service_request=locked, actor=actor)
    tell.completed(locked)
    return locked


@transaction.atomic
def request_add_photos(
    *, service_request: ServiceRequest, actor: Any, photos: list[Any]
) -> ServiceRequest:
    """More photos of the work, by the volunteer serving it or staff, while in service or after."""
    locked = lock_request(service_request)
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
    locked = lock_request(service_request)
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
    locked.hours_confirmed_by = stored_user(actor)
    locked.save(update_fields=["hours_confirmed_at", "hours_confirmed_by"])
    RequestEvent.objects.create(
        request=locked,
        kind=RequestEvent.Kind.NOTE,
        actor=stored_user(actor),
        at=now,
        from_status=locked.status,
        to_status=locked.status,
        **note_fields(Message("request.hours_recorded", {"hours": str(locked.hours)})),
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
def request_classify(
    *, service_request: ServiceRequest, actor: Any, category: str, item_id: int | None = None
) -> ServiceRequest:
    """归类: staff set (or correct) a submitted request's category and item at review, notably
    one the requester left to them. The state is unchanged; a timeline note says what was set."""
    locked = lock_request(service_request)
    access.authorize(actor, locked, "classify")
    if locked.status != RequestStatus.SUBMITTED:
        raise DomainError("not_submitted", _("只能在审核时调整服务类别。"), status=409)
    if not category:
        raise ValidationError({"category": [_("请选择服务类别。")]})
    item = _menu_item(locked.station, category, item_id)
    before = {"category": locked.category, "item": locked.item_id}
    locked.category = category
    locked.item = item
    locked.save(update_fields=["category", "item"])
    label = choice(locked, "category")
    what: Any = (
        {"code": "request.category_item", "params": {"category": label, "item": item.name}}
        if item
        else label
    )
    RequestEvent.objects.create(
        request=locked,
        kind=RequestEvent.Kind.NOTE,
        actor=stored_user(actor),
        from_status=locked.status,
        to_status=locked.status,
        **note_fields(Message("request.classified", {"what": what})),
    )
    audit_record(
        actor=actor,
        action="service_request.classified",
        target=locked,
        station=locked.station,
        before=before,
        after={"category": category, "item": item.pk if item else None},
    )
    return locked


# Anonymous 点单 (no account): bounds counted from the rows themselves, so a phone number or a
# script cannot flood the station's review queue.
PUBLIC_PER_PHONE_PER_DAY = 3
PUBLIC_PER_STATION_PER_HOUR = 30


def request_submit_public(
    *, station: Station, name: str, phone: str, address: str, description: str
) -> ServiceRequest:
    """点单 without an account (the public form): the caller's name, phone, address and need,
    category left to staff, who review it like any other. The address is matched against the
    station's buildings (金桥花园3栋2单元502) and kept as typed when it is not found."""
    from linli.assistance.paste import parse_message

    since_day = timezone.now() - timedelta(days=1)
    anonymous = ServiceRequest.objects.filter(requester__isnull=True, channel=Channel.WEB)
    if (
        anonymous.filter(requester_phone=phone, submitted_at__gte=since_day).count()
        >= PUBLIC_PER_PHONE_PER_DAY
    ):
        raise DomainError(
            "too_many",
            _("这个号码今天已经提交了几次需求，工作人员会尽快联系您；着急请直接打电话。"),
            status=429,
        )
    since_hour = timezone.now() - timedelta(hours=1)
    if (
        anonymous.filter(station=station, submitted_at__gte=since_hour).count()
        >= PUBLIC_PER_STATION_PER_HOUR
    ):
        raise DomainError(
            "busy", _("现在提交的人很多，请稍后再试，或直接打电话给社区。"), status=429
        )
    found = parse_message(address, station)
    located = found.building is not None and bool(found.unit and found.room)
    return request_submit(
        station=station,
        data=RequestInput(
            category="",
            description=description,
            requester_name=name,
            requester_phone=phone,
            building_id=found.building.pk if located and found.building else None,
            unit=found.unit if located else "",
            room=found.room if located else "",
            address_text="" if located else address,
        ),
        channel=Channel.WEB,
        actor=None,
    )
