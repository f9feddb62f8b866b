"""Every change to the station tree and to a station's places (estates, buildings, grids).

Contract: each function is one transaction; a station whose tree position changes is re-read
with `select_for_update`; the tree only descends 中心 → 所 → 站; a closed station keeps its
records and takes no new children or places; every change writes one audit row. Who may call
them is decided by the gate (`accounts.access.get_administered_station`,
`get_station_for_places`); `actor` None is the system (the demo seed, commands).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core.errors import DomainError
from linli.org.models import Building, Estate, Grid, Station

# A child's kind must sit below its parent's: 中心 → 所 → 站.
ALLOWED_CHILD_KINDS = {
    None: {Station.Kind.CENTER},
    Station.Kind.CENTER: {Station.Kind.INSTITUTE, Station.Kind.STATION},
    Station.Kind.INSTITUTE: {Station.Kind.STATION},
    Station.Kind.STATION: set(),
}


class StationTreeError(DomainError, ValueError):
    """A change the tree refuses: a kind in the wrong place, a cycle, a closed parent."""

    status = 409

    def __init__(self, message: str, *, code: str = "station_tree") -> None:
        super().__init__(code, message)


def _check_place(kind: str, parent: Station | None) -> None:
    parent_kind = Station.Kind(parent.kind) if parent else None
    if kind not in ALLOWED_CHILD_KINDS[parent_kind]:
        raise StationTreeError(
            _("%(kind)s不能设在%(parent)s之下。")
            % {
                "kind": Station.Kind(kind).label,
                "parent": parent.name if parent else _("顶层"),
            }
        )
    if parent is not None and parent.is_closed:
        raise StationTreeError(_("上级站点已关闭。"), code="station_closed")


@transaction.atomic
def station_create(
    *, code: str, name: str, kind: str, parent: Station | None, actor: object | None
) -> Station:
    """Create a station under `parent`; its `path` is the parent's path plus its own code.

    Invariant: the tree only descends 中心 → 所 → 站, and every path is unique.
    """
    if kind not in Station.Kind.values:
        raise ValidationError({"kind": [_("层级无效。")]})
    _check_place(kind, parent)
    station = Station(
        code=code,
        name=name.strip(),
        kind=kind,
        parent=parent,
        path=f"{parent.path if parent else '/'}{code}/",
    )
    station.full_clean()
    try:
        with transaction.atomic():
            station.save()
    except IntegrityError as error:
        raise StationTreeError(_("编码已被使用。"), code="code_taken") from error
    audit_record(
        actor=actor,
        action="station.create",
        target=station,
        station=station,
        after={"code": code, "name": name, "kind": kind, "parent": parent.code if parent else None},
    )
    return station


def _locked(station: Station) -> Station:
    return Station.objects.select_for_update().get(pk=station.pk)


@transaction.atomic
def station_rename(*, station: Station, name: str, actor: Any) -> Station:
    """Give a station a new name; its code (and so every link to it) stays."""
    station = _locked(station)
    before = station.name
    station.name = name.strip()
    station.full_clean(exclude=["path", "parent"])
    station.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="station.rename",
        target=station,
        station=station,
        before={"name": before},
        after={"name": station.name},
    )
    return station


@transaction.atomic
def station_move(*, station: Station, parent: Station, actor: Any) -> Station:
    """Put a station (with its whole subtree) under another parent.

    Invariant: the kind still fits under the new parent, a station never goes under itself or
    its own descendants, and every path in the subtree is rewritten in this transaction, so reach
    (a path prefix) follows the move at once.
    """
    station = _locked(station)
    parent = _locked(parent)
    if parent.path.startswith(station.path):
        raise StationTreeError(_("不能把站点移到它自己或它的下级之下。"), code="station_cycle")
    _check_place(station.kind, parent)
    old_path = station.path
    new_path = f"{parent.path}{station.code}/"
    before = station.parent.code if station.parent else None
    subtree = list(
        Station.objects.select_for_update().filter(path__startswith=old_path).order_by("path")
    )
    for node in subtree:
        node.path = new_path + node.path[len(old_path) :]
        if node.pk == station.pk:
            node.parent = parent
    Station.objects.bulk_update(subtree, ["path", "parent"])
    station.refresh_from_db()
    audit_record(
        actor=actor,
        action="station.move",
        target=station,
        station=station,
        before={"parent": before, "path": old_path},
        after={"parent": parent.code, "path": new_path},
    )
    return station


@transaction.atomic
def station_close(*, station: Station, actor: Any, now: Any = None) -> Station:
    """Close a station: its records stay, read-only; the gate refuses every new write to it.

    Invariant: a station with open stations under it is not closed (close those first).
    """
    station = _locked(station)
    if station.is_closed:
        raise StationTreeError(_("站点已经关闭。"), code="already_closed")
    if Station.objects.filter(parent=station, closed_at__isnull=True).exists():
        raise StationTreeError(_("请先关闭下级站点。"), code="open_children")
    station.closed_at = now or timezone.now()
    station.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        action="station.close",
        target=station,
        station=station,
        after={"closed_at": station.closed_at.isoformat()},
    )
    return station


@transaction.atomic
def station_reopen(*, station: Station, actor: Any) -> Station:
    """Open a closed station again (under an open parent): writes are taken again."""
    station = _locked(station)
    if not station.is_closed:
        raise StationTreeError(_("站点没有关闭。"), code="not_closed")
    if station.parent is not None and station.parent.is_closed:
        raise StationTreeError(_("上级站点已关闭。"), code="station_closed")
    before = station.closed_at
    station.closed_at = None
    station.save(update_fields=["closed_at"])
    audit_record(
        actor=actor,
        action="station.reopen",
        target=station,
        station=station,
        before={"closed_at": before.isoformat() if before else None},
    )
    return station


@transaction.atomic
def station_set_delegation(*, station: Station, delegates: bool, actor: Any) -> Station:
    """Whether this station's supervisors administer the stations under it (admin decides)."""
    station = _locked(station)
    before = station.delegates_administration
    station.delegates_administration = delegates
    station.save(update_fields=["delegates_administration"])
    audit_record(
        actor=actor,
        action="station.delegation",
        target=station,
        station=station,
        before={"delegates_administration": before},
        after={"delegates_administration": delegates},
    )
    return station


# --- estates, buildings, grids ------------------------------------------------------------------


def _refuse_closed(station: Station) -> None:
    if station.is_closed:
        raise StationTreeError(_("站点已关闭，不能再添加或修改。"), code="station_closed")


def _save_unique(instance: Any, field: str, message: str) -> None:
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:  # a concurrent twin passed full_clean at the same moment
        raise ValidationError({field: [message]}) from error


@transaction.atomic
def estate_save(
    *,
    station: Station,
    name: str,
    address: str = "",
    actor: Any,
    estate: Estate | None = None,
) -> Estate:
    """Add an estate (小区) to a station, or rename one; names are unique per station."""
    _refuse_closed(station)
    if estate is None:
        estate = Estate(station=station)
    elif estate.station_id != station.pk:
        raise ValidationError({"estate": [_("小区不属于这个站点。")]})
    before = {"name": estate.name, "address": estate.address} if estate.pk else None
    estate.name = name.strip()
    estate.address = address.strip()
    _save_unique(estate, "name", _("本站已有同名小区。"))
    audit_record(
        actor=actor,
        action="estate.save",
        target=estate,
        station=station,
        before=before,
        after={"name": estate.name, "address": estate.address},
    )
    return estate


@transaction.atomic
def grid_save(
    *, station: Station, name: str, worker: Any = None, actor: Any, grid: Grid | None = None
) -> Grid:
    """Add a grid (网格) to a station or change its name and grid worker."""
    _refuse_closed(station)
    if grid is None:
        grid = Grid(station=station)
    elif grid.station_id != station.pk:
        raise ValidationError({"grid": [_("网格不属于这个站点。")]})
    before = {"name": grid.name, "worker": grid.worker_id} if grid.pk else None
    grid.name = name.strip()
    grid.worker = worker
    _save_unique(grid, "name", _("本站已有同名网格。"))
    audit_record(
        actor=actor,
        action="grid.save",
        target=grid,
        station=station,
        before=before,
        after={"name": grid.name, "worker": grid.worker_id},
    )
    return grid


@transaction.atomic
def building_save(
    *,
    estate: Estate,
    number: str,
    unit_count: int = 1,
    floors: int = 6,
    grid: Grid | None = None,
    actor: Any,
    building: Building | None = None,
) -> Building:
    """Add a building (楼栋) to an estate or change it; its grid must be of the same station."""
    station = estate.station
    _refuse_closed(station)
    if grid is not None and grid.station_id != station.pk:
        raise ValidationError({"grid": [_("只能选择本站的网格。")]})
    if not 1 <= unit_count <= 50:
        raise ValidationError({"unit_count": [_("单元数应在 1 到 50 之间。")]})
    if not 1 <= floors <= 200:
        raise ValidationError({"floors": [_("层数应在 1 到 200 之间。")]})
    if building is None:
        building = Building(estate=estate)
    elif building.estate_id != estate.pk:
        raise ValidationError({"building": [_("楼栋不属于这个小区。")]})
    before = (
        {"number": building.number, "units": building.unit_count, "floors": building.floors}
        if building.pk
        else None
    )
    building.number = number.strip()
    building.unit_count = unit_count
    building.floors = floors
    building.grid = grid
    _save_unique(building, "number", _("这个小区已有这个楼栋号。"))
    audit_record(
        actor=actor,
        action="building.save",
        target=building,
        station=station,
        before=before,
        after={"number": building.number, "units": unit_count, "floors": floors},
    )
    return building


@transaction.atomic
def station_update(
    *,
    station: Station,
    actor: Any,
    name: str | None = None,
    parent: Station | None = None,
    closed: bool | None = None,
    delegates: bool | None = None,
) -> Station:
    """One PATCH of a station, all or nothing: rename, move, delegate, then close or reopen."""
    if delegates is not None and delegates != station.delegates_administration:
        station = station_set_delegation(station=station, delegates=delegates, actor=actor)
    if name is not None and name.strip() != station.name:
        station = station_rename(station=station, name=name, actor=actor)
    if parent is not None and parent.pk != station.parent_id:
        station = station_move(station=station, parent=parent, actor=actor)
    if closed is True and not station.is_closed:
        station = station_close(station=station, actor=actor)
    if closed is False and station.is_closed:
        station = station_reopen(station=station, actor=actor)
    return station


@transaction.atomic
def station_staff_add(
    *, station: Station, phone: str, name: str, password: str | None, actor: Any
) -> Any:
    """Give a station a social worker (站点社工): a new account, or an existing one by its phone,
    granted `station_staff` at the station. Onboarding's first step."""
    from linli.accounts.actions import role_grant, user_create
    from linli.accounts.models import Role, User
    from linli.core.phone import normalize_phone

    _refuse_closed(station)
    user = User.objects.filter(phone=normalize_phone(phone)).first()
    if user is None:
        if not password:
            raise ValidationError({"password": [_("新账号须设初始密码。")]})
        user = user_create(phone=phone, password=password, name=name, actor=actor)
    role_grant(user=user, role=Role.STATION_STAFF, station=station, actor=actor)
    return user
