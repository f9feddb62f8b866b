"""Pupils: enrolment with the guardian's separate consent, the guardians who may pick up, the
encrypted allergies and health notes, leaving, and the retention sweep.

A child's data is sensitive (个人信息保护法 §28, §31): no pupil row is written without a guardian's
consent (`consent` false is refused, 422 on `consent`), and the consent row names the guardian and
the notice's version. Allergies and health notes exist only as ciphertext (`health_cipher`);
`pupil_health_read` is the one clear read, and it writes an audit row. A guardian is never
deleted while the pupil is known: `guardian_remove` stamps `removed_at`, and the pick-up check
reads only the listings that stand.

Retention (README): a pupil who leaves is kept `room.retention_days` days (`purge_on`); then
`pupils_anonymise_due` — run by the nightly sweep — drops the health notes, school and grade,
the guardians, the consents' link to the guardian, the pick-up people and refusals, the class
enrolments, and the link to the child's person record. What stays is a row naming nobody, with
its attendance days, so the station's figures do not change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core import crypto
from linli.people.models import Resident
from linli.studyroom import access
from linli.studyroom.actions.base import authorize, stored_user
from linli.studyroom.models import (
    ClassEnrolment,
    Guardian,
    GuardianConsent,
    GuardianRelation,
    PickupRefusal,
    Pupil,
    PupilStatus,
    Stay,
    StudyRoom,
)

CONSENT_TEXT_VERSION = "studyroom-2026-1"
NOTES_MAX = 300
# Who the study room takes: children of school age (一年级 at 6 to 初三 at about 15).
AGE_RANGE = (5, 16)


@dataclass(frozen=True)
class PupilInput:
    child: Resident
    guardians: Sequence[Resident]
    school: str
    grade: int
    consent: bool
    allergies: str = ""
    health_notes: str = ""
    photo_consent: bool = False
    relation: str = GuardianRelation.PARENT


def _check(room: StudyRoom, data: PupilInput) -> None:
    errors: dict[str, list[str]] = {}
    if not data.consent:
        errors["consent"] = [_("须有监护人对儿童个人信息（含健康信息）的单独同意，才能报名。")]
    if data.child.station_id != room.station_id:
        errors["resident"] = [_("这个孩子不是本站的居民。")]
    elif data.child.status != Resident.Status.LIVING:
        errors["resident"] = [_("这个孩子不在本社区居住。")]
    elif not AGE_RANGE[0] <= data.child.age() <= AGE_RANGE[1]:
        errors["resident"] = [_("午间微学堂接收 5 到 16 岁的学生。")]
    if not data.guardians:
        errors["guardians"] = [_("请至少填写一位接送人。")]
    elif len(data.guardians) > 6:
        errors["guardians"] = [_("接送人不能超过 6 位。")]
    for guardian in data.guardians:
        if guardian.pk == data.child.pk:
            errors["guardians"] = [_("孩子不能是自己的接送人。")]
        elif guardian.station_id != room.station_id or guardian.age() < 18:
            errors["guardians"] = [_("接送人须是本站的成年居民。")]
    if not data.school.strip() or len(data.school) > 100:
        errors["school"] = [_("请填写学校（不超过 100 字）。")]
    if not 1 <= data.grade <= 12:
        errors["grade"] = [_("年级须在 1 到 12 之间。")]
    if len(data.allergies) > NOTES_MAX:
        errors["allergies"] = [_("过敏信息不能超过 300 字。")]
    if len(data.health_notes) > NOTES_MAX:
        errors["health_notes"] = [_("健康备注不能超过 300 字。")]
    if data.relation not in GuardianRelation.values:
        errors["relation"] = [_("请选择关系。")]
    if errors:
        raise ValidationError(errors)


def _health_cipher(allergies: str, health_notes: str) -> str:
    if not allergies.strip() and not health_notes.strip():
        return ""
    return crypto.encrypt(
        json.dumps(
            {"allergies": allergies.strip(), "health_notes": health_notes.strip()},
            ensure_ascii=False,
        )
    )


@transaction.atomic
def pupil_enrol(*, room: StudyRoom, data: PupilInput, actor: Any) -> Pupil:
    """Enrol a child: by a guardian online with their account, or by staff from a paper form.
    Refused without the guardian's consent, for a child already enrolled, and for anyone but the
    room's staff or one of the child's own listed guardians."""
    channel = "paper" if actor is None else access.may_enrol(actor, room, list(data.guardians))
    _check(room, data)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            pupil = Pupil.objects.create(
                room=room,
                resident=data.child,
                school=data.school.strip(),
                grade=data.grade,
                health_cipher=_health_cipher(data.allergies, data.health_notes),
                photo_consent=data.photo_consent,
                channel=channel,
                enrolled_on=today,
                enrolled_by=stored_user(actor),
            )
    except IntegrityError as error:
        raise ValidationError({"resident": [_("这个孩子已经在午间微学堂报名了。")]}) from error
    seen: set[int] = set()
    for guardian in data.guardians:
        if guardian.pk in seen:
            continue
        seen.add(guardian.pk)
        Guardian.objects.create(
            pupil=pupil, resident=guardian, relation=data.relation, added_by=stored_user(actor)
        )
    consenting = access.guardian_of(actor) if channel == "online" else data.guardians[0]
    GuardianConsent.objects.create(
        pupil=pupil,
        guardian=consenting,
        method=channel,
        text_version=CONSENT_TEXT_VERSION,
        recorded_by=stored_user(actor),
    )
    audit_record(
        actor=actor,
        action="pupil.enrol",
        target=pupil,
        station=room.station,
        after={
            "resident": data.child.pk,
            "guardians": sorted(seen),
            "channel": channel,
            "photo_consent": data.photo_consent,
            "health": bool(pupil.health_cipher),
        },
    )
    return pupil


def pupil_health_read(*, pupil: Pupil, actor: Any) -> dict[str, str]:
    """Allergies and health notes in clear, for staff and the tutor on duty; every read audited."""
    if actor is not None and not access.may_read_health(actor, pupil):
        raise PermissionDenied("health")
    if not pupil.health_cipher:
        return {"allergies": "", "health_notes": ""}
    details: dict[str, str] = json.loads(crypto.decrypt(pupil.health_cipher))
    audit_record(
        actor=actor,
        action="pupil.health_read",
        target=pupil,
        station=pupil.room.station,
        after={"fields": ["allergies", "health_notes"]},
    )
    return details


@transaction.atomic
def pupil_health_update(*, pupil: Pupil, allergies: str, health_notes: str, actor: Any) -> Pupil:
    """Replace the allergies and health notes (staff)."""
    authorize(actor, pupil.room, "manage")
    if len(allergies) > NOTES_MAX or len(health_notes) > NOTES_MAX:
        raise ValidationError({"health_notes": [_("过敏信息和健康备注各不超过 300 字。")]})
    pupil.health_cipher = _health_cipher(allergies, health_notes)
    pupil.save(update_fields=["health_cipher"])
    audit_record(
        actor=actor, action="pupil.health_update", target=pupil, station=pupil.room.station,
        after={"health": bool(pupil.health_cipher)},
    )  # fmt: skip
    return pupil


@transaction.atomic
def guardian_add(*, pupil: Pupil, person: Resident, relation: str, actor: Any) -> Guardian:
    """List one more person who may pick the pupil up (staff, with the guardian's form)."""
    authorize(actor, pupil.room, "manage")
    if pupil.status != PupilStatus.ACTIVE:
        raise ValidationError({"resident": [_("这位学生已离开。")]})
    if person.station_id != pupil.room.station_id or person.age() < 18:
        raise ValidationError({"resident": [_("接送人须是本站的成年居民。")]})
    if person.pk == pupil.resident_id:
        raise ValidationError({"resident": [_("孩子不能是自己的接送人。")]})
    if relation not in GuardianRelation.values:
        raise ValidationError({"relation": [_("请选择关系。")]})
    if access.active_guardian(pupil, person) is not None:
        raise ValidationError({"resident": [_("此人已在接送人名单中。")]})
    guardian = Guardian.objects.create(
        pupil=pupil, resident=person, relation=relation, added_by=stored_user(actor)
    )
    audit_record(
        actor=actor, action="pupil.guardian_add", target=pupil, station=pupil.room.station,
        after={"guardian": person.pk, "relation": relation},
    )  # fmt: skip
    return guardian


@transaction.atomic
def guardian_remove(*, guardian: Guardian, actor: Any) -> Guardian:
    """Take a person off the list: from this moment they are refused at pick-up. The last
    guardian stays (a pupil always has someone who may take them home)."""
    pupil = guardian.pupil
    authorize(actor, pupil.room, "manage")
    locked = Guardian.objects.select_for_update().get(pk=guardian.pk)
    if locked.removed_at is not None:
        return locked
    standing = pupil.guardians.filter(removed_at__isnull=True).exclude(pk=locked.pk)
    if not standing.exists():
        raise ValidationError({"guardian": [_("至少要保留一位接送人。")]})
    locked.removed_at = timezone.now()
    locked.removed_by = stored_user(actor)
    locked.save(update_fields=["removed_at", "removed_by"])
    audit_record(
        actor=actor, action="pupil.guardian_remove", target=pupil, station=pupil.room.station,
        after={"guardian": locked.resident_id},
    )  # fmt: skip
    return locked


@transaction.atomic
def pupil_leave(*, pupil: Pupil, actor: Any, on: date | None = None) -> Pupil:
    """The pupil leaves the study room; the data is kept `retention_days`, then anonymised."""
    authorize(actor, pupil.room, "manage")
    locked = Pupil.objects.select_for_update().select_related("room__station").get(pk=pupil.pk)
    if locked.status != PupilStatus.ACTIVE:
        raise ValidationError({"status": [_("这位学生已离开。")]})
    left_on = on or timezone.localdate()
    locked.status = PupilStatus.LEFT
    locked.left_on = left_on
    locked.purge_on = left_on + timedelta(days=locked.room.retention_days)
    locked.save(update_fields=["status", "left_on", "purge_on"])
    ClassEnrolment.objects.filter(pupil=locked, left_on__isnull=True).update(left_on=left_on)
    audit_record(
        actor=actor, action="pupil.leave", target=locked, station=locked.room.station,
        after={"left_on": left_on.isoformat(), "purge_on": locked.purge_on.isoformat()},
    )  # fmt: skip
    return locked


def pupils_anonymise_due(*, today: date | None = None) -> int:
    """Anonymise every pupil whose retention period has run out (`purge_on` on or before today);
    returns how many. Run by the sweep; each pupil in its own transaction, so a failure on one
    does not keep the others."""
    today = today or timezone.localdate()
    due = list(
        Pupil.objects.filter(status=PupilStatus.LEFT, purge_on__lte=today).values_list(
            "pk", flat=True
        )
    )
    for pupil_id in due:
        _anonymise(pupil_id)
    return len(due)


@transaction.atomic
def _anonymise(pupil_id: int) -> None:
    pupil = Pupil.objects.select_for_update().select_related("room__station").get(pk=pupil_id)
    if pupil.status != PupilStatus.LEFT:
        return
    Guardian.objects.filter(pupil=pupil).delete()
    GuardianConsent.objects.filter(pupil=pupil).update(guardian=None)
    PickupRefusal.objects.filter(stay__pupil=pupil).delete()
    Stay.objects.filter(pupil=pupil).update(picked_up_by=None)
    ClassEnrolment.objects.filter(pupil=pupil).delete()
    pupil.resident = None
    pupil.school = ""
    pupil.grade = None
    pupil.health_cipher = ""
    pupil.photo_consent = False
    pupil.status = PupilStatus.ANONYMISED
    pupil.anonymised_at = timezone.now()
    pupil.save(
        update_fields=[
            "resident", "school", "grade", "health_cipher", "photo_consent", "status",
            "anonymised_at",
        ]
    )  # fmt: skip
    audit_record(
        actor=None, action="pupil.anonymise", target=pupil, station=pupil.room.station,
        after={"left_on": pupil.left_on.isoformat() if pupil.left_on else None},
    )  # fmt: skip


def pupils_rotate_keys(*, batch_size: int = 500) -> int:
    """Re-encrypt every pupil's health notes under the newest field key (`linli
    rotate_field_keys`); each batch commits on its own, and old keys still decrypt."""
    done = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Pupil.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .exclude(health_cipher="")
                .only("pk", "health_cipher")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            for pupil in batch:
                pupil.health_cipher = crypto.rotate(pupil.health_cipher)
            Pupil.objects.bulk_update(batch, ["health_cipher"])
            last_pk = batch[-1].pk
            done += len(batch)
    audit_record(actor=None, action="keys.rotate", after={"pupils": done})
    return done
