"""`GET /api/v1/volunteers` and `GET /api/v1/volunteers/{id}` (SPEC §5), mounted beside the
registration router (`/register`, `/{id}/approve`, `/{id}/reject`).

Staff see their stations' volunteers, a team leader their teams' members, anyone else
themselves (`access.volunteers_for_user`); one outside that answers 404. The list takes the
list page's filters as query parameters.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from linli.accounts.schemas import ErrorOut
from linli.core.paging import BoundedPagination, ShapedRows
from linli.core.schemas import Code, DbId, PathId, SearchText
from linli.volunteers import access
from linli.volunteers.models import Volunteer
from linli.volunteers.queries import (
    VolunteerFilter,
    filter_volunteers,
    in_name_order,
    volunteer_items,
    volunteer_values,
)
from linli.volunteers.schemas.list import VolunteerOut

router = Router(tags=["volunteers"])


class VolunteerQuery(Schema):
    q: SearchText = Field(
        "", description="name, pinyin, pinyin initials, phone, ID number or number"
    )
    team: DbId | None = Field(None, description="a team id: its active members")
    skill: SearchText = Field("", description="text the skills contain")
    category: Code = Field("", description="a service category code (SPEC §4a)")
    status: Code = Field("active", description="a status code, or `all`")
    weekday: Code = Field("", description="mon … sun: free on that day")
    slot: Code = Field("", description="am | pm | eve: free at that time of day")


@router.get("", response=list[VolunteerOut], summary="Volunteers the caller may see")
@paginate(BoundedPagination)
def volunteer_list(request: HttpRequest, filters: Query[VolunteerQuery]) -> Any:
    criteria = VolunteerFilter.from_params(filters.dict())
    volunteers = filter_volunteers(access.volunteers_for_user(request.auth), criteria)  # type: ignore[attr-defined]
    return ShapedRows(
        volunteer_values(volunteers), volunteer_items, counted=volunteers, order=in_name_order
    )


@router.get("/{volunteer_id}", response={200: VolunteerOut, 404: ErrorOut}, summary="One volunteer")
def volunteer_detail(request: HttpRequest, volunteer_id: PathId) -> Any:
    access.get_volunteer_for_user(request.auth, volunteer_id)  # type: ignore[attr-defined]
    return volunteer_items(list(volunteer_values(Volunteer.objects.filter(pk=volunteer_id))))[0]
