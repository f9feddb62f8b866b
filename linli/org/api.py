from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from linli.accounts import access
from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination
from linli.org.models import Station

router = Router(tags=["stations"])


class StationDetail(Schema):
    code: str
    name: str
    kind: str
    parent: str | None
    path: list[str]

    @staticmethod
    def resolve_parent(station: Station) -> str | None:
        return station.ancestor_codes[-1] if station.ancestor_codes else None

    @staticmethod
    def resolve_path(station: Station) -> list[str]:
        return station.path.strip("/").split("/")


@router.get("", response=list[StationDetail], summary="Stations the caller's roles reach")
@paginate(BoundedPagination)
def station_list(request: HttpRequest) -> QuerySet[Station]:
    return access.visible_stations(request.auth)  # type: ignore[attr-defined]


@router.get("/{code}", response={200: StationDetail, 404: ErrorOut}, summary="One station")
def station_detail(request: HttpRequest, code: str) -> Station:
    return access.get_station_for_user(request.auth, code)  # type: ignore[attr-defined]
