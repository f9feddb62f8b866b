"""Stations API (SPEC §7.2), mounted at /api/v1/stations and /api/v1/estates.

Reading follows reach (anyone sees the stations their roles reach); the tree is changed by admin,
or by a supervisor whose station delegates administration, for the stations below it; estates,
buildings and grids by the station's own staff as well. A closed station reads but takes no
writes. Every check is in `accounts.access` and `org.access`.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from linli.accounts import access
from linli.accounts.models import RoleAssignment, User
from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination
from linli.core.schemas import Code, PathId
from linli.org import access as org_access
from linli.org import actions
from linli.org.models import Building, Estate, Grid, Station
from linli.org.schemas import (
    BuildingIn,
    BuildingOut,
    BuildingPatch,
    EstateIn,
    EstateOut,
    EstatePatch,
    GridIn,
    GridOut,
    GridPatch,
    StationDetail,
    StationIn,
    StationPatch,
)

router = Router(tags=["stations"])
estates_router = Router(tags=["stations"])

WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _parent_for(user: Any, code: str) -> Station:
    """A parent the user may place stations under; anything else is a field error."""
    parent = access.parent_choices(user).filter(code=code).first()
    if parent is None:
        raise ValidationError({"parent": [_("上级站点不存在、已关闭或不由您管理。")]})
    return parent


@router.get("", response=list[StationDetail], summary="Stations the caller's roles reach")
@paginate(BoundedPagination)
def station_list(request: HttpRequest) -> QuerySet[Station]:
    return access.visible_stations(request.auth)  # type: ignore[attr-defined]


@router.post(
    "",
    response={201: StationDetail, **WRITE_ERRORS},
    summary="Create a 中心, 所 or 站 (admin; a delegating supervisor below their station)",
)
def station_create(request: HttpRequest, payload: StationIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not access.can_administer_stations(user):
        raise PermissionDenied("stations")
    parent = None
    if payload.parent:
        parent = _parent_for(user, payload.parent)
    elif not access.is_admin(user):
        raise ValidationError({"parent": [_("请选择上级站点。")]})
    station = actions.station_create(
        code=payload.code, name=payload.name, kind=payload.kind, parent=parent, actor=user
    )
    return Status(201, station)


@router.get("/{code}", response={200: StationDetail, 404: ErrorOut}, summary="One station")
def station_detail(request: HttpRequest, code: Code) -> Station:
    return access.get_station_for_user(request.auth, code)  # type: ignore[attr-defined]


@router.patch(
    "/{code}",
    response={200: StationDetail, **WRITE_ERRORS},
    summary="Rename, move, close or reopen a station (admin; a delegating supervisor below)",
)
def station_patch(request: HttpRequest, code: Code, payload: StationPatch) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    station = access.get_administered_station(user, code)
    if payload.delegates_administration is not None and not access.is_admin(user):
        raise PermissionDenied("delegation")
    parent = _parent_for(user, payload.parent) if payload.parent else None
    return actions.station_update(
        station=station,
        actor=user,
        name=payload.name,
        parent=parent,
        closed=payload.closed,
        delegates=payload.delegates_administration,
    )


# --- estates and grids of a station ------------------------------------------------------------


@router.get(
    "/{code}/estates",
    response={200: list[EstateOut], 404: ErrorOut},
    summary="Estates (小区) of a station",
)
@paginate(BoundedPagination)
def estate_list(request: HttpRequest, code: Code) -> QuerySet[Estate]:
    station = access.get_station_for_user(request.auth, code)  # type: ignore[attr-defined]
    return (
        Estate.objects.filter(station=station)
        .select_related("station")
        .annotate(building_count=Count("buildings"))
        .order_by("name", "pk")
    )


@router.post(
    "/{code}/estates",
    response={201: EstateOut, **WRITE_ERRORS},
    summary="Add an estate to a station (its staff, admin, an administering supervisor)",
)
def estate_create(request: HttpRequest, code: Code, payload: EstateIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    station = access.get_station_for_places(user, code, write=True)
    estate = actions.estate_save(
        station=station, name=payload.name, address=payload.address, actor=user
    )
    return Status(201, estate)


@router.get(
    "/{code}/grids", response={200: list[GridOut], 404: ErrorOut}, summary="Grids of a station"
)
@paginate(BoundedPagination)
def grid_list(request: HttpRequest, code: Code) -> QuerySet[Grid]:
    station = access.get_station_for_user(request.auth, code)  # type: ignore[attr-defined]
    return Grid.objects.filter(station=station).order_by("name", "pk")


def _grid_worker(station: Station, worker_id: int | None) -> User | None:
    if worker_id is None:
        return None
    held = RoleAssignment.objects.filter(user_id=worker_id, station=station).exists()
    if not held:
        raise ValidationError({"worker": [_("网格员须在本站有角色。")]})
    return User.objects.get(pk=worker_id)


@router.post(
    "/{code}/grids",
    response={201: GridOut, **WRITE_ERRORS},
    summary="Add a grid to a station",
)
def grid_create(request: HttpRequest, code: Code, payload: GridIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    station = access.get_station_for_places(user, code, write=True)
    grid = actions.grid_save(
        station=station, name=payload.name, worker=_grid_worker(station, payload.worker), actor=user
    )
    return Status(201, grid)


@router.patch(
    "/{code}/grids/{grid_id}",
    response={200: GridOut, **WRITE_ERRORS},
    summary="Rename a grid or change its grid worker",
)
def grid_patch(request: HttpRequest, code: Code, grid_id: PathId, payload: GridPatch) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    grid = org_access.get_grid_for_user(user, grid_id, write=True)
    if grid.station.code != code:
        raise Http404("grid")
    fields = payload.dict(exclude_unset=True)
    worker = _grid_worker(grid.station, fields["worker"]) if "worker" in fields else grid.worker
    return actions.grid_save(
        station=grid.station,
        name=payload.name if payload.name is not None else grid.name,
        worker=worker,
        actor=user,
        grid=grid,
    )


# --- /api/v1/estates/{id} and its buildings ---------------------------------------------------


@estates_router.patch(
    "/{estate_id}", response={200: EstateOut, **WRITE_ERRORS}, summary="Rename an estate"
)
def estate_patch(request: HttpRequest, estate_id: PathId, payload: EstatePatch) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    estate = org_access.get_estate_for_user(user, estate_id, write=True)
    estate = actions.estate_save(
        station=estate.station,
        name=payload.name if payload.name is not None else estate.name,
        address=payload.address if payload.address is not None else estate.address,
        actor=user,
        estate=estate,
    )
    estate.building_count = estate.buildings.count()  # type: ignore[attr-defined]
    return estate


@estates_router.get(
    "/{estate_id}/buildings",
    response={200: list[BuildingOut], 404: ErrorOut},
    summary="Buildings (楼栋) of an estate",
)
@paginate(BoundedPagination)
def building_list(request: HttpRequest, estate_id: PathId) -> QuerySet[Building]:
    estate = org_access.get_estate_for_user(request.auth, estate_id)  # type: ignore[attr-defined]
    return Building.objects.filter(estate=estate).order_by("number", "pk")


def _grid_of(station: Station, grid_id: int | None) -> Grid | None:
    if grid_id is None:
        return None
    grid = Grid.objects.filter(pk=grid_id, station=station).first()
    if grid is None:
        raise ValidationError({"grid": [_("只能选择本站的网格。")]})
    return grid


@estates_router.post(
    "/{estate_id}/buildings",
    response={201: BuildingOut, **WRITE_ERRORS},
    summary="Add a building to an estate",
)
def building_create(request: HttpRequest, estate_id: PathId, payload: BuildingIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    estate = org_access.get_estate_for_user(user, estate_id, write=True)
    building = actions.building_save(
        estate=estate,
        number=payload.number,
        unit_count=payload.unit_count,
        floors=payload.floors,
        grid=_grid_of(estate.station, payload.grid),
        actor=user,
    )
    return Status(201, building)


@estates_router.patch(
    "/{estate_id}/buildings/{building_id}",
    response={200: BuildingOut, **WRITE_ERRORS},
    summary="Change a building: number, units, floors, grid",
)
def building_patch(
    request: HttpRequest, estate_id: PathId, building_id: PathId, payload: BuildingPatch
) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    building = org_access.get_building_for_user(user, building_id, write=True)
    if building.estate_id != estate_id:
        raise Http404("building")
    fields = payload.dict(exclude_unset=True)
    grid = _grid_of(building.estate.station, fields["grid"]) if "grid" in fields else building.grid
    return actions.building_save(
        estate=building.estate,
        number=payload.number if payload.number is not None else building.number,
        unit_count=payload.unit_count if payload.unit_count is not None else building.unit_count,
        floors=payload.floors if payload.floors is not None else building.floors,
        grid=grid,
        actor=user,
        building=building,
    )
