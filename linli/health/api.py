"""The health API (SPEC §7.2): `POST /api/v1/health/records` and `GET /api/v1/residents/{id}/health`.

Only station staff (and admin) of the resident's station and the caregivers of the resident's
centre get in; for everyone else the resident does not exist (404). Every read of values is
audited by `health_records_read`. Supervisors may ask `GET /api/v1/health/counts` (no values).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Status
from ninja.pagination import paginate

from linli.accounts.access import in_reach
from linli.accounts.schemas import ErrorOut
from linli.activities.models import Activity
from linli.core.paging import BoundedPagination
from linli.core.schemas import MAX_DB_ID
from linli.health import access
from linli.health.actions import HealthValues, ReadRecord, health_record_create, health_records_read
from linli.health.models import HealthRecord
from linli.health.schemas import HealthCountsOut, RecordIn, RecordOut

router = Router(tags=["health"])
resident_router = Router(tags=["health"])


def record_out(read: ReadRecord) -> dict[str, Any]:
    record, values = read.record, read.values
    return {
        "id": record.pk,
        "resident": record.resident_id,
        "measured_at": record.measured_at,
        "systolic": values.systolic,
        "diastolic": values.diastolic,
        "glucose": values.glucose,
        "heart_rate": values.heart_rate,
        "weight_kg": values.weight_kg,
        "height_cm": values.height_cm,
        "bmi": values.bmi,
        "note": values.note,
        "alert": record.alert,
        "out_of_range": list(read.flagged),
        "check_activity": record.check_activity_id,
        "recorded_by": (record.recorded_by.name or record.recorded_by.phone)
        if record.recorded_by
        else None,
    }


@router.post(
    "/records",
    response={201: RecordOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Write a health record (staff and the caregivers of the person's centre)",
)
def record_create(request: HttpRequest, payload: RecordIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    resident = access.get_health_resident_for_user(user, payload.resident)
    check_activity = None
    if payload.check_activity is not None:
        check_activity = Activity.objects.filter(
            pk=payload.check_activity, station_id=resident.station_id
        ).first()
        if check_activity is None:
            raise ValidationError({"check_activity": [_("本站没有这次体检活动。")]})
    record = health_record_create(
        resident=resident,
        values=HealthValues(
            systolic=payload.systolic,
            diastolic=payload.diastolic,
            glucose=payload.glucose,
            heart_rate=payload.heart_rate,
            weight_kg=payload.weight_kg,
            height_cm=payload.height_cm,
            note=payload.note,
        ),
        measured_at=payload.measured_at,
        check_activity=check_activity,
        actor=user,
    )
    record = HealthRecord.objects.select_related("recorded_by").get(pk=record.pk)
    [read] = health_records_read(resident=resident, actor=user, records=[record])
    return Status(201, record_out(read))


@resident_router.get(
    "/{resident_id}/health",
    response={200: list[RecordOut], 404: ErrorOut},
    summary="A resident's health records, the latest first (each read is audited)",
)
@paginate(BoundedPagination)
def resident_health(
    request: HttpRequest, resident_id: int = Path(..., ge=1, le=MAX_DB_ID)
) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    resident = access.get_health_resident_for_user(user, resident_id)
    records = resident.health_records.select_related("recorded_by").order_by("-measured_at", "-pk")
    return [
        record_out(read)
        for read in health_records_read(resident=resident, actor=user, records=records)
    ]


@router.get(
    "/counts",
    response={200: HealthCountsOut, 403: ErrorOut},
    summary="How many records, people and alerts in the caller's stations (no values)",
)
def health_counts(request: HttpRequest) -> dict[str, int]:
    user = request.auth  # type: ignore[attr-defined]
    if not access.may_count_health(user):
        raise PermissionDenied
    records = in_reach(HealthRecord.objects.all(), user, roles=access.COUNT_ROLES)
    return {
        "records": records.count(),
        "residents": records.order_by().values("resident_id").distinct().count(),
        "alerts": records.filter(alert=True).count(),
    }
