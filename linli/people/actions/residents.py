"""Registering, changing and consenting: the writes to residents and households."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core import crypto
from linli.core.idcard import mask_id_number
from linli.core.pinyin import pinyin_keys
from linli.core.rows import insert_rows, reserve_ids
from linli.org.models import Building, Station
from linli.people.actions.checks import (
    CONSENT_TEXT_VERSION,
    AddressInput,
    CheckedResident,
    ConsentInput,
    ResidentInput,
    resident_check,
)
from linli.people.models import Consent, Household, Resident, ResidentTag


def _sensitive_blob(data: ResidentInput) -> str:
    details = {
        "disability_type": data.disability_type,
        "disability_grade": data.disability_grade,
        "health_notes": data.health_notes,
    }
    return crypto.encrypt(json.dumps(details, ensure_ascii=False)) if any(details.values()) else ""


def _apply(resident: Resident, checked: CheckedResident) -> None:
    data = checked.data
    resident.name = data.name
    resident.name_pinyin, resident.name_initials = pinyin_keys(data.name)
    resident.gender = checked.gender
    resident.birth_date = checked.birth_date
    resident.phone = data.phone
    resident.relation = data.relation
    resident.note = data.note
    if checked.id_number:
        resident.id_number_cipher = crypto.encrypt(checked.id_number)
        resident.id_number_hash = crypto.lookup_hash(checked.id_number)
        resident.id_number_masked = mask_id_number(checked.id_number)
    if data.disability_type or data.disability_grade or data.health_notes:
        resident.sensitive_cipher = _sensitive_blob(data)


def _public_fields(resident: Resident, tags: Iterable[str]) -> dict[str, Any]:
    """What an audit row may hold: nothing sensitive in clear."""
    return {
        "name": resident.name,
        "gender": resident.gender,
        "birth_date": resident.birth_date.isoformat(),
        "id_number_masked": resident.id_number_masked,
        "phone": resident.phone,
        "household": resident.household_id,
        "relation": resident.relation,
        "tags": sorted(tags),
        "note": resident.note,
        "status": resident.status,
    }


def household_at(station: Station, building: Building, unit: str, room: str) -> Household:
    household, _created = Household.objects.get_or_create(
        building=building, unit=unit, room=room, defaults={"station": station}
    )
    return household


def _consent_fields(consent: ConsentInput, actor: Any, now: Any) -> dict[str, Any]:
    """A consent's columns but the resident and the scope, which every scope's row shares."""
    return {
        "given_by": consent.given_by,
        "guardian_name": consent.guardian_name.strip(),
        "method": consent.method,
        "text_version": CONSENT_TEXT_VERSION,
        "recorded_by_id": actor.pk if getattr(actor, "is_authenticated", False) else None,
        "recorded_at": now,
    }


def _consent_scopes(consent: ConsentInput) -> list[str]:
    if consent.sensitive:
        return [Consent.Scope.PERSONAL, Consent.Scope.SENSITIVE]
    return [Consent.Scope.PERSONAL]


def _consent_rows(resident: Resident, consent: ConsentInput, actor: Any, now: Any) -> list[Consent]:
    common = _consent_fields(consent, actor, now)
    return [Consent(resident=resident, scope=scope, **common) for scope in _consent_scopes(consent)]


@transaction.atomic
def resident_create(
    *,
    station: Station,
    data: ResidentInput,
    consent: ConsentInput,
    actor: Any,
    status: str = Resident.Status.LIVING,
) -> Resident:
    """Register one person with their consent; the household at the address is found or made.

    `status=external` records someone the station serves who does not live in the community
    (a volunteer from elsewhere): a person record, not a resident in the counts.
    """
    checked = resident_check(station=station, data=data, consent=consent)
    return residents_bulk_create(
        station=station, rows=[checked], consent=consent, actor=actor, status=status
    )[0]


def _insert(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Write new registry rows in one go (core/rows.py): bulk_create prepares every value of
    every instance, which for an import's thousands of residents costs more than the writing.
    No signal listens to the registry's models. Each instance gets its primary key first (rows
    written next point at it) and is then as if saved."""
    fields = model._meta.concrete_fields
    for instance, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
        instance.pk = pk
    insert_rows(
        model,
        [field.attname for field in fields],
        [[getattr(instance, field.attname) for field in fields] for instance in objects],
    )
    for instance in objects:
        instance._state.adding = False
        instance._state.db = connection.alias


@transaction.atomic
def residents_bulk_create(
    *,
    station: Station,
    rows: Sequence[CheckedResident],
    consent: ConsentInput | Sequence[ConsentInput],
    actor: Any,
    audit_each: bool = True,
    status: str = Resident.Status.LIVING,
) -> list[Resident]:
    """Register many checked residents at once (an import, the demo): all of them or none.

    `consent` is one for all rows or one per row. With `audit_each=False` one summary audit row
    is written instead of one per resident.
    """
    now = timezone.now()
    consents = [consent] * len(rows) if isinstance(consent, ConsentInput) else list(consent)
    households: dict[tuple[int, str, str], Household] = {}
    building_ids = {row.building.pk for row in rows if row.building is not None}
    for household in Household.objects.filter(building_id__in=building_ids):
        households[(household.building_id, household.unit, household.room)] = household
    new_households = []
    for row in rows:
        if row.building is None:
            continue
        key = (row.building.pk, row.unit, row.room)
        if key not in households:
            households[key] = Household(
                station=station, building=row.building, unit=row.unit, room=row.room
            )
            new_households.append(households[key])
    _insert(Household, new_households)
    residents = []
    for row in rows:
        resident = Resident(station=station, status=status, created_at=now, updated_at=now)
        _apply(resident, row)
        if row.building is not None:
            resident.household = households[(row.building.pk, row.unit, row.room)]
        residents.append(resident)
    _insert(Resident, residents)
    insert_rows(
        ResidentTag,
        ["resident_id", "tag"],
        [
            (resident.pk, tag)
            for resident, row in zip(residents, rows, strict=True)
            for tag in sorted(row.tags)
        ],
    )
    consent_columns = list(_consent_fields(consents[0], actor, now)) if consents else []
    insert_rows(
        Consent,
        ["resident_id", "scope", *consent_columns],
        [
            (resident.pk, scope, *_consent_fields(row_consent, actor, now).values())
            for resident, row_consent in zip(residents, consents, strict=True)
            for scope in _consent_scopes(row_consent)
        ],
    )
    if audit_each:
        for resident, row in zip(residents, rows, strict=True):
            audit_record(
                actor=actor,
                action="resident.create",
                target=resident,
                station=station,
                after=_public_fields(resident, row.tags),
            )
    else:
        audit_record(
            actor=actor,
            action="resident.bulk_create",
            station=station,
            after={"count": len(residents), "households_created": len(new_households)},
        )
    return residents


# The columns `_apply` and `resident_update` write; a save touches no other (status, user, …).
RESIDENT_EDITABLE_COLUMNS = ["name", "name_pinyin", "name_initials", "gender", "birth_date", "phone",
                             "relation", "note", "id_number_cipher", "id_number_hash",
                             "id_number_masked", "sensitive_cipher", "household", "updated_at"]  # fmt: skip
UPDATABLE = ("name", "gender", "birth_date", "id_number", "phone", "address", "relation", "tags",
             "note", "disability_type", "disability_grade", "health_notes")  # fmt: skip


@transaction.atomic
def resident_update(*, resident: Resident, changes: dict[str, Any], actor: Any) -> Resident:
    """Change some fields of a resident (PATCH): the result is checked as a whole.

    A new ID number replaces the old one; leaving it out keeps it. The before/after audit row
    holds masked values only.
    """
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError({name: [_("该字段不能修改。")] for name in unknown})
    current_tags = set(resident.tags.values_list("tag", flat=True))
    before = _public_fields(resident, current_tags)
    household = resident.household
    current_address = (
        AddressInput(
            estate=household.building.estate.name,
            building=household.building.number,
            unit=household.unit,
            room=household.room,
        )
        if household is not None
        else None
    )
    merged = ResidentInput(
        name=changes.get("name", resident.name),
        gender=changes.get("gender", resident.gender),
        birth_date=changes.get("birth_date", resident.birth_date),
        id_number=changes.get("id_number", ""),
        phone=changes.get("phone", resident.phone),
        address=changes.get("address", current_address),
        relation=changes.get("relation", resident.relation),
        tags=frozenset(changes.get("tags", current_tags)),
        note=changes.get("note", resident.note),
        disability_type=changes.get("disability_type", ""),
        disability_grade=changes.get("disability_grade", ""),
        health_notes=changes.get("health_notes", ""),
    )
    if "id_number" not in changes and resident.id_number_cipher:
        # Birth date and gender were derived from the stored number: check them against it.
        merged = replace(merged, id_number=crypto.decrypt(resident.id_number_cipher))
    sensitive_changed = any(
        name in changes for name in ("disability_type", "disability_grade", "health_notes")
    )
    if sensitive_changed and resident.sensitive_cipher:
        # Fields not in this change keep their values: merge into what is stored, before the
        # check, so that the blob written below (from `checked.data`) carries them.
        stored = json.loads(crypto.decrypt(resident.sensitive_cipher))
        merged = replace(
            merged,
            **{name: changes.get(name, stored.get(name, "")) for name in stored},
        )
    checked = resident_check(station=resident.station, data=merged, consent=None, existing=resident)
    if ("id_number" in changes or sensitive_changed) and not has_sensitive_consent(resident):
        raise ValidationError(
            {"consent": [_("该居民尚无有效的敏感个人信息单独同意，请先记录同意。")]}
        )
    _apply(
        resident,
        replace(
            checked,
            data=replace(checked.data, disability_type="", disability_grade="", health_notes=""),
        ),
    )
    if sensitive_changed:
        resident.sensitive_cipher = _sensitive_blob(checked.data)
    if checked.building is not None:
        resident.household = household_at(
            resident.station, checked.building, checked.unit, checked.room
        )
    elif "address" in changes:
        resident.household = None
    resident.updated_at = timezone.now()
    resident.save(update_fields=RESIDENT_EDITABLE_COLUMNS)
    if "tags" in changes:
        ResidentTag.objects.filter(resident=resident).exclude(tag__in=checked.tags).delete()
        ResidentTag.objects.bulk_create(
            [ResidentTag(resident=resident, tag=tag) for tag in sorted(checked.tags - current_tags)]
        )
    after = _public_fields(resident, checked.tags if "tags" in changes else current_tags)
    if sensitive_changed:
        after["sensitive_details"] = "changed"
    audit_record(
        actor=actor,
        action="resident.update",
        target=resident,
        station=resident.station,
        before=before,
        after=after,
    )
    return resident


def has_sensitive_consent(resident: Resident) -> bool:
    return resident.consents.filter(
        scope=Consent.Scope.SENSITIVE, withdrawn_at__isnull=True
    ).exists()


@transaction.atomic
def consent_record(*, resident: Resident, consent: ConsentInput, actor: Any) -> list[Consent]:
    """Record consent given later (e.g. before adding an ID number); a child's by a guardian."""
    if consent.method not in Consent.Method.values:
        raise ValidationError({"consent": [_("请选择同意方式。")]})
    if resident.is_child and (
        consent.given_by != Consent.GivenBy.GUARDIAN or not consent.guardian_name.strip()
    ):
        raise ValidationError(
            {"consent": [_("未满 14 周岁的儿童须由监护人同意，请填写监护人姓名。")]}
        )
    rows = Consent.objects.bulk_create(_consent_rows(resident, consent, actor, timezone.now()))
    audit_record(
        actor=actor,
        action="consent.record",
        target=resident,
        station=resident.station,
        after={
            "scopes": [row.scope for row in rows],
            "given_by": consent.given_by,
            "method": consent.method,
        },
    )
    return rows


@transaction.atomic
def consent_withdraw(*, consent: Consent, actor: Any) -> None:
    Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action="consent.withdraw",
        target=consent.resident,
        station=consent.resident.station,
        before={"scope": consent.scope},
    )


@transaction.atomic
def resident_card_reissue(*, resident: Resident, actor: Any) -> Resident:
    """Replace a lost or damaged resident card: the serial goes up by one under a row lock, so
    the old card's code no longer names anyone (people/card.py checks the serial)."""
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    before = locked.card_serial
    locked.card_serial = before + 1
    locked.save(update_fields=["card_serial"])
    audit_record(
        actor=actor,
        action="resident.card_reissue",
        target=locked,
        station=locked.station,
        before={"card_serial": before},
        after={"card_serial": locked.card_serial},
    )
    return locked
