from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from pydantic import Field

from linli.accounts.access import STATS_ROLES, can_read_stats, visible_stations
from linli.accounts.schemas import ErrorOut
from linli.core.schemas import Year
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
    requests: int = Field(
        description="service requests (群众点单) of every status; this and every request "
        "figure below count the requests submitted in `year`, if given"
    )
    requests_by_status: dict[str, int] = Field(
        description="service requests by status code (submitted, dispatched, accepted, "
        "in_service, completed, rated, rejected, cancelled); every code is present, zeros "
        "included"
    )
    requests_by_category: dict[str, int] = Field(
        description="service requests by service category code (SPEC §4a), most asked first; "
        "only categories with requests"
    )
    median_minutes_to_dispatch: float | None = Field(
        description="median minutes from submission to the first dispatch; null when none "
        "was dispatched"
    )
    median_minutes_to_accept: float | None = Field(
        description="median minutes from the dispatch a volunteer took (the latest, after a "
        "re-dispatch) to its acceptance; null when none was accepted"
    )
    median_minutes_to_complete: float | None = Field(
        description="median minutes from submission to completion, over completed and rated "
        "requests; null when none is completed"
    )
    satisfaction_rate: float | None = Field(
        description="share (0–1) of rated requests scored 4 满意 or 5 非常满意, by each "
        "request's latest rating; null when none is rated"
    )
    rated_count: int = Field(description="service requests with a rating")
    elders: int = Field(
        description="residents aged 60 and over living at the stations, each with a care "
        "profile (银龄关爱); not narrowed by `year`"
    )
    daycare_person_times: int = Field(
        description="day-care person-times (人次): distinct person and day at each centre, "
        "counted from check-ins, in `year` if given"
    )
    disabled_served: int = Field(
        description="disabled residents the disabled day-care centres served: members admitted "
        "(in `year` if given: whose membership overlapped it)"
    )
    open_followups: int = Field(
        description="follow-ups (回访) of ratings of 2 or less that are not closed yet"
    )
    meals_served: int = Field(
        description="meals served by the canteen (银龄爱心食堂), delivered ones included: "
        "served orders, of `year` if given"
    )


@router.get(
    "/summary",
    response={200: SummaryOut, 403: ErrorOut, 404: ErrorOut},
    summary="Counts for a station and everything under it, computed from rows",
)
def stats_summary(
    request: HttpRequest, station: str | None = None, year: Year | None = None
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
