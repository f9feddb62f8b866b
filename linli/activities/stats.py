"""The activity figures of the summary (SPEC §5), counted from rows."""

from typing import Any

from django.db.models import Sum

from linli.activities.models import Activity, ActivityStatus, Attendance
from linli.ledger.models import Account, LedgerEntry


def activity_counts(station_ids: Any, year: int | None) -> dict[str, int | float]:
    """Activities held (not cancelled), hours in the ledger (reversals included) and volunteers'
    person-times of service (attendance with hours), of the stations; `year` narrows all three to
    activities starting, or service given, in that year (local time)."""
    activities = Activity.objects.filter(station_id__in=station_ids).exclude(
        status=ActivityStatus.CANCELLED
    )
    entries = LedgerEntry.objects.filter(
        volunteer__station_id__in=station_ids, account=Account.HOURS
    )
    attendance = Attendance.objects.filter(activity__station_id__in=station_ids, hours__gt=0)
    if year is not None:
        activities = activities.filter(starts_at__year=year)
        entries = entries.filter(served_on__year=year)
        attendance = attendance.filter(activity__starts_at__year=year)
    hours = entries.aggregate(total=Sum("amount"))["total"]
    return {
        "activities": activities.count(),
        "service_hours": float(hours or 0),
        "person_times": attendance.count(),
    }
