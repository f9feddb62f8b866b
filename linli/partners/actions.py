"""Every write of the partners: the partner, its contacts, the activities it joined, the
volunteers who came through it. Keyword-only, the acting user passed in (None is the system),
one transaction, the gate asked, an audit row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import visible_stations
from linli.activities.models import Activity
from linli.audit.actions import audit_record
from linli.org.models import Station
from linli.partners import access
from linli.partners.models import (
    Partner,
    PartnerActivity,
    PartnerContact,
    PartnerKind,
    PartnerVolunteer,
)
from linli.volunteers.models import Volunteer


def _stored(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _keeps(actor: Any, partner: Partner) -> None:
    if actor is not None and not access.may_keep(actor, partner):
        raise PermissionDenied("partner")


@dataclass(frozen=True)
class PartnerInput:
    name: str
    kind: str
    description: str = ""
    since: date | None = None


@transaction.atomic
def partner_create(*, station: Station, data: PartnerInput, actor: Any) -> Partner:
    """A new partner of the station (its staff or admin)."""
    if (
        actor is not None
        and not visible_stations(actor, roles=access.KEEP_ROLES).filter(pk=station.pk).exists()
    ):
        raise PermissionDenied("partner")
    errors: dict[str, list[str]] = {}
    if not data.name.strip() or len(data.name) > 100:
        errors["name"] = [_("请填写单位名称（不超过 100 字）。")]
    if data.kind not in PartnerKind.values:
        errors["kind"] = [_("请选择类型。")]
    if len(data.description) > 500:
        errors["description"] = [_("共建内容不超过 500 字。")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                station=station,
                name=data.name.strip(),
                kind=data.kind,
                description=data.description.strip(),
                since=data.since,
                created_by=_stored(actor),
            )
    except IntegrityError as error:
        raise ValidationError({"name": [_("本站已有这个共建单位。")]}) from error
    audit_record(actor=actor, action="partner.create", target=partner, station=station,
                 after={"name": partner.name})  # fmt: skip
    return partner


@transaction.atomic
def partner_contact_add(
    *, partner: Partner, name: str, role: str, phone: str, actor: Any
) -> PartnerContact:
    _keeps(actor, partner)
    if not name.strip() or len(name) > 50 or len(role) > 50 or len(phone) > 20:
        raise ValidationError({"name": [_("请填写联系人（姓名不超过 50 字）。")]})
    contact = PartnerContact.objects.create(
        partner=partner, name=name.strip(), role=role.strip(), phone=phone.strip()
    )
    audit_record(actor=actor, action="partner.contact_add", target=partner,
                 station=partner.station, after={"contact": contact.pk})  # fmt: skip
    return contact


@transaction.atomic
def partner_activity_add(*, partner: Partner, activity: Activity, actor: Any) -> PartnerActivity:
    """List the partner on one of its station's activities (once)."""
    _keeps(actor, partner)
    if activity.station_id != partner.station_id:
        raise ValidationError({"activity": [_("只能关联本站的活动。")]})
    link, created = PartnerActivity.objects.get_or_create(partner=partner, activity=activity)
    if created:
        audit_record(actor=actor, action="partner.activity_add", target=partner,
                     station=partner.station, after={"activity": activity.pk})  # fmt: skip
    return link


@transaction.atomic
def partner_volunteer_add(
    *, partner: Partner, volunteer: Volunteer, actor: Any, since: date | None = None
) -> PartnerVolunteer:
    """Record that a volunteer of the station came through the partner (once)."""
    _keeps(actor, partner)
    if volunteer.station_id != partner.station_id:
        raise ValidationError({"volunteer": [_("只能关联本站的志愿者。")]})
    link, created = PartnerVolunteer.objects.get_or_create(
        partner=partner,
        volunteer=volunteer,
        defaults={"since": since or timezone.localdate(volunteer.registered_at)},
    )
    if created:
        audit_record(actor=actor, action="partner.volunteer_add", target=partner,
                     station=partner.station, after={"volunteer": volunteer.pk})  # fmt: skip
    return link


@transaction.atomic
def partner_volunteer_remove(*, link: PartnerVolunteer, actor: Any) -> None:
    """The volunteer did not come through the partner after all (or was linked by mistake):
    the link goes, and with it their hours from the partner's figures. Staff only."""
    partner = link.partner
    _keeps(actor, partner)
    locked = PartnerVolunteer.objects.select_for_update().filter(pk=link.pk).first()
    if locked is None:
        return
    audit_record(actor=actor, action="partner.volunteer_remove", target=partner,
                 station=partner.station, before={"volunteer": locked.volunteer_id})  # fmt: skip
    locked.delete()
