"""The demo's figures, by month, quarter and year, equal the rows counted one by one (SPEC §7.2
`stats/series`, `stats/summary`): every registered metric is recomputed here in Python from the
rows it stands for, and 服务群众 comes to about 10,000 person-times a year, as the report says."""

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from linli.accounts.models import User
from linli.activities.models import Activity, Attendance
from linli.assistance.models import ServiceRequest
from linli.canteen.models import MealOrder
from linli.daycare.models import CentreAttendance
from linli.incentives.models import Nomination
from linli.ledger.models import LedgerEntry
from linli.org.models import Station
from linli.stats.metrics import METRICS, period_label, period_start, series, total, year_range
from linli.studyroom.models import Stay
from linli.volunteers.models import Volunteer
from tests.conftest import api_token, bearer
from tests.demo.conftest import SeededDemo

YEAR = 2025


def local_day(value: Any) -> date:
    return timezone.localdate(value) if hasattr(value, "tzinfo") else value


def by_period(rows: list[tuple[Any, Any]], interval: str) -> Counter[date]:
    """(when, value) rows summed by the first day of their period, in the station's time."""
    counted: Counter[date] = Counter()
    for when, value in rows:
        day = local_day(when)
        if day.year == YEAR:
            counted[period_start(day, interval)] += value
    return counted


def rows_of(code: str, station: Station) -> list[tuple[Any, Any]]:
    """Each metric's rows read plainly, without the registry's queries."""
    activities = Activity.objects.filter(station=station)
    if code == "hours":
        entries = LedgerEntry.objects.filter(volunteer__station=station, account="hours")
        return list(entries.values_list("served_on", "amount"))
    if code == "activities":
        return [(a.starts_at, 1) for a in activities.exclude(status="cancelled")]
    if code == "person_times":
        rows = Attendance.objects.filter(activity__station=station, hours__gt=0)
        return [(row.activity.starts_at, 1) for row in rows.select_related("activity")]
    if code == "requests":
        return [(r.submitted_at, 1) for r in ServiceRequest.objects.filter(station=station)]
    if code == "requests_completed":
        served = ServiceRequest.objects.filter(station=station, status__in=["completed", "rated"])
        return [(r.completed_at, 1) for r in served]
    if code == "meals":
        return [(m.date, 1) for m in MealOrder.objects.filter(station=station, status="served")]
    if code == "attendance":
        stays = CentreAttendance.objects.filter(centre__station=station)
        days = {(s.centre_id, s.resident_id, s.day) for s in stays}
        return [(day, 1) for _centre, _resident, day in days]
    if code == "volunteers_new":
        approved = Volunteer.objects.filter(station=station).exclude(number="")
        return [(v.registered_at, 1) for v in approved]
    if code == "study_room_days":
        return [(stay.day, 1) for stay in Stay.objects.filter(room__station=station)]
    if code in ("points_issued", "points_redeemed"):
        points = LedgerEntry.objects.filter(volunteer__station=station, account="points")
        if code == "points_redeemed":
            spent = points.filter(kind__in=["redeem", "refund"])
            return [(entry.served_on, -entry.amount) for entry in spent]
        issued = [
            entry
            for entry in points
            if entry.kind in ("earn", "reward")
            or (entry.kind == "staff_adjust" and entry.amount > 0)
        ]
        return [(entry.served_on, entry.amount) for entry in issued]
    if code == "people_served":
        counted = activities.filter(status__in=["closed", "verified"], people_served__isnull=False)
        return [(a.starts_at, a.people_served) for a in counted] + [
            *rows_of("requests_completed", station),
            *rows_of("attendance", station),
            *rows_of("study_room_days", station),
        ]
    raise AssertionError(f"no plain reading of {code}")


def test_every_metric_equals_its_rows_by_month_quarter_and_year(demo: SeededDemo):
    jiaojia = Station.objects.get(code="JIAOJIA")
    reach = Station.objects.filter(path__startswith=jiaojia.path).values("pk")
    start, end = year_range(YEAR)
    for code, chosen in METRICS.items():
        rows = rows_of(code, jiaojia)
        for interval in ("month", "quarter", "year"):
            expected = by_period(rows, interval)
            got = dict(series(code, reach, start=start, end=end, interval=interval))
            for first, value in got.items():
                want: float = expected.get(first, 0)
                if chosen.decimals:
                    want = float(round(Decimal(want), chosen.decimals))
                assert value == want, (code, interval, period_label(first, interval))
        assert total(code, reach, start=start, end=end) == sum(
            dict(series(code, reach, start=start, end=end, interval="year")).values()
        )
        # The demo corps is registered on the day it is seeded; the 午间微学堂 keeps this term.
        if code not in ("volunteers_new", "study_room_days"):
            assert any(by_period(rows, "year").values()), f"the demo has no {code} in {YEAR}"


def test_people_served_is_about_ten_thousand_a_year(demo: SeededDemo):
    jiaojia = Station.objects.get(code="JIAOJIA")
    reach = Station.objects.filter(pk=jiaojia.pk).values("pk")
    for year in (2023, 2024, 2025):
        start, end = year_range(year)
        served = total("people_served", reach, start=start, end=end)
        assert 9_000 <= served <= 12_000, (year, served)
    # Through the API, the summary and the series agree.
    staff = User.objects.get(phone="13900000002")
    client, auth = Client(), bearer(api_token(staff))
    summary = client.get(f"/api/v1/stats/summary?station=JIAOJIA&year={YEAR}", **auth).json()
    answer = client.get(
        f"/api/v1/stats/series?metric=people_served&interval=year&from={YEAR}-01-01"
        f"&to={YEAR}-12-31&station=JIAOJIA",
        **auth,
    ).json()
    assert answer["items"] == [{"period": str(YEAR), "value": summary["people_served"]}]
    months = client.get(
        f"/api/v1/stats/series?metric=meals&from={YEAR}-01-01&to={YEAR}-12-31", **auth
    ).json()
    assert months["count"] == 12 and months["items"][0]["period"] == f"{YEAR}-01"
    assert sum(item["value"] for item in months["items"]) == summary["meals_served"]
    assert months["total"] == summary["meals_served"]


def test_this_terms_study_room_days_points_and_honours_in_the_summary(demo: SeededDemo):
    jiaojia = Station.objects.get(code="JIAOJIA")
    this_year = timezone.localdate().year
    staff = User.objects.get(phone="13900000002")
    client, auth = Client(), bearer(api_token(staff))
    summary = client.get(f"/api/v1/stats/summary?station=JIAOJIA&year={this_year}", **auth).json()
    stays = Stay.objects.filter(room__station=jiaojia, day__year=this_year).count()
    assert stays > 0 and summary["study_room_days"] == stays
    reach = Station.objects.filter(pk=jiaojia.pk).values("pk")
    start, end = year_range(this_year)
    assert total("study_room_days", reach, start=start, end=end) == stays
    issued = sum(
        amount
        for amount, in_year in (
            (entry.amount, entry.served_on.year == this_year)
            for entry in LedgerEntry.objects.filter(volunteer__station=jiaojia, account="points")
            if entry.kind in ("earn", "reward")
            or (entry.kind == "staff_adjust" and entry.amount > 0)
        )
        if in_year
    )
    assert issued > 0 and summary["points_issued"] == float(issued)
    awarded = Nomination.objects.filter(
        status="accepted", honour__status="awarded", honour__station=jiaojia, honour__year=this_year
    ).count()
    assert summary["honours"] == awarded
