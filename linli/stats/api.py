from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from pydantic import Field

from linli.accounts.access import STATS_ROLES, can_read_stats, visible_stations
from linli.accounts.schemas import ErrorOut
from linli.stats.queries import summary

router = Router(tags=["statistics"])


class SummaryOut(Schema):
    station: str | None = Field(description="the station asked for; null means all in reach")
    year: int | None
    estates: int
    buildings: int
    households: int
    residents: int
    volunteers: int = Field(description="active volunteers")
    teams: int = Field(description="volunteer teams; the troupes under a team are not counted")
    activities: int = Field(description="activities not cancelled, starting in `year` if given")
    service_hours: float = Field(
        description="hours in the ledger (reversals included), served in `year` if given"
    )
    person_times: int = Field(
        description="volunteers' person-times of service: attendance rows with hours"
    )


@router.get(
    "/summary",
    response={200: SummaryOut, 403: ErrorOut, 404: ErrorOut},
    summary="Counts for a station and everything under it, computed from rows",
)
def stats_summary(
    request: HttpRequest, station: str | None = None, year: int | None = None
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    if not can_read_stats(user):
        raise PermissionDenied
    reach = visible_stations(user, roles=STATS_ROLES)
    if station:
        root = reach.filter(code=station).first()
        if root is None:
            raise Http404("station")
        reach = reach.filter(path__startswith=root.path)
    return {"station": station, "year": year, **summary(reach.values("pk"), year=year)}
