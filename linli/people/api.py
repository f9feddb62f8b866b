from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.accounts.access import get_station_for_user
from linli.accounts.schemas import ErrorOut
from linli.core.errors import DomainError
from linli.core.paging import BoundedPagination
from linli.core.schemas import Code, DbId, PathId, SearchText
from linli.people import access, actions
from linli.people.models import Resident
from linli.people.queries import ResidentFilter, filter_residents, with_list_relations
from linli.people.schemas import ResidentIn, ResidentOut, ResidentPatch

router = Router(tags=["residents"])


class ResidentQuery(Schema):
    q: SearchText = ""
    estate: DbId | None = None
    building: DbId | None = None
    tag: Code = ""
    age_band: Code = ""
    status: Code = "living"


def _reload(pk: int) -> Resident:
    """The resident with everything ResidentOut reads, in a fixed number of queries."""
    return with_list_relations(Resident.objects.select_related("station")).get(pk=pk)


def _address(payload_address: Any) -> actions.AddressInput | None:
    if payload_address is None:
        return None
    return actions.AddressInput(**payload_address.dict())


@router.get("", response=list[ResidentOut], summary="Residents of the caller's stations")
@paginate(BoundedPagination)
def resident_list(request: HttpRequest, filters: Query[ResidentQuery]) -> QuerySet[Resident]:
    criteria = ResidentFilter.from_params(filters.dict())
    residents = filter_residents(access.residents_for_user(request.auth), criteria)  # type: ignore[attr-defined]
    return with_list_relations(residents).select_related("station")


@router.post(
    "",
    response={201: ResidentOut, 403: ErrorOut, 422: ErrorOut},
    summary="Register a resident (with consent)",
)
def resident_create(request: HttpRequest, payload: ResidentIn, station: Code | None = None) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if station:
        target = get_station_for_user(user, station, write=True)
    else:
        writable = list(access.writable_stations(user)[:2])
        if len(writable) != 1:
            raise DomainError(
                "station_required", "请用 ?station=编码 指明登记到哪个站点。", status=422
            )
        target = writable[0]
    resident = actions.resident_create(
        station=target,
        data=actions.ResidentInput(
            name=payload.name,
            gender=payload.gender or "",
            birth_date=payload.birth_date,
            id_number=payload.id_number or "",
            phone=payload.phone,
            address=_address(payload.address),
            relation=payload.relation,
            tags=frozenset(payload.tags),
            note=payload.note,
            disability_type=payload.disability_type,
            disability_grade=payload.disability_grade,
            health_notes=payload.health_notes,
        ),
        consent=actions.ConsentInput(**payload.consent.dict()),
        actor=user,
    )
    return Status(201, _reload(resident.pk))


@router.get("/{resident_id}", response={200: ResidentOut, 404: ErrorOut}, summary="One resident")
def resident_detail(request: HttpRequest, resident_id: PathId) -> Resident:
    access.get_resident_for_user(request.auth, resident_id)  # type: ignore[attr-defined]
    return _reload(resident_id)


@router.patch(
    "/{resident_id}",
    response={200: ResidentOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change some fields of a resident",
)
def resident_update(request: HttpRequest, resident_id: PathId, payload: ResidentPatch) -> Resident:
    user = request.auth  # type: ignore[attr-defined]
    resident = access.get_resident_for_user(user, resident_id, write=True)
    changes = payload.dict(exclude_unset=True)
    if "address" in changes:
        changes["address"] = _address(payload.address)
    if "tags" in changes:
        changes["tags"] = frozenset(changes["tags"] or ())
    if changes.get("birth_date", "") is None:
        # A resident always has a birth date (given, or read from the ID number): null keeps it.
        del changes["birth_date"]
    changes = {
        name: ("" if value is None and name != "address" else value)
        for name, value in changes.items()
    }
    actions.resident_update(resident=resident, changes=changes, actor=user)
    return _reload(resident_id)
