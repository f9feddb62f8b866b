"""A centre itself, its caregivers' list, and its equipment and beds with their loans.

Staff of the station (and admin) create a centre and keep its caregivers' list; a caregiver on
the list works there (daycare.access). Equipment is added and retired by staff or the centre's
caregivers; a loan is one row from lending to return, one open loan per piece (a partial unique
constraint), the equipment row locked while it is lent so two desks cannot lend it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.access import visible_stations
from linli.accounts.models import Role, User
from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.daycare.access import RUN_ROLES
from linli.daycare.actions.base import authorize, stored_user
from linli.daycare.models import (
    Centre,
    CentreKind,
    CentreStaff,
    Equipment,
    EquipmentKind,
    EquipmentLoan,
)
from linli.org.models import Station
from linli.people.models import Resident
from linli.volunteers.models import Course

MAX_LOAN_DAYS = 3 * 366


@dataclass(frozen=True)
class CentreInput:
    name: str
    kind: str
    opened_on: date
    capacity: int
    opening_hours: str
    address: str = ""
    volunteer_course: Course | None = None


def _check_centre(station: Station, data: CentreInput) -> None:
    errors: dict[str, list[str]] = {}
    if not data.name.strip() or len(data.name) > 100:
        errors["name"] = [_("请填写名称（100 字以内）。")]
    if data.kind not in CentreKind.values:
        errors["kind"] = [_("类型须为老年人或残疾人日间照料中心。")]
    if not date(1990, 1, 1) <= data.opened_on <= date(2100, 12, 31):
        errors["opened_on"] = [_("开办日期有误。")]
    if not 1 <= data.capacity <= 1000:
        errors["capacity"] = [_("托位须在 1 到 1000 之间。")]
    if not data.opening_hours.strip() or len(data.opening_hours) > 100:
        errors["opening_hours"] = [_("请填写开放时间（100 字以内）。")]
    if len(data.address) > 200:
        errors["address"] = [_("地址不能超过 200 字。")]
    if data.volunteer_course is not None and data.volunteer_course.station_id != station.pk:
        errors["volunteer_course"] = [_("只能选择本站的培训课程。")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def centre_create(*, station: Station, data: CentreInput, actor: Any) -> Centre:
    """A new centre at a station (its staff or admin)."""
    if (
        actor is not None
        and not visible_stations(actor, roles=RUN_ROLES).filter(pk=station.pk).exists()
    ):
        raise PermissionDenied("centre")
    _check_centre(station, data)
    if Centre.objects.filter(station=station, name=data.name.strip()).exists():
        raise ValidationError({"name": [_("本站已有同名的照料中心。")]})
    centre = Centre.objects.create(
        station=station,
        name=data.name.strip(),
        kind=data.kind,
        opened_on=data.opened_on,
        capacity=data.capacity,
        opening_hours=data.opening_hours.strip(),
        address=data.address.strip(),
        volunteer_course=data.volunteer_course,
    )
    audit_record(
        actor=actor,
        action="centre.create",
        target=centre,
        station=station,
        after={"name": centre.name, "kind": centre.kind, "capacity": centre.capacity},
    )
    return centre


@transaction.atomic
def centre_staff_add(*, centre: Centre, user: User, actor: Any) -> CentreStaff:
    """Put a caregiver of the station on the centre's list (again, if they had left it)."""
    authorize(actor, centre, "manage")
    if not user.role_assignments.filter(role=Role.CAREGIVER, station=centre.station).exists():
        raise ValidationError({"user": [_("只能添加本站的护理员（须有护理员角色）。")]})
    post, created = CentreStaff.objects.select_for_update().get_or_create(
        centre=centre, user=user, defaults={"added_by": stored_user(actor)}
    )
    if not created and post.active:
        raise DomainError("already_staff", _("这位护理员已在本中心。"), status=409)
    if not created:
        post.active = True
        post.added_by = stored_user(actor)
        post.added_at = timezone.now()
        post.removed_at = None
        post.save(update_fields=["active", "added_by", "added_at", "removed_at"])
    audit_record(
        actor=actor,
        action="centre_staff.add",
        target=post,
        station=centre.station,
        after={"user": user.pk},
    )
    return post


@transaction.atomic
def centre_staff_remove(*, post: CentreStaff, actor: Any) -> CentreStaff:
    """Take a caregiver off the centre's list: from now on they read nothing of its members."""
    locked = (
        CentreStaff.objects.select_for_update().select_related("centre__station").get(pk=post.pk)
    )
    authorize(actor, locked.centre, "manage")
    if not locked.active:
        raise DomainError("not_staff", _("这位护理员已不在本中心。"), status=409)
    locked.active = False
    locked.removed_at = timezone.now()
    locked.save(update_fields=["active", "removed_at"])
    audit_record(
        actor=actor,
        action="centre_staff.remove",
        target=locked,
        station=locked.centre.station,
        after={"user": locked.user_id},
    )
    return locked


@transaction.atomic
def equipment_add(
    *, centre: Centre, kind: str, label: str, actor: Any, note: str = ""
) -> Equipment:
    authorize(actor, centre, "care")
    label, note = label.strip(), note.strip()
    if kind not in EquipmentKind.values:
        raise ValidationError({"kind": [_("器材类别无效。")]})
    if not label or len(label) > 30:
        raise ValidationError({"label": [_("请填写编号（30 字以内）。")]})
    if len(note) > 200:
        raise ValidationError({"note": [_("说明不能超过 200 字。")]})
    if Equipment.objects.filter(centre=centre, label=label).exists():
        raise ValidationError({"label": [_("本中心已有这个编号。")]})
    equipment = Equipment.objects.create(centre=centre, kind=kind, label=label, note=note)
    audit_record(
        actor=actor,
        action="equipment.add",
        target=equipment,
        station=centre.station,
        after={"kind": kind, "label": label},
    )
    return equipment


def _lock_equipment(equipment: Equipment) -> Equipment:
    return (
        Equipment.objects.select_for_update(of=("self",))
        .select_related("centre__station")
        .get(pk=equipment.pk)
    )


@transaction.atomic
def equipment_lend(
    *,
    equipment: Equipment,
    resident: Resident,
    due_on: date,
    actor: Any,
    lent_on: date | None = None,
    note: str = "",
) -> EquipmentLoan:
    """Lend a piece (or assign a bed) to a resident of the station until `due_on`."""
    locked = _lock_equipment(equipment)
    centre = locked.centre
    authorize(actor, centre, "care")
    lent_on = lent_on or timezone.localdate()
    if locked.retired:
        raise DomainError("retired", _("这件器材已报废，不能借出。"), status=409)
    if resident.station_id != centre.station_id:
        raise ValidationError({"resident": [_("本站没有这位居民。")]})
    if not lent_on <= due_on <= lent_on + timedelta(days=MAX_LOAN_DAYS):
        raise ValidationError({"due_on": [_("应还日期须在借出日期之后的三年以内。")]})
    if len(note) > 200:
        raise ValidationError({"note": [_("备注不能超过 200 字。")]})
    if locked.loans.filter(returned_on__isnull=True).exists():
        raise DomainError("on_loan", _("这件器材已借出，尚未归还。"), status=409)
    loan = EquipmentLoan.objects.create(
        equipment=locked,
        resident=resident,
        lent_on=lent_on,
        due_on=due_on,
        note=note.strip(),
        lent_by=stored_user(actor),
    )
    audit_record(
        actor=actor,
        action="equipment.lend",
        target=loan,
        station=centre.station,
        after={"equipment": locked.pk, "resident": resident.pk, "due_on": due_on.isoformat()},
    )
    return loan


@transaction.atomic
def equipment_return(
    *, loan: EquipmentLoan, actor: Any, returned_on: date | None = None
) -> EquipmentLoan:
    locked_equipment = _lock_equipment(loan.equipment)
    authorize(actor, locked_equipment.centre, "care")
    locked = EquipmentLoan.objects.select_for_update().get(pk=loan.pk)
    if locked.returned_on is not None:
        raise DomainError("already_returned", _("这次借用已经归还。"), status=409)
    returned_on = returned_on or timezone.localdate()
    if returned_on < locked.lent_on or returned_on > timezone.localdate():
        raise ValidationError({"returned_on": [_("归还日期须在借出日期和今天之间。")]})
    locked.returned_on = returned_on
    locked.returned_by = stored_user(actor)
    locked.save(update_fields=["returned_on", "returned_by"])
    audit_record(
        actor=actor,
        action="equipment.return",
        target=locked,
        station=locked_equipment.centre.station,
        after={"equipment": locked_equipment.pk, "returned_on": returned_on.isoformat()},
    )
    return locked


@transaction.atomic
def equipment_retire(*, equipment: Equipment, actor: Any) -> Equipment:
    locked = _lock_equipment(equipment)
    authorize(actor, locked.centre, "care")
    if locked.loans.filter(returned_on__isnull=True).exists():
        raise DomainError("on_loan", _("器材借出未还，不能报废。"), status=409)
    locked.retired = True
    locked.save(update_fields=["retired"])
    audit_record(
        actor=actor, action="equipment.retire", target=locked, station=locked.centre.station
    )
    return locked
