"""嘉许 (SPEC §7.2): `GET|POST /api/v1/honours` `{title, year, kind}`,
`POST /honours/{id}/nominations` `{volunteer? | team? | household?, reason}`,
`POST /honours/nominations/{id}/review` `{accept}`, `POST /honours/{id}/publicize` (starts the
7-day 公示), `POST /honours/{id}/award` (after the 公示; 409 before it ends).

Staff who run the honour's station do everything; supervisors and the station's volunteers read.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from linli.core.schemas import PageQuery
from linli.incentives import access
from linli.incentives.actions.honours import (
    honour_award,
    honour_create,
    honour_publicize,
    nomination_create,
    nomination_review,
)
from linli.incentives.api.output import ERRORS, caller, honour_out
from linli.incentives.schemas import (
    HonourIn,
    HonourOut,
    HonourPage,
    NominationIn,
    NominationOut,
    PathId,
    ReviewIn,
)
from linli.people.models import Household
from linli.teams.models import Team
from linli.volunteers.models import Volunteer

router = Router(tags=["honours"])


def _reload(pk: int) -> Any:
    from linli.incentives.models import Honour

    return Honour.objects.select_related("station").prefetch_related("nominations").get(pk=pk)


@router.get("", response={200: HonourPage, **ERRORS}, summary="Honours the caller sees")
def honour_list(request: HttpRequest, filters: Query[PageQuery]) -> dict[str, Any]:
    honours = (
        access.honours_for_user(caller(request))
        .select_related("station")
        .prefetch_related("nominations")
        .order_by("-year", "title", "id")
    )
    rows = list(honours[filters.offset : filters.offset + filters.limit])
    return {"items": [honour_out(row) for row in rows], "count": honours.count()}


@router.post("", response={201: HonourOut, **ERRORS}, summary="A yearly honour (staff)")
def honour_add(request: HttpRequest, payload: HonourIn) -> Any:
    user = caller(request)
    station = access.get_run_station(user, payload.station)
    honour = honour_create(
        station=station,
        title=payload.title,
        year=payload.year,
        kind=payload.kind,
        granted_by=payload.granted_by,
        actor=user,
    )
    return Status(201, honour_out(_reload(honour.pk)))


@router.get("/{honour_id}", response={200: HonourOut, **ERRORS}, summary="One honour")
def honour_detail(request: HttpRequest, honour_id: PathId) -> Any:
    honour = access.get_honour_for_user(caller(request), honour_id)
    return honour_out(_reload(honour.pk))


@router.post(
    "/{honour_id}/nominations",
    response={201: NominationOut, **ERRORS},
    summary="提名: one volunteer, team or household of the station, with a reason",
)
def nominate(request: HttpRequest, honour_id: PathId, payload: NominationIn) -> Any:
    user = caller(request)
    honour = access.get_honour_for_user(user, honour_id, write=True)
    at = {"station_id": honour.station_id}
    chosen: dict[str, Any] = {}
    if payload.volunteer is not None:
        chosen["volunteer"] = (
            Volunteer.objects.select_related("person").filter(pk=payload.volunteer, **at).first()
        )
    if payload.team is not None:
        chosen["team"] = Team.objects.filter(pk=payload.team, **at).first()
    if payload.household is not None:
        chosen["household"] = Household.objects.filter(pk=payload.household, **at).first()
    for name, value in chosen.items():
        if value is None:
            raise ValidationError({name: ["本站没有这个对象。"]})
    nomination = nomination_create(honour=honour, reason=payload.reason, actor=user, **chosen)
    return Status(
        201,
        {
            "id": nomination.pk,
            "name": nomination.display_name,
            "volunteer": nomination.volunteer_id,
            "team": nomination.team_id,
            "household": nomination.household_id,
            "reason": nomination.reason,
            "status": nomination.status,
        },
    )


@router.post(
    "/nominations/{nomination_id}/review",
    response={200: NominationOut, **ERRORS},
    summary="审核 a nomination (staff)",
)
def review(request: HttpRequest, nomination_id: PathId, payload: ReviewIn) -> Any:
    user = caller(request)
    nomination = access.get_nomination_for_user(user, nomination_id)
    done = nomination_review(nomination=nomination, accept=payload.accept, actor=user)
    return {
        "id": done.pk,
        "name": done.display_name,
        "volunteer": done.volunteer_id,
        "team": done.team_id,
        "household": done.household_id,
        "reason": done.reason,
        "status": done.status,
    }


@router.post(
    "/{honour_id}/publicize",
    response={200: HonourOut, **ERRORS},
    summary="公示: the accepted nominees on the station's public page for 7 days",
)
def publicize(request: HttpRequest, honour_id: PathId) -> Any:
    user = caller(request)
    honour = access.get_honour_for_user(user, honour_id, write=True)
    honour_publicize(honour=honour, actor=user)
    return honour_out(_reload(honour.pk))


@router.post(
    "/{honour_id}/award",
    response={200: HonourOut, **ERRORS},
    summary="授予 after the 公示 (409 `notice_running` before it ends)",
)
def award(request: HttpRequest, honour_id: PathId) -> Any:
    user = caller(request)
    honour = access.get_honour_for_user(user, honour_id, write=True)
    honour_award(honour=honour, actor=user)
    return honour_out(_reload(honour.pk))
