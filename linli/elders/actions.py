"""Every write to elders' care profiles and visits.

Each action takes keyword-only arguments and the acting user (`actor` None is the system: the
sweep, the demo), runs in a transaction, locks the profile row it changes (two visits logged at
once both count, and the later one sets the due date), saves only the fields it changed and
writes an audit row. The cached `last_visit_at` / `next_visit_due` change only here, in the same
transaction as the visit that moves them. Messages to staff are written by `notify`, whose
deliveries leave after commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import Role, User
from linli.assistance.actions import RequestInput, request_submit
from linli.assistance.models import Channel, MenuCategory, ServiceRequest
from linli.audit.actions import audit_record
from linli.core.categories import ServiceCategory
from linli.core.errors import DomainError
from linli.core.messages import Message
from linli.core.phone import normalize_phone
from linli.elders import access
from linli.elders.models import (
    MAX_EMERGENCY_CONTACTS,
    MAX_INTERVAL_DAYS,
    CareLevel,
    ElderProfile,
    EmergencyContact,
    Visit,
    VisitMethod,
    default_interval,
    elder_born_by,
)
from linli.notifications.actions import notify
from linli.org.models import Station
from linli.people.actions.checks import PHONE_RE
from linli.people.models import Resident, ResidentTag
from linli.teams.models import Team

NOTE_MAX = 1000


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(profile: ElderProfile) -> ElderProfile:
    return (
        ElderProfile.objects.select_for_update(of=("self",))
        .select_related("resident", "station")
        .get(pk=profile.pk)
    )


def _tags_by_resident(resident_ids: Sequence[int]) -> dict[int, set[str]]:
    tags: dict[int, set[str]] = defaultdict(set)
    for resident_id, tag in ResidentTag.objects.filter(resident_id__in=resident_ids).values_list(
        "resident_id", "tag"
    ):
        tags[resident_id].add(tag)
    return tags


@transaction.atomic
def elder_profiles_sync(
    *, station: Station | None = None, today: date | None = None, actor: Any = None
) -> int:
    """Derive the profiles from the registry: every living resident aged 60+ gets one; the
    interval of a profile that follows the default rule follows the tags and the care level; the
    last visit and the due date are recomputed from the visits. Returns how many were created.

    Idempotent: a second call creates and changes nothing.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    elders = Resident.objects.filter(
        status=Resident.Status.LIVING, birth_date__lte=elder_born_by(today)
    )
    if station is not None:
        elders = elders.filter(station=station)
    missing = list(
        elders.filter(elder_profile__isnull=True).values_list("pk", "station_id").order_by("pk")
    )
    tags = _tags_by_resident([pk for pk, _station in missing])
    created = ElderProfile.objects.bulk_create(
        ElderProfile(
            resident_id=pk,
            station_id=station_id,
            care_level=CareLevel.SELF_CARE,
            visit_interval_days=default_interval(CareLevel.SELF_CARE, tags[pk]),
            next_visit_due=today,
            created_at=now,
            updated_at=now,
        )
        for pk, station_id in missing
    )
    profiles = ElderProfile.objects.all() if station is None else station.elder_profiles.all()
    last_visits = dict(
        Visit.objects.filter(profile__in=profiles)
        .order_by()
        .values("profile_id")
        .annotate(last=Max("visited_at"))
        .values_list("profile_id", "last")
    )
    rows = list(profiles.order_by("pk"))
    tags = _tags_by_resident([row.resident_id for row in rows])
    changed = []
    for profile in rows:
        interval = profile.visit_interval_days
        if not profile.interval_set_by_staff:
            interval = default_interval(profile.care_level, tags[profile.resident_id])
        last = last_visits.get(profile.pk)
        before = (profile.visit_interval_days, profile.last_visit_at, profile.next_visit_due)
        profile.visit_interval_days = interval
        profile.last_visit_at = last
        profile.next_visit_due = profile.due_after(timezone.localdate(last) if last else None)
        if (interval, last, profile.next_visit_due) != before:
            changed.append(profile)
    ElderProfile.objects.bulk_update(
        changed, ["visit_interval_days", "last_visit_at", "next_visit_due"], batch_size=100
    )
    if created or changed:
        audit_record(
            actor=actor,
            action="elder_profile.sync",
            station=station,
            after={"created": len(created), "updated": len(changed)},
        )
    return len(created)


@dataclass(frozen=True)
class ContactInput:
    name: str
    phone: str
    relation: str = ""


def _checked_contacts(contacts: Sequence[ContactInput]) -> list[ContactInput]:
    if len(contacts) > MAX_EMERGENCY_CONTACTS:
        raise ValidationError(
            {"emergency_contacts": [_("紧急联系人最多 %(n)d 位。") % {"n": MAX_EMERGENCY_CONTACTS}]}
        )
    checked = []
    for contact in contacts:
        name, relation = contact.name.strip(), contact.relation.strip()
        if not name or len(name) > 50 or len(relation) > 20:
            raise ValidationError(
                {"emergency_contacts": [_("请填写紧急联系人的姓名（50 字以内）和关系。")]}
            )
        phone = (
            normalize_phone(contact.phone)
            if contact.phone.strip()[:1] != "0"
            else contact.phone.strip()
        )
        if not PHONE_RE.match(phone):
            raise ValidationError(
                {"emergency_contacts": [_("紧急联系人的电话须为手机号码或带区号的固定电话。")]}
            )
        checked.append(ContactInput(name=name, phone=phone, relation=relation))
    return checked


UNSET: Any = object()


@transaction.atomic
def elder_profile_update(
    *,
    profile: ElderProfile,
    actor: Any,
    care_level: str | None = None,
    visit_interval_days: int | None = UNSET,
    emergency_contacts: Sequence[ContactInput] | None = None,
    visit_team: Team | None = UNSET,
    note: str | None = None,
) -> ElderProfile:
    """Staff change the care level, the visit interval (None: back to the default rule), the
    emergency contacts (the list given replaces the old one), the visiting team or the note.
    The due date follows the interval at once."""
    locked = _lock(profile)
    before = {
        "care_level": locked.care_level,
        "visit_interval_days": locked.visit_interval_days,
        "interval_set_by_staff": locked.interval_set_by_staff,
        "visit_team": locked.visit_team_id,
    }
    fields = ["updated_at"]
    if care_level is not None:
        if care_level not in CareLevel.values:
            raise ValidationError({"care_level": [_("自理能力须为自理、半失能或失能。")]})
        locked.care_level = care_level
        fields.append("care_level")
    if visit_interval_days is not UNSET:
        if visit_interval_days is None:
            locked.interval_set_by_staff = False
        elif not 1 <= visit_interval_days <= MAX_INTERVAL_DAYS:
            raise ValidationError({"visit_interval_days": [_("走访间隔须在 1 到 365 天之间。")]})
        else:
            locked.interval_set_by_staff = True
            locked.visit_interval_days = visit_interval_days
        fields += ["interval_set_by_staff", "visit_interval_days"]
    if not locked.interval_set_by_staff:
        tags = set(locked.resident.tags.values_list("tag", flat=True))
        locked.visit_interval_days = default_interval(locked.care_level, tags)
        fields.append("visit_interval_days")
    if visit_team is not UNSET:
        if visit_team is not None and visit_team.station_id != locked.station_id:
            raise ValidationError({"visit_team": [_("只能选择本站的队伍。")]})
        locked.visit_team = visit_team
        fields.append("visit_team")
    if note is not None:
        if len(note) > 200:
            raise ValidationError({"note": [_("备注不能超过 200 字。")]})
        locked.note = note.strip()
        fields.append("note")
    locked.next_visit_due = locked.due_after(
        timezone.localdate(locked.last_visit_at) if locked.last_visit_at else None
    )
    locked.updated_at = timezone.now()
    locked.save(update_fields=sorted({*fields, "next_visit_due"}))
    after: dict[str, Any] = {
        "care_level": locked.care_level,
        "visit_interval_days": locked.visit_interval_days,
        "interval_set_by_staff": locked.interval_set_by_staff,
        "visit_team": locked.visit_team_id,
    }
    if emergency_contacts is not None:
        contacts = _checked_contacts(emergency_contacts)
        locked.emergency_contacts.all().delete()
        EmergencyContact.objects.bulk_create(
            EmergencyContact(
                profile=locked,
                name=contact.name,
                phone=contact.phone,
                relation=contact.relation,
                position=index,
            )
            for index, contact in enumerate(contacts)
        )
        # Names and relations only: the phone numbers are not the audit log's business.
        after["emergency_contacts"] = [f"{c.name}（{c.relation}）" for c in contacts]
    audit_record(
        actor=actor,
        action="elder_profile.update",
        target=locked,
        station=locked.station,
        before=before,
        after=after,
    )
    return locked


def _follow_up_category(station: Station) -> str:
    codes = list(
        MenuCategory.objects.filter(station=station, active=True).values_list("code", flat=True)
    )
    if ServiceCategory.ELDERLY_DISABLED in codes:
        return ServiceCategory.ELDERLY_DISABLED
    if not codes:
        raise DomainError(
            "no_service_menu", _("本站还没有服务清单，暂时无法生成跟进需求。"), status=409
        )
    return codes[0]


def _make_follow_up(visit: Visit, profile: ElderProfile, actor: Any) -> ServiceRequest:
    """The service request a follow-up makes, pre-filled from the visit: the elder as the person
    served (the address comes from their household), 助老助残, what the visitor found."""
    description = _("走访发现（%(when)s，%(who)s）：%(note)s") % {
        "when": timezone.localtime(visit.visited_at).strftime("%Y-%m-%d"),
        "who": visit.visitor_name,
        "note": visit.note,
    }
    # Submitted by the system on the visit's behalf: a volunteer may not post requests
    # themselves, and the visit (with its own audit row) says who asked.
    return request_submit(
        station=profile.station,
        data=RequestInput(
            category=_follow_up_category(profile.station),
            description=description[:1000],
            resident_id=profile.resident_id,
        ),
        channel=Channel.VISIT,
        actor=None,
        at=timezone.now(),
    )


@transaction.atomic
def visit_log(
    *,
    profile: ElderProfile,
    actor: Any,
    note: str,
    at: datetime | None = None,
    method: str = VisitMethod.HOME,
    follow_up: bool = False,
) -> Visit:
    """Log a visit by staff or by a volunteer the visit is offered to (`access`). The profile's
    last visit and due date move forward when this visit is the latest; a follow-up makes a
    service request at once, pre-filled from the visit."""
    now = timezone.now()
    at = at or now
    if at > now + timedelta(minutes=5):
        raise ValidationError({"at": [_("走访时间不能晚于现在。")]})
    if at.year < 2000:
        raise ValidationError({"at": [_("走访时间有误。")]})
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("请写下走访看到的情况。")]})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("走访情况不能超过 1000 字。")]})
    if method not in VisitMethod.values:
        raise ValidationError({"method": [_("走访方式无效。")]})
    locked = _lock(profile)
    volunteer = None
    if actor is not None:
        standing = access.standing_of(actor, locked)
        if not standing.may_visit:
            raise PermissionDenied("visit")
        volunteer = standing.visitor if not standing.runs else None
    user = _user(actor)
    visit = Visit.objects.create(
        profile=locked,
        station=locked.station,
        visited_at=at,
        method=method,
        visitor=user,
        volunteer=volunteer,
        visitor_name=(user.name or user.phone) if user is not None else _("系统"),
        note=note,
        follow_up=follow_up,
    )
    if locked.last_visit_at is None or at > locked.last_visit_at:
        locked.last_visit_at = at
        locked.next_visit_due = locked.due_after(timezone.localdate(at))
        locked.overdue_alerted_for = None
        locked.save(update_fields=["last_visit_at", "next_visit_due", "overdue_alerted_for"])
    audit_record(
        actor=actor,
        action="elder_visit.log",
        target=visit,
        station=locked.station,
        after={"resident": locked.resident_id, "method": method, "follow_up": follow_up},
    )
    if follow_up:
        visit.service_request = _make_follow_up(visit, locked, actor)
        visit.save(update_fields=["service_request"])
    return visit


@transaction.atomic
def visit_follow_up(*, visit: Visit, actor: Any) -> Visit:
    """Turn a logged visit into a service request afterwards (one click on the visit): by staff of
    the station or by the volunteer who made the visit. A visit makes one request at most."""
    locked = Visit.objects.select_for_update().select_related("profile__station").get(pk=visit.pk)
    if actor is not None:
        standing = access.standing_of(actor, locked.profile)
        own = locked.visitor_id is not None and locked.visitor_id == getattr(actor, "pk", None)
        if not (standing.runs or (own and standing.may_visit)):
            raise PermissionDenied("follow_up")
    if locked.service_request_id is not None:
        raise DomainError("already_followed_up", _("这次走访已经生成过服务需求。"), status=409)
    locked.follow_up = True
    locked.service_request = _make_follow_up(locked, locked.profile, actor)
    locked.save(update_fields=["follow_up", "service_request"])
    audit_record(
        actor=actor,
        action="elder_visit.follow_up",
        target=locked,
        station=locked.profile.station,
        after={"service_request": locked.service_request_id},
    )
    return locked


def _station_staff(station_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            role_assignments__role=Role.STATION_STAFF,
            role_assignments__station_id=station_id,
        ).distinct()
    )


@transaction.atomic
def overdue_visits_alert(*, today: date | None = None) -> int:
    """Tell each station's staff which elders' visits are overdue: one message per station for
    the profiles that became overdue since the last alert (each overdue period alerts once: the
    due date it was raised for is marked on the profile, under a row lock). Returns how many
    profiles were newly alerted."""
    today = today or timezone.localdate()
    due = list(
        ElderProfile.objects.select_for_update(of=("self",))
        .filter(next_visit_due__lt=today, resident__status=Resident.Status.LIVING)
        .exclude(overdue_alerted_for__isnull=False, next_visit_due=F("overdue_alerted_for"))
        .select_related("resident", "station")
        .order_by("station_id", "next_visit_due")
    )
    by_station: dict[int, list[ElderProfile]] = defaultdict(list)
    for profile in due:
        by_station[profile.station_id].append(profile)
    for station_id, profiles in by_station.items():
        names = "、".join(profile.resident.name for profile in profiles[:5])
        count = {"n": len(profiles), "names": names}
        notify(
            users=_station_staff(station_id),
            kind="elders.overdue",
            title=Message("elders.overdue", count),
            body=Message(
                "elders.overdue_names_more" if len(profiles) > 5 else "elders.overdue_names", count
            ),
            url=reverse("elders:list") + "?overdue=on",
            station=profiles[0].station,
        )
        for profile in profiles:
            profile.overdue_alerted_for = profile.next_visit_due
        ElderProfile.objects.bulk_update(profiles, ["overdue_alerted_for"])
        audit_record(
            actor=None,
            action="elder_visit.overdue_alert",
            station=profiles[0].station,
            after={"profiles": [profile.pk for profile in profiles]},
        )
    return len(due)
