"""Sensitive fields in clear: every read by staff is audited; key rotation."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from linli.audit.actions import audit_record
from linli.core import crypto
from linli.people.models import Resident

# --- sensitive reads: every one by staff is audited ------------------------------------------------


def resident_reveal_id_number(*, resident: Resident, actor: Any) -> str:
    """The ID number in clear, for someone `people.access.can_reveal_sensitive` allows; audited."""
    if not resident.id_number_cipher:
        return ""
    number = crypto.decrypt(resident.id_number_cipher)
    audit_record(
        actor=actor,
        action="resident.reveal",
        target=resident,
        station=resident.station,
        after={"fields": ["id_number"]},
    )
    return number


def resident_reveal_sensitive(*, resident: Resident, actor: Any) -> dict[str, str]:
    """Health and disability details in clear; audited like the ID number."""
    if not resident.sensitive_cipher:
        return {"disability_type": "", "disability_grade": "", "health_notes": ""}
    details = json.loads(crypto.decrypt(resident.sensitive_cipher))
    audit_record(
        actor=actor,
        action="resident.reveal",
        target=resident,
        station=resident.station,
        after={"fields": ["disability", "health"]},
    )
    return details


def residents_rotate_keys(*, batch_size: int = 500, progress: Any = None) -> int:
    """Re-encrypt every resident's sensitive fields under the newest key and re-hash the ID numbers.

    Safe to interrupt and run again: each batch commits on its own, and old keys still decrypt.
    """
    done = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Resident.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .exclude(id_number_cipher="", sensitive_cipher="")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            for resident in batch:
                if resident.id_number_cipher:
                    number = crypto.decrypt(resident.id_number_cipher)
                    resident.id_number_cipher = crypto.encrypt(number)
                    resident.id_number_hash = crypto.lookup_hash(number)
                if resident.sensitive_cipher:
                    resident.sensitive_cipher = crypto.rotate(resident.sensitive_cipher)
            Resident.objects.bulk_update(
                batch, ["id_number_cipher", "id_number_hash", "sensitive_cipher"]
            )
            last_pk = batch[-1].pk
            done += len(batch)
        if progress:
            progress(done)
    audit_record(actor=None, action="keys.rotate", after={"residents": done})
    return done
