"""Reads that change rarely, kept per station in Django's cache (Redis when `REDIS_URL` is set,
else the file cache every process of one machine shares) and dropped when their rows are written.

A kind of read is registered once with what computes it for a list of stations and which models'
writes make a station's copy stale:

    register("menu", compute=menus_of, sources={MenuCategory: "station_id", …})
    per_station("menu", [1, 4, 5])   # → {1: …, 4: …, 5: …}: cached copies, the rest computed once

A write (post_save, post_delete, or a change of a many-to-many) deletes the station's copy at
once and again when its transaction commits, so no reader keeps a copy taken before the write.
Keys carry the database's name, so two databases served from one data folder do not mix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

TIMEOUT = 24 * 3600  # a day: writes drop copies; the timeout only bounds what a missed one costs


@dataclass(frozen=True)
class Kind:
    name: str
    compute: Callable[[list[int]], dict[int, Any]]


KINDS: dict[str, Kind] = {}


def _key(name: str, station_id: int) -> str:
    return f"station:{connection.settings_dict['NAME']}:{name}:{station_id}"


def per_station(name: str, station_ids: Iterable[int]) -> dict[int, Any]:
    """Each station's copy of the read `name`, computing (in one call) those not cached."""
    ids = sorted(set(station_ids))
    keys = {_key(name, station_id): station_id for station_id in ids}
    found = cache.get_many(list(keys))
    result = {keys[key]: value for key, value in found.items()}
    missing = [station_id for station_id in ids if station_id not in result]
    if missing:
        computed = KINDS[name].compute(missing)
        fresh = {station_id: computed.get(station_id) for station_id in missing}
        cache.set_many({_key(name, sid): value for sid, value in fresh.items()}, TIMEOUT)
        result.update(fresh)
    return result


def forget(name: str, station_ids: Iterable[int | None]) -> None:
    """Drop the stations' copies of `name`: now, and once the writer's transaction commits."""
    keys = [_key(name, station_id) for station_id in set(station_ids) if station_id is not None]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def register(
    name: str,
    *,
    compute: Callable[[list[int]], dict[int, Any]],
    sources: dict[Any, Callable[[Any], Iterable[int | None]]],
    m2m: Iterable[tuple[Any, Callable[[Any], Iterable[int | None]]]] = (),
) -> None:
    """`sources` maps a model to the stations one of its rows belongs to; a save or delete of a
    row drops those stations' copies. `m2m` does the same for many-to-many changes (the
    through model, and the stations of the instance whose set changed)."""
    KINDS[name] = Kind(name, compute)
    for model, stations in sources.items():

        def changed(sender: Any, instance: Any, stations: Any = stations, **kwargs: Any) -> None:
            forget(name, stations(instance))

        uid = f"cached-{name}-{model.__name__}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}-d")
    for through, stations in m2m:

        def set_changed(
            sender: Any, instance: Any, stations: Any = stations, **kwargs: Any
        ) -> None:
            if kwargs.get("action", "").startswith("post_"):
                forget(name, stations(instance))

        m2m_changed.connect(
            set_changed, sender=through, weak=False, dispatch_uid=f"cached-{name}-m2m"
        )
