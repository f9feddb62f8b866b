"""Who reads and changes a station's places (estates, buildings, grids). Built on the one gate:
anyone a station's reach covers reads them; its own staff, admin, or a supervisor administering
it change them, and only while the station is open (`accounts.access.get_station_for_places`)."""

from typing import Any

from django.http import Http404

from linli.accounts.access import get_station_for_places, station_filter
from linli.org.models import Building, Estate, Grid


def get_estate_for_user(user: Any, pk: int, *, write: bool = False) -> Estate:
    """The estate if its station is in the user's reach (for `write`: one they may change)."""
    estate = (
        Estate.objects.select_related("station")
        .filter(station_filter(user, prefix="station__"), pk=pk)
        .first()
    )
    if estate is None:
        raise Http404("estate")
    if write:
        get_station_for_places(user, estate.station.code, write=True)
    return estate


def get_building_for_user(user: Any, pk: int, *, write: bool = False) -> Building:
    building = (
        Building.objects.select_related("estate__station", "grid")
        .filter(station_filter(user, prefix="estate__station__"), pk=pk)
        .first()
    )
    if building is None:
        raise Http404("building")
    if write:
        get_station_for_places(user, building.estate.station.code, write=True)
    return building


def get_grid_for_user(user: Any, pk: int, *, write: bool = False) -> Grid:
    grid = (
        Grid.objects.select_related("station", "worker")
        .filter(station_filter(user, prefix="station__"), pk=pk)
        .first()
    )
    if grid is None:
        raise Http404("grid")
    if write:
        get_station_for_places(user, grid.station.code, write=True)
    return grid
