from django.db import transaction

from linli.audit.actions import audit_record
from linli.org.models import Station

# A child's kind must sit below its parent's: 中心 → 所 → 站.
ALLOWED_CHILD_KINDS = {
    None: {Station.Kind.CENTER},
    Station.Kind.CENTER: {Station.Kind.INSTITUTE, Station.Kind.STATION},
    Station.Kind.INSTITUTE: {Station.Kind.STATION},
    Station.Kind.STATION: set(),
}


class StationTreeError(ValueError):
    pass


@transaction.atomic
def station_create(
    *, code: str, name: str, kind: str, parent: Station | None, actor: object | None
) -> Station:
    """Create a station under `parent`; its `path` is the parent's path plus its own code.

    Invariant: the tree only descends 中心 → 所 → 站, and every path is unique.
    """
    parent_kind = Station.Kind(parent.kind) if parent else None
    if kind not in ALLOWED_CHILD_KINDS[parent_kind]:
        raise StationTreeError(f"a {kind} cannot sit under {parent_kind or 'the root'}")
    station = Station(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        path=f"{parent.path if parent else '/'}{code}/",
    )
    station.full_clean()
    station.save()
    audit_record(
        actor=actor,
        action="station.create",
        target=station,
        station=station,
        after={"code": code, "name": name, "kind": kind, "parent": parent.code if parent else None},
    )
    return station
