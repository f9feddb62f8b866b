"""A hash chain over the ledger, one per station: each entry's hash covers its own fields and the
hash of the station's entry before it, so an entry changed, removed or slipped in afterwards
(past the database's triggers, e.g. by editing a copy of the file) breaks every hash after it.
`linli verify_ledger` walks the chains and names the first broken link.

Sealing happens where entries are created, in the model (`LedgerEntry.save`, the manager's
`bulk_create` and its `insert_sealed` for plain rows), so every way of posting (credits, reversals, the bulk history import and any
later kind of entry) is chained without knowing about it. The station's row is locked while an
entry is sealed, so two postings at one station line up instead of forking the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64

# The fields an entry's hash covers, in this order. Adding one changes every hash: only append,
# and let `linli verify_ledger` read old entries under the fields they were sealed with.
SEALED_FIELDS = (
    "volunteer_id",
    "account",
    "kind",
    "amount",
    "served_on",
    "activity_id",
    "description",
    "source_key",
    "reverses_id",
    "reason",
    "approved_by_id",
    "created_by_id",
    "created_at",
    "station_id",  # the station of an entry that has no volunteer (a pool, a clearing account)
)


def _canonical(value: Any) -> Any:
    # Most sealed values are plain text, numbers or None, which stay as they are (a history
    # seals tens of thousands of entries at once).
    if value is None or type(value) is str or type(value) is int:
        return value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):  # an aware datetime
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def entry_hash(fields: dict[str, Any], previous: str) -> str:
    """The hash of an entry with `fields` (SEALED_FIELDS at least) after `previous`."""
    body = [previous, *(_canonical(fields[name]) for name in SEALED_FIELDS)]
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _fields(entry: Any) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in SEALED_FIELDS}


def seal(entries: Sequence[Any]) -> None:
    """Give each new entry its station and chain hash, in the order they will be inserted.

    Call inside a transaction, just before the insert: the stations' rows stay locked until it
    commits, and the last hash of each station is read under that lock.
    """
    from django.db import connection
    from django.utils import timezone

    from linli.ledger.models import LedgerEntry
    from linli.org.models import Station
    from linli.volunteers.models import Volunteer

    if not entries:
        return
    # The volunteer is usually at hand (ledger_credit is given it): no query for its station.
    station_of: dict[int, int] = {}
    for entry in entries:
        # A model instance may hold its volunteer; a plain row (`LedgerEntry.objects.insert_sealed`)
        # holds only the key.
        state = getattr(entry, "_state", None)
        volunteer = state.fields_cache.get("volunteer") if state is not None else None
        if volunteer is not None:
            station_of[volunteer.pk] = volunteer.station_id
    unknown = {entry.volunteer_id for entry in entries if entry.volunteer_id} - set(station_of)
    if unknown:
        station_of.update(Volunteer.objects.filter(pk__in=unknown).values_list("pk", "station_id"))
    # An entry without a volunteer (a time-bank pool, a clearing account) names its station.
    own = {entry.station_id for entry in entries if entry.volunteer_id is None and entry.station_id}
    station_ids = sorted(set(station_of.values()) | own)
    if connection.features.has_select_for_update:
        # SQLite has no row locks, and needs none: its IMMEDIATE transactions write one by one.
        list(Station.objects.select_for_update().filter(pk__in=station_ids).order_by("pk"))
    last: dict[int, str] = {}
    for station_id in station_ids:
        previous = (
            LedgerEntry.objects.filter(chain_station_id=station_id)
            .order_by("-pk")
            .values_list("chain_hash", flat=True)
            .first()
        )
        last[station_id] = previous or GENESIS
    for entry in entries:
        station: int | None
        if entry.created_at is None:
            entry.created_at = timezone.now()
        # What the database will give back: two decimal places, microseconds.
        entry.amount = Decimal(entry.amount).quantize(Decimal("0.01"))
        station = station_of.get(entry.volunteer_id) if entry.volunteer_id else entry.station_id
        entry.chain_station_id = station
        entry.chain_hash = entry_hash(_fields(entry), last.get(station or 0, GENESIS))
        if station is not None:
            last[station] = entry.chain_hash


@dataclass(frozen=True)
class BrokenLink:
    station_id: int
    entry_id: int
    position: int  # 1 for the station's first entry
    expected: str
    stored: str


def verify(rows: Iterable[dict[str, Any]]) -> Iterator[BrokenLink]:
    """The first broken link of each station's chain, from rows in id order (dicts holding
    SEALED_FIELDS, `id`, `chain_station_id` and `chain_hash`)."""
    last: dict[int, str] = {}
    positions: dict[int, int] = {}
    broken: set[int] = set()
    for row in rows:
        station_id = row["chain_station_id"]
        if station_id in broken:
            continue
        positions[station_id] = positions.get(station_id, 0) + 1
        expected = entry_hash(row, last.get(station_id, GENESIS))
        if expected != row["chain_hash"]:
            broken.add(station_id)
            yield BrokenLink(
                station_id, row["id"], positions[station_id], expected, row["chain_hash"]
            )
        last[station_id] = row["chain_hash"]


def ledger_rows(queryset: Any) -> Iterator[dict[str, Any]]:
    """The ledger's rows as `verify` reads them, in id order, a thousand at a time."""
    columns = ("id", "chain_station_id", "chain_hash", *SEALED_FIELDS)
    return queryset.order_by("pk").values(*columns).iterator(chunk_size=1000)
