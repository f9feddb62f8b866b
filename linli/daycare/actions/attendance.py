"""Daily check-in and check-out at a centre: by the member's card, by a tap on the day's roster,
or by hand with a time (SPEC §7.1).

Each action asks the centre's gate (staff and the centre's caregivers keep attendance), locks the
member's membership row so two taps on the same member run one after the other, and refuses
clearly: a non-member (409 `not_a_member`), a second check-in while a stay is open (409
`already_checked_in`), a check-out without a check-in (409 `not_checked_in`). A partial unique
constraint (one open stay per member and centre) backs the first refusal up in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.daycare.actions.base import authorize, stored_user
from linli.daycare.models import (
    AttendanceMethod,
    Centre,
    CentreAttendance,
    Membership,
    MemberStatus,
)
from linli.people.card import resident_from_card
from linli.people.models import Resident

IN, OUT = "in", "out"
FUTURE_SLACK = timedelta(minutes=5)  # a tablet's clock a little ahead is not an error


@dataclass(frozen=True)
class Recorded:
    """What a check-in or check-out did: the stay, and which of the two it was."""

    stay: CentreAttendance
    kind: str  # IN or OUT


def _member(centre: Centre, resident: Resident) -> Membership:
    """The resident's active membership, locked; 409 for anyone who is not a member now."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .filter(centre=centre, resident=resident, status=MemberStatus.ACTIVE)
        .first()
    )
    if membership is None:
        raise DomainError(
            "not_a_member",
            _("%(name)s 不是本中心的在托人员，不能签到。") % {"name": resident.name},
            status=409,
        )
    return membership


def _moment(centre: Centre, at: datetime | None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if at > now + FUTURE_SLACK:
        raise ValidationError({"at": [_("时间不能晚于现在。")]})
    if timezone.localdate(at) < centre.opened_on:
        raise ValidationError({"at": [_("时间早于中心开办日期。")]})
    return at


def _open_stay(membership: Membership) -> CentreAttendance | None:
    return membership.attendance.filter(out_at__isnull=True).first()


def _audit(stay: CentreAttendance, centre: Centre, actor: Any, kind: str, method: str) -> None:
    audit_record(
        actor=actor,
        action=f"daycare_attendance.{kind}",
        target=stay,
        station=centre.station,
        after={"resident": stay.resident_id, "method": method, "day": stay.day.isoformat()},
    )


@transaction.atomic
def attendance_check_in(
    *,
    centre: Centre,
    resident: Resident,
    actor: Any,
    method: str = AttendanceMethod.ROSTER,
    at: datetime | None = None,
) -> CentreAttendance:
    """The member arrives. Refused for a non-member and while the member's last stay is open."""
    authorize(actor, centre, "attend")
    moment = _moment(centre, at)
    membership = _member(centre, resident)
    open_stay = _open_stay(membership)
    if open_stay is not None:
        raise DomainError(
            "already_checked_in",
            _("%(name)s 已于 %(when)s 签到，尚未签退：请先签退。")
            % {
                "name": resident.name,
                "when": timezone.localtime(open_stay.in_at).strftime("%m-%d %H:%M"),
            },
            status=409,
        )
    if membership.joined_on and timezone.localdate(moment) < membership.joined_on:
        raise ValidationError({"at": [_("时间早于这位老人的入托日期。")]})
    try:
        with transaction.atomic():
            stay = CentreAttendance.objects.create(
                centre=centre,
                membership=membership,
                resident=resident,
                day=timezone.localdate(moment),
                in_at=moment,
                in_method=method,
                in_by=stored_user(actor),
            )
    except IntegrityError as error:
        raise DomainError(
            "already_checked_in", _("%(name)s 已签到。") % {"name": resident.name}, status=409
        ) from error
    _audit(stay, centre, actor, IN, method)
    return stay


@transaction.atomic
def attendance_check_out(
    *,
    centre: Centre,
    resident: Resident,
    actor: Any,
    method: str = AttendanceMethod.ROSTER,
    at: datetime | None = None,
) -> CentreAttendance:
    """The member goes home: closes the open stay. Refused when there is none."""
    authorize(actor, centre, "attend")
    moment = _moment(centre, at)
    membership = _member(centre, resident)
    stay = _open_stay(membership)
    if stay is None:
        raise DomainError(
            "not_checked_in",
            _("%(name)s 还没有签到，不能签退。") % {"name": resident.name},
            status=409,
        )
    if moment < stay.in_at:
        raise ValidationError({"at": [_("签退时间不能早于签到时间。")]})
    stay.out_at = moment
    stay.out_method = method
    stay.out_by = stored_user(actor)
    stay.save(update_fields=["out_at", "out_method", "out_by"])
    _audit(stay, centre, actor, OUT, method)
    return stay


@transaction.atomic
def attendance_toggle(
    *,
    centre: Centre,
    resident: Resident,
    actor: Any,
    method: str,
    at: datetime | None = None,
) -> Recorded:
    """A tap on the roster or a scanned card: check in if the member is out, else check out."""
    authorize(actor, centre, "attend")
    membership = _member(centre, resident)
    if _open_stay(membership) is None:
        stay = attendance_check_in(
            centre=centre, resident=resident, actor=actor, method=method, at=at
        )
        return Recorded(stay, IN)
    stay = attendance_check_out(centre=centre, resident=resident, actor=actor, method=method, at=at)
    return Recorded(stay, OUT)


@transaction.atomic
def attendance_by_card(*, centre: Centre, scanned: str, actor: Any) -> Recorded:
    """The member's card QR, scanned at the door: whom it names (people.card, the one reader of
    cards), then in or out. A card of someone who is not a member here is refused like any
    non-member."""
    authorize(actor, centre, "attend")
    resident = resident_from_card(scanned)
    if resident.station_id != centre.station_id:
        raise DomainError("not_a_member", _("这张居民卡不属于本中心的在托人员。"), status=409)
    return attendance_toggle(
        centre=centre, resident=resident, actor=actor, method=AttendanceMethod.CARD
    )
