"""The day: the noon check-in, the pick-up by a listed guardian, and the still-in alert.

Pick-up is the rule that matters most: a pupil leaves only with a person on the pupil's list of
guardians as it stands at that moment (`Guardian.removed_at` null) — chosen from the list on the
tutor's phone, or read from the guardian's resident card QR (`people.card`, the one reader of
cards). Anyone else is refused with 409 `not_a_guardian`; the refusal is kept
(`PickupRefusal`) and the station's staff are told at once. The refusal's row and message are
committed although the pick-up is refused: `stay_pick_up` writes them in its own transaction
and raises afterwards.

Each write locks the pupil's stay of the day, so two taps on one pupil run one after the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.core.messages import Message
from linli.notifications.actions import notify
from linli.people.card import resident_from_card
from linli.people.models import Resident
from linli.studyroom import access
from linli.studyroom.actions.base import authorize, station_staff, stored_user
from linli.studyroom.models import (
    PickupMethod,
    PickupRefusal,
    Pupil,
    PupilStatus,
    Stay,
    StudyRoom,
)

FUTURE_SLACK = timedelta(minutes=5)


class NotAGuardian(DomainError):
    """The person presented is not on the pupil's list of guardians (now)."""


def _moment(at: datetime | None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if at > now + FUTURE_SLACK:
        raise ValidationError({"at": [_("时间不能晚于现在。")]})
    if at < now - timedelta(days=10):
        raise ValidationError({"at": [_("只能补登 10 天内的到离记录。")]})
    return at


def _active(pupil: Pupil) -> None:
    if pupil.status != PupilStatus.ACTIVE:
        raise DomainError("not_enrolled", _("这位学生已不在午间微学堂。"), status=409)


@transaction.atomic
def stay_check_in(*, room: StudyRoom, pupil: Pupil, actor: Any, at: datetime | None = None) -> Stay:
    """The pupil arrives at noon: one stay a day (a second check-in the same day is 409)."""
    authorize(actor, room, "day")
    _active(pupil)
    moment = _moment(at)
    day = timezone.localdate(moment)
    try:
        with transaction.atomic():
            stay = Stay.objects.create(
                room=room, pupil=pupil, day=day, in_at=moment, in_by=stored_user(actor)
            )
    except IntegrityError as error:
        raise DomainError(
            "already_checked_in",
            _("%(name)s 今天已经签到。") % {"name": pupil.resident.name if pupil.resident else ""},
            status=409,
        ) from error
    audit_record(
        actor=actor, action="study_stay.in", target=stay, station=room.station,
        after={"pupil": pupil.pk, "day": day.isoformat()},
    )  # fmt: skip
    return stay


def _open_stay(room: StudyRoom, pupil: Pupil) -> Stay:
    stay = (
        Stay.objects.select_for_update()
        .filter(room=room, pupil=pupil, out_at__isnull=True)
        .order_by("-day")
        .first()
    )
    if stay is None:
        raise DomainError(
            "not_checked_in",
            _("%(name)s 现在不在午间微学堂。")
            % {"name": pupil.resident.name if pupil.resident else ""},
            status=409,
        )
    return stay


@dataclass(frozen=True)
class PickupOutcome:
    stay: Stay
    refused: bool


@transaction.atomic
def _pick_up(
    room: StudyRoom,
    pupil: Pupil,
    person: Resident | None,
    method: str,
    actor: Any,
    at: datetime | None,
) -> PickupOutcome:
    authorize(actor, room, "day")
    moment = _moment(at)
    stay = _open_stay(room, pupil)
    if person is None or access.active_guardian(pupil, person) is None:
        refusal = PickupRefusal.objects.create(
            stay=stay, presented=person, at=timezone.now(), recorded_by=stored_user(actor)
        )
        audit_record(
            actor=actor, action="study_stay.refused", target=stay, station=room.station,
            after={"pupil": pupil.pk, "presented": person.pk if person else None,
                   "refusal": refusal.pk, "method": method},
        )  # fmt: skip
        notify(
            users=station_staff(room.station_id),
            kind="studyroom.pickup_refused",
            title=Message(
                "studyroom.pickup_refused",
                {"name": pupil.resident.name if pupil.resident else ""},
            ),
            body=Message("studyroom.pickup_refused_body"),
            url=reverse("studyroom:pupil", args=[room.pk, pupil.pk]),
            station=room.station,
            sms=True,
        )
        return PickupOutcome(stay, refused=True)
    if moment < stay.in_at:
        raise ValidationError({"at": [_("接走时间不能早于到达时间。")]})
    stay.out_at = moment
    stay.picked_up_by = person
    stay.out_method = method
    stay.out_by = stored_user(actor)
    stay.save(update_fields=["out_at", "picked_up_by", "out_method", "out_by"])
    audit_record(
        actor=actor, action="study_stay.out", target=stay, station=room.station,
        after={"pupil": pupil.pk, "picked_up_by": person.pk, "method": method},
    )  # fmt: skip
    return PickupOutcome(stay, refused=False)


def stay_pick_up(
    *,
    room: StudyRoom,
    pupil: Pupil,
    person: Resident | None,
    actor: Any,
    method: str = PickupMethod.CHOSEN,
    at: datetime | None = None,
) -> Stay:
    """The pupil goes home with `person`. Only a guardian listed now may take them: anyone else
    (or nobody named) is refused with `not_a_guardian` (409), the refusal kept and the staff
    told — both committed before the refusal is raised."""
    outcome = _pick_up(room, pupil, person, method, actor, at)
    if outcome.refused:
        raise NotAGuardian(
            "not_a_guardian",
            _("此人不在 %(name)s 的接送人名单中，不能接走。已通知工作人员。")
            % {"name": pupil.resident.name if pupil.resident else ""},
            status=409,
        )
    return outcome.stay


def stay_pick_up_by_card(*, room: StudyRoom, pupil: Pupil, scanned: str, actor: Any) -> Stay:
    """The guardian shows their resident card: whom it names, then the same rule. A card of
    another station's resident is refused like any non-guardian."""
    authorize(actor, room, "day")
    person = resident_from_card(scanned)
    return stay_pick_up(room=room, pupil=pupil, person=person, actor=actor, method=PickupMethod.QR)


def still_in_alert(*, now: datetime | None = None) -> int:
    """Tell the staff and the guardians of every pupil still in after the room's alert time
    (each stay once); returns how many stays were alerted. Derived from the rows, so a missed
    sweep only delays the message."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    alerted = 0
    for room in StudyRoom.objects.select_related("station"):
        if local.time() < room.still_in_alert_at:
            continue
        stay_ids = list(
            Stay.objects.filter(
                room=room, day=local.date(), out_at__isnull=True, still_in_alerted_at__isnull=True
            ).values_list("pk", flat=True)
        )
        for stay_id in stay_ids:
            alerted += _alert_one(stay_id, now)
    return alerted


@transaction.atomic
def _alert_one(stay_id: int, now: datetime) -> int:
    stay = (
        Stay.objects.select_for_update(of=("self",))
        .select_related("room__station", "pupil__resident")
        .get(pk=stay_id)
    )
    if stay.out_at is not None or stay.still_in_alerted_at is not None:
        return 0
    stay.still_in_alerted_at = now
    stay.save(update_fields=["still_in_alerted_at"])
    room, pupil = stay.room, stay.pupil
    name = pupil.resident.name if pupil.resident else ""
    guardian_users = [
        guardian.resident.user
        for guardian in pupil.guardians.filter(removed_at__isnull=True).select_related(
            "resident__user"
        )
        if guardian.resident.user is not None
    ]
    title = Message("studyroom.still_in", {"name": name})
    notify(
        users=station_staff(room.station_id),
        kind="studyroom.still_in",
        title=title,
        body=Message(
            "studyroom.still_in_staff", {"time": room.still_in_alert_at.strftime("%H:%M")}
        ),
        url=reverse("studyroom:duty", args=[room.pk]),
        station=room.station,
    )
    notify(
        users=guardian_users,
        kind="studyroom.still_in",
        title=title,
        body=Message("studyroom.still_in_guardian", {"place": room.place or room.name}),
        station=room.station,
        sms=True,
    )
    audit_record(
        actor=None, action="study_stay.still_in_alert", target=stay, station=room.station,
        after={"pupil": pupil.pk},
    )  # fmt: skip
    return 1
