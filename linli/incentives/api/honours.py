"""嘉许 (SPEC §7.2): `GET|POST /api/v1/honours` `{title, year, kind}`,
`POST /honours/{id}/nominations` `{volunteer? | team? | household?, reason}`,
`POST /honours/nominations/{id}/review` `{accept}`, `POST /honours/{id}/publicize` (starts the
7-day 公示), `POST /honours/{id}/award` (after the 公示; 409 before it ends).

Staff who run the honour's station do everything; supervisors and the station's volunteers read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from linli.incentives.api.output import ERRORS, caller, honour_out, nomination_out, page
from linli.incentives.models import Honour
from linli.incentives.queries import station_nominees
from linli.incentives.schemas import (
    HonourIn,
    HonourOut,
    HonourPage,
    NominationIn,
    NominationOut,
    PathId,
    ReviewIn,
)

router = Router(tags=["honours"])


def _with_nominations() -> Any:
    return Honour.objects.select_related("station").prefetch_related("nominations")


def _answer(honour: Honour) -> dict[str, Any]:
    """The honour as it now stands, with its nominations."""
    return honour_out(_with_nominations().get(pk=honour.pk))


def _step(request: HttpRequest, honour_id: int, action: Callable[..., Honour]) -> dict[str, Any]:
    """One step of an honour (publicize, award) by staff who run its station."""
    user = caller(request)
    honour = access.get_honour_for_user(user, honour_id, write=True)
    return _answer(action(honour=honour, actor=user))


@router.get("", response={200: HonourPage, **ERRORS}, summary="Honours the caller sees")
def honour_list(request: HttpRequest, filters: Query[PageQuery]) -> dict[str, Any]:
    honours = (
        access.honours_for_user(caller(request))
        .select_related("station")
        .prefetch_related("nominations")
        .order_by("-year", "title", "id")
    )
    return page(honours, filters, honour_out)


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
    return Status(201, _answer(honour))


@router.get("/{honour_id}", response={200: HonourOut, **ERRORS}, summary="One honour")
def honour_detail(request: HttpRequest, honour_id: PathId) -> Any:
    return _answer(access.get_honour_for_user(caller(request), honour_id))


@router.post(
    "/{honour_id}/nominations",
    response={201: NominationOut, **ERRORS},
    summary="提名: one volunteer, team or household of the station, with a reason",
)
def nominate(request: HttpRequest, honour_id: PathId, payload: NominationIn) -> Any:
    user = caller(request)
    honour = access.get_honour_for_user(user, honour_id, write=True)
    chosen = station_nominees(
        honour.station_id,
        {"volunteer": payload.volunteer, "team": payload.team, "household": payload.household},
    )
    nomination = nomination_create(honour=honour, reason=payload.reason, actor=user, **chosen)
    return Status(201, nomination_out(nomination))


@router.post(
    "/nominations/{nomination_id}/review",
    response={200: NominationOut, **ERRORS},
    summary="审核 a nomination (staff)",
)
def review(request: HttpRequest, nomination_id: PathId, payload: ReviewIn) -> Any:
    user = caller(request)
    nomination = access.get_nomination_for_user(user, nomination_id)
    return nomination_out(
        nomination_review(nomination=nomination, accept=payload.accept, actor=user)
    )


@router.post(
    "/{honour_id}/publicize",
    response={200: HonourOut, **ERRORS},
    summary="公示: the accepted nominees on the station's public page for 7 days",
)
def publicize(request: HttpRequest, honour_id: PathId) -> Any:
    return _step(request, honour_id, honour_publicize)


@router.post(
    "/{honour_id}/award",
    response={200: HonourOut, **ERRORS},
    summary="授予 after the 公示 (409 `notice_running` before it ends)",
)
def award(request: HttpRequest, honour_id: PathId) -> Any:
    return _step(request, honour_id, honour_award)
