"""Service menu and service requests API (SPEC §5), mounted at /api/v1/service-menu and
/api/v1/service-requests.

Reach follows linli.assistance.access: a request outside it answers 404; one the caller sees but
may not act on answers 403 (the action asks the gate itself); a move the state forbids, 409.
Every write calls linli.assistance.actions, the same functions the pages call. The actions on
one request (dispatch … reopen, follow-up, photos, suggestions) live in api/actions.py and are
mounted on the same router.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from linli.accounts.access import visible_stations
from linli.accounts.schemas import ErrorOut
from linli.assistance import access
from linli.assistance.actions import RequestInput, request_submit
from linli.assistance.api.actions import router as actions_router
from linli.assistance.api.output import ERRORS, caller, reload, request_out
from linli.assistance.menus import station_menus
from linli.assistance.models import Channel, ServiceRequest
from linli.assistance.paste import parse_message
from linli.assistance.schemas import (
    AddressIn,
    ParseIn,
    ParseOut,
    RequestIn,
    RequestOut,
    RequestQuery,
    RequestSummaryOut,
    ServiceMenuOut,
    ServiceMenuQuery,
)
from linli.core.paging import BoundedPagination
from linli.core.schemas import PathId
from linli.org.models import Station
from linli.people.actions.checks import AddressBook, AddressInput, normalize_address

# by_alias: a timeline step's `from` and `to` are Python keywords, aliased in the schema.
requests_router = Router(tags=["service requests"], by_alias=True)
menu_router = Router(tags=["service menu"])
requests_router.add_router("", actions_router)

# Staff entering a request for someone: the caller does not follow it.
ON_BEHALF = frozenset({Channel.PHONE, Channel.VISIT, Channel.WECHAT})


# --- the menu -------------------------------------------------------------------------------------


@menu_router.get("", response=ServiceMenuOut, summary="The service menus of the caller's stations")
def service_menu(request: HttpRequest, filters: Query[ServiceMenuQuery]) -> Any:
    """Active categories and items, from each station's cached copy (linli.assistance.menus)."""
    stations = access.menu_stations_for_user(caller(request))
    if filters.station:
        stations = stations.filter(code=filters.station)
    items = station_menus(list(stations.order_by("pk").values_list("pk", flat=True)))
    return {"items": items, "count": len(items)}


# --- posting a request ----------------------------------------------------------------------------


def _submit_station(user: Any, code: str | None) -> Station:
    """Where the caller posts: the named station if they may post there (else 404), or their
    only one."""
    candidates = access.submit_stations(user)
    if code:
        station = candidates.filter(code=code).first()
        if station is None:
            raise Http404("station")
        return station
    found = list(candidates[:2])
    if not found:
        raise PermissionDenied
    if len(found) > 1:
        raise ValidationError({"station": [_("请用 station 指明在哪个站点点单。")]})
    return found[0]


def _resident_id(
    user: Any, payload: RequestIn, station: Station, *, staff: bool, channel: str
) -> int | None:
    """Staff name anyone of the station (the action checks the station); a resident names only
    themselves, and posting on the web at their own station, is themselves by default."""
    if staff:
        return payload.resident
    own = getattr(user, "resident", None)
    if payload.resident is not None:
        if own is None or payload.resident != own.pk:
            raise ValidationError({"resident": [_("只能为自己点单，或不填服务对象。")]})
        return payload.resident
    if own is not None and own.station_id == station.pk and channel == Channel.WEB:
        return int(own.pk)
    return None


def _address(station: Station, address: AddressIn | None) -> dict[str, Any]:
    """The RequestInput address fields: estate name + building number resolved to a building of
    the station (422 if it has none such), or the free text."""
    if address is None:
        return {}
    fields: dict[str, Any] = {"address_text": address.text.strip()}
    if not (address.estate.strip() or address.building.strip()):
        return fields
    wanted = normalize_address(
        AddressInput(address.estate, address.building, address.unit, address.room)
    )
    if not (wanted.estate and wanted.building):
        raise ValidationError({"address": [_("请同时填写小区和楼栋号。")]})
    building = AddressBook(station).building(wanted)
    return {**fields, "building_id": building.pk, "unit": wanted.unit, "room": wanted.room}


@requests_router.post("", response={201: RequestOut, **ERRORS}, summary="点单: post a request")
def service_request_create(request: HttpRequest, payload: RequestIn) -> Any:
    """A resident for themselves (web) or as a relative (proxy): they follow it. Station staff
    for a caller (phone, visit, wechat): nobody follows it; `requester_name` is required."""
    user = caller(request)
    station = _submit_station(user, payload.station)
    staff = access.runs_station(user, station)
    channel = payload.channel or (
        Channel.PHONE if staff else Channel.PROXY if payload.proxy_relation else Channel.WEB
    )
    on_behalf = channel in ON_BEHALF
    if on_behalf and not staff:
        raise PermissionDenied
    if on_behalf and not payload.requester_name.strip():
        raise ValidationError({"requester_name": [_("代为登记时请填写联系人。")]})
    preferred_at = payload.preferred_at
    if preferred_at is not None and timezone.is_naive(preferred_at):
        preferred_at = timezone.make_aware(preferred_at)
    data = RequestInput(
        category=payload.category,
        description=payload.description,
        item_id=payload.item,
        urgency=payload.urgency,
        resident_id=_resident_id(user, payload, station, staff=staff, channel=channel),
        requester_name=payload.requester_name,
        requester_phone=payload.requester_phone,
        proxy_relation=payload.proxy_relation,
        preferred_at=preferred_at,
        source_text=payload.source_text if channel == Channel.WECHAT else "",
        timebank=payload.timebank,
        **_address(station, payload.address),
    )
    service_request = request_submit(
        station=station,
        data=data,
        channel=channel,
        actor=user,
        requester=None if on_behalf else user,
    )
    return Status(201, request_out(user, reload(service_request)))


# --- a pasted 民情e站 message ---------------------------------------------------------------------


def _parse_station(user: Any, code: str | None) -> Station:
    """A station the caller runs: the named one (404 if not), or their only one."""
    if not access.can_run_any(user):
        raise PermissionDenied
    candidates = visible_stations(user, roles=access.RUN_ROLES).filter(kind=Station.Kind.STATION)
    if code:
        station = candidates.filter(code=code).first()
        if station is None:
            raise Http404("station")
        return station
    found = list(candidates[:2])
    if len(found) != 1:
        raise ValidationError({"station": [_("请用 station 指明站点。")]})
    return found[0]


# Declared before `/{request_id}`, which would otherwise take the path and answer 405.
@requests_router.post(
    "/parse",
    response={200: ParseOut, **ERRORS},
    summary="Read a pasted 民情e站 message into the fields of a new request (staff)",
)
def service_request_parse(request: HttpRequest, payload: ParseIn) -> Any:
    station = _parse_station(caller(request), payload.station)
    parsed = parse_message(payload.text, station)
    building = parsed.building
    address = None
    if building is not None:
        address = {
            "estate": building.estate.name,
            "building": building.number,
            "unit": parsed.unit,
            "room": parsed.room,
            "text": "",
        }
    return {
        **parsed.as_initial(),
        "station": station.code,
        "address": address,
        "candidates": [{"id": person.pk, "name": person.name} for person in parsed.candidates],
        "notes": [str(note) for note in parsed.notes],
    }


# --- reading --------------------------------------------------------------------------------------


@requests_router.get(
    "", response=list[RequestSummaryOut], summary="Requests the caller may see, newest first"
)
@paginate(BoundedPagination)
def service_request_list(
    request: HttpRequest, filters: Query[RequestQuery]
) -> QuerySet[ServiceRequest]:
    """No contact details in the list; open one request for them."""
    user = caller(request)
    requests = access.requests_for_user(user)
    if filters.status:
        requests = requests.filter(status=filters.status)
    if filters.category:
        requests = requests.filter(category=filters.category)
    if filters.station:
        requests = requests.filter(station__code=filters.station)
    if filters.mine:
        requests = requests.filter(requester_id=user.pk)
    if filters.takeable:
        volunteer = access.active_volunteer_of(user)
        if volunteer is None:
            return ServiceRequest.objects.none()
        requests = requests.filter(pk__in=access.takeable_requests(volunteer).values("pk"))
    return requests.select_related(
        "station", "item", "building__estate", "volunteer__person"
    ).order_by("-submitted_at", "-id")


@requests_router.get(
    "/{request_id}",
    response={200: RequestOut, 404: ErrorOut},
    summary="One request, with its status and timeline",
)
def service_request_detail(request: HttpRequest, request_id: PathId) -> Any:
    user = caller(request)
    return request_out(user, access.get_request_for_user(user, request_id))


@requests_router.get(
    "/{request_id}/photos/{photo_id}",
    response={200: None, 404: ErrorOut},
    url_name="service_request_photo",
    summary="A photo of the work (for those who see the contact details, and the volunteer)",
    openapi_extra={"responses": {200: {"content": {"image/*": {}}, "description": "The photo"}}},
)
def service_request_photo(request: HttpRequest, request_id: PathId, photo_id: PathId) -> Any:
    user = caller(request)
    service_request = access.get_request_for_user(user, request_id)
    photo = service_request.photos.filter(pk=photo_id).first()
    if photo is None or not access.can_see_photos(user, service_request):
        raise Http404("photo")
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return response
