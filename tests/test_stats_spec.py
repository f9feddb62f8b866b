"""The statistics of SPEC §7.2 answer as written there: the summary carries every figure the
SPEC adds, and `stats/series` answers each metric it names (hours, activities, person_times,
requests, meals, attendance) by month with items `{period, value}` — each equal to the rows,
counted here with plain queries, not with the metric functions."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.activities.actions.lifecycle import activity_close
from linli.activities.models import Activity, Attendance
from linli.assistance.models import ServiceRequest
from linli.canteen.models import MealOrder
from linli.daycare.actions import attendance as daycare
from linli.daycare.models import CentreAttendance
from linli.ledger.actions import ledger_credit
from linli.ledger.models import Account, EntryKind, LedgerEntry
from tests.care_cast import build_care
from tests.conftest import Corps, Registry, World, api_token, bearer
from tests.test_month_figures import served_meal
from tests.test_stats_series import held

SPEC_SUMMARY = (
    "meals_served", "daycare_person_times", "elders", "disabled_served", "pupils",
    "points_issued", "honours", "people_served", "person_times",
)  # fmt: skip


def rows_of_the_year(world: World, year: int) -> dict[str, Any]:
    station, start, end = world.jiaojia, date(year, 1, 1), date(year + 1, 1, 1)
    local = {"starts_at__date__gte": start, "starts_at__date__lt": end}
    hours = LedgerEntry.objects.filter(
        account=Account.HOURS, volunteer__station=station, served_on__gte=start, served_on__lt=end
    ).aggregate(total=Sum("amount"))["total"]
    return {
        "hours": float(hours or 0),
        "activities": Activity.objects.filter(station=station, **local)
        .exclude(status="cancelled")
        .count(),
        "person_times": Attendance.objects.filter(
            activity__station=station,
            hours__gt=0,
            activity__starts_at__date__gte=start,
            activity__starts_at__date__lt=end,
        ).count(),  # fmt: skip
        "requests": ServiceRequest.objects.filter(
            station=station, submitted_at__date__gte=start, submitted_at__date__lt=end
        ).count(),
        "meals": MealOrder.objects.filter(
            station=station, status="served", date__gte=start, date__lt=end
        ).count(),
        "attendance": CentreAttendance.objects.filter(
            centre__station=station, day__gte=start, day__lt=end
        )
        .values("centre", "resident", "day")
        .distinct()
        .count(),
    }


def test_summary_and_series_answer_as_the_spec_writes(
    world: World, registry: Registry, corps: Corps, menu: Any
):
    closed = held(world, world.jiaojia, days_ago=0)
    activity_close(activity=closed, actor=None, people_served=25)
    served_meal(world, registry)
    care = build_care(world, registry, corps)
    daycare.attendance_check_in(centre=care.elderly, resident=care.wang, actor=None)
    ledger_credit(
        volunteer=corps.volunteer, account=Account.HOURS, amount=Decimal("2.5"),
        kind=EntryKind.ADJUSTMENT, served_on=timezone.localdate(), description="补录",
        source_key="spec-1", actor=None,
    )  # fmt: skip
    year = timezone.localdate().year
    expected = rows_of_the_year(world, year)
    assert expected["meals"] == 1 and expected["attendance"] == 1 and expected["hours"] >= 2.5

    client, auth = Client(), bearer(api_token(world.user(Role.STATION_STAFF)))
    summary = client.get(f"/api/v1/stats/summary?year={year}", **auth).json()
    assert set(SPEC_SUMMARY) <= set(summary)
    assert summary["meals_served"] == expected["meals"]
    assert summary["daycare_person_times"] == expected["attendance"]
    for metric, total in expected.items():
        response = client.get(
            f"/api/v1/stats/series?metric={metric}&interval=month"
            f"&from={year}-01-01&to={year}-12-31&station=JIAOJIA",
            **auth,
        )
        assert response.status_code == 200, metric
        body = response.json()
        assert [item["period"] for item in body["items"]] == [
            f"{year}-{month:02d}" for month in range(1, 13)
        ]
        assert all(set(item) == {"period", "value"} for item in body["items"])
        assert sum(item["value"] for item in body["items"]) == body["total"] == total, metric
    # The default interval is the month; the default range the last twelve months.
    default = client.get("/api/v1/stats/series?metric=meals", **auth).json()
    assert default["interval"] == "month" and default["count"] == 12
    assert default["to"] == timezone.localdate().isoformat()
    assert (date.fromisoformat(default["to"]) - timedelta(days=366)).isoformat() < default["from"]
