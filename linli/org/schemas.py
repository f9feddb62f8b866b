"""Schemas of the stations API (SPEC §7.2: `GET|POST /api/v1/stations`, `GET|PATCH
/api/v1/stations/{code}`, `/api/v1/stations/{code}/estates`, `/api/v1/estates/{id}/buildings`)."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from linli.core.schemas import DbId, LocalDateTime, NoNulStr
from linli.org.models import Building, Station

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]*$"


class StationDetail(Schema):
    code: str
    name: str
    kind: str
    parent: str | None
    path: list[str]
    closed: bool = Field(description="A closed station keeps its records read-only.")
    closed_at: LocalDateTime | None
    delegates_administration: bool = Field(
        description="Its supervisors create, rename, move and close the stations under it."
    )

    @staticmethod
    def resolve_parent(station: Station) -> str | None:
        return station.ancestor_codes[-1] if station.ancestor_codes else None

    @staticmethod
    def resolve_path(station: Station) -> list[str]:
        return station.path.strip("/").split("/")

    @staticmethod
    def resolve_closed(station: Station) -> bool:
        return station.is_closed


class StationIn(Schema):
    code: NoNulStr = Field(min_length=1, max_length=32, pattern=CODE_PATTERN)
    name: NoNulStr = Field(min_length=1, max_length=100)
    kind: Literal["center", "institute", "station"]
    parent: NoNulStr | None = Field(default=None, max_length=32)


class StationPatch(Schema):
    """Every field optional: rename, move (a new parent's code), close or reopen, delegate."""

    name: NoNulStr | None = Field(default=None, min_length=1, max_length=100)
    parent: NoNulStr | None = Field(default=None, max_length=32)
    closed: bool | None = None
    delegates_administration: bool | None = Field(default=None, description="Admin only.")


class EstateOut(Schema):
    id: int
    station: str = Field(description="Station code.")
    name: str
    address: str
    building_count: int

    @staticmethod
    def resolve_station(estate: object) -> str:
        return estate.station.code  # type: ignore[attr-defined]

    @staticmethod
    def resolve_building_count(estate: object) -> int:
        return getattr(estate, "building_count", 0)


class EstateIn(Schema):
    name: NoNulStr = Field(min_length=1, max_length=50)
    address: NoNulStr = Field(default="", max_length=200)


class EstatePatch(Schema):
    name: NoNulStr | None = Field(default=None, min_length=1, max_length=50)
    address: NoNulStr | None = Field(default=None, max_length=200)


class BuildingOut(Schema):
    id: int
    estate: int
    number: str
    unit_count: int
    floors: int
    grid: int | None

    @staticmethod
    def resolve_estate(building: Building) -> int:
        return building.estate_id

    @staticmethod
    def resolve_grid(building: Building) -> int | None:
        return building.grid_id


class BuildingIn(Schema):
    number: NoNulStr = Field(min_length=1, max_length=20)
    unit_count: int = Field(default=1, ge=1, le=50)
    floors: int = Field(default=6, ge=1, le=200)
    grid: DbId | None = None


class BuildingPatch(Schema):
    number: NoNulStr | None = Field(default=None, min_length=1, max_length=20)
    unit_count: int | None = Field(default=None, ge=1, le=50)
    floors: int | None = Field(default=None, ge=1, le=200)
    grid: DbId | None = None


class GridOut(Schema):
    id: int
    name: str
    worker: int | None = Field(description="The grid worker's user id.")

    @staticmethod
    def resolve_worker(grid: object) -> int | None:
        return grid.worker_id  # type: ignore[attr-defined]


class GridIn(Schema):
    name: NoNulStr = Field(min_length=1, max_length=50)
    worker: DbId | None = Field(default=None, description="A user holding a role at the station.")


class GridPatch(Schema):
    name: NoNulStr | None = Field(default=None, min_length=1, max_length=50)
    worker: DbId | None = Field(default=None, description="A user holding a role at the station.")
