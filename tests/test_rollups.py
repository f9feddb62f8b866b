"""The summary's rollups (linli.stats.rollups) equal a recount from the rows, for every year and
for all years, after writes through the actions, a bulk ledger post, a volunteer moving station
and a row changed behind the signals' back followed by `refresh_rollups`; the medians kept per
reach are taken again once a station of the reach has changed. Meals served, day-care person-times
and 午间微学堂 days are rolled up too, and a meal, a check-in or a pupil's stay marks its station."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from linli.activities.stats import activity_counts
from linli.assistance.stats import request_figures
from linli.canteen.actions import order_place
from linli.canteen.actions.orders import order_serve
from linli.canteen.stats import meal_counts
from linli.daycare.actions import attendance
from linli.daycare.queries import daycare_figures
from linli.ledger.actions import Credit, ledger_credit, ledger_credit_many
from linli.ledger.models import Account, EntryKind
from linli.stats import rollups
from linli.stats.metrics import total, year_range
from linli.stats.models import ReachMedians, RollupState, StationYear
from linli.stats.queries import rolled_figures
from linli.studyroom.actions.day import stay_check_in
from linli.studyroom.queries import stays_in
from tests.canteen.conftest import publish
from tests.care_cast import build_care
from tests.studyroom.conftest import build_study
from tests.test_activity_lifecycle import make_activity
from tests.test_request_stats import MONDAY, walk

ROLLED = (
    "activities", "service_hours", "person_times", "requests", "requests_by_status",
    "requests_by_category", "median_minutes_to_dispatch", "median_minutes_to_accept",
    "median_minutes_to_complete", "satisfaction_rate", "rated_count", "open_followups",
    "people_served", "points_issued", "meals_served", "daycare_person_times", "study_room_days",
)  # fmt: skip


def recounted(station_ids: list[int], year: int | None) -> dict[str, Any]:
    """The same figures counted from the rows, as the summary counted them before rollups."""
    start, end = year_range(year) if year is not None else (None, None)
    return {
        **activity_counts(station_ids, year),
        **request_figures(station_ids, year),
        "people_served": int(total("people_served", station_ids, start=start, end=end)),
        "points_issued": total("points_issued", station_ids, start=start, end=end),
        **meal_counts(station_ids, year),
        "daycare_person_times": daycare_figures(station_ids, year)["daycare_person_times"],
        "study_room_days": stays_in(station_ids, year).count(),
    }


def assert_rollups_match(world: Any) -> None:
    reaches = [[world.jiaojia.pk], [world.huangchi.pk], [world.jiaojia.pk, world.huangchi.pk]]
    for station_ids in reaches:
        for year in (None, 2024, 2025, 2026, timezone.localdate().year):
            rolled = rolled_figures(station_ids, year)
            assert {name: rolled[name] for name in ROLLED} == recounted(station_ids, year)


def credit(volunteer: Any, key: str, amount: str, served_on: date) -> Credit:
    return Credit(
        volunteer_id=volunteer.pk,
        account=Account.HOURS,
        amount=Decimal(amount),
        kind=EntryKind.ADJUSTMENT,
        served_on=served_on,
        description="补录",
        source_key=key,
    )


def test_rollups_equal_a_recount_after_every_kind_of_write(menu, corps, world, registry):
    jiaojia, volunteer = world.jiaojia, corps.volunteer
    walk(jiaojia, volunteer, MONDAY, dispatch=10, accept=5, complete=90, score=5)
    walk(jiaojia, volunteer, MONDAY + timedelta(days=400), dispatch=30, accept=15, complete=60)
    walk(world.huangchi, corps.outsider, MONDAY, dispatch=20, accept=5, complete=30, score=2)
    make_activity(world, title="金桥花园环境整治")
    assert_rollups_match(world)
    assert RollupState.objects.filter(station=jiaojia).exists()
    kept = ReachMedians.objects.count()
    years = {None, 2024, 2025, 2026, timezone.localdate().year}
    assert kept == 3 * len(years)  # one row per reach and year (None: all years)
    before = rolled_figures([jiaojia.pk], None)["median_minutes_to_dispatch"]
    assert ReachMedians.objects.count() == kept  # read from what was kept

    # Each write marks its station stale in its own transaction; the next read recounts it.
    walk(jiaojia, volunteer, MONDAY + timedelta(days=2), dispatch=5, accept=5, complete=50, score=4)
    assert not RollupState.objects.filter(station=jiaojia).exists()
    assert RollupState.objects.filter(station=world.huangchi).exists()
    assert rolled_figures([jiaojia.pk], None)["median_minutes_to_dispatch"] != before
    assert_rollups_match(world)
    ledger_credit(
        volunteer=volunteer,
        account=Account.HOURS,
        amount=Decimal("2.5"),
        kind=EntryKind.ADJUSTMENT,
        served_on=date(2025, 6, 1),
        description="补录",
        source_key="rollup-test-1",
        actor=None,
    )
    ledger_credit_many(
        credits=[
            credit(volunteer, "rollup-bulk-1", "3", date(2025, 6, 2)),
            credit(corps.outsider, "rollup-bulk-2", "4", date(2024, 1, 5)),
        ],
        actor=None,
    )
    assert_rollups_match(world)

    # A meal served, a day-care check-in and a pupil's stay each mark their station.
    assert RollupState.objects.filter(station=jiaojia).exists()
    lunch = publish(jiaojia, timezone.localdate(), "lunch")
    order = order_place(
        menu=lunch, resident=registry.li, mode="dine_in", channel="phone", actor=None
    )
    order_serve(order=order, actor=None)
    assert not RollupState.objects.filter(station=jiaojia).exists()
    assert rolled_figures([jiaojia.pk], None)["meals_served"] == 1
    care = build_care(world, registry, corps)
    rolled_figures([jiaojia.pk], None)
    attendance.attendance_check_in(centre=care.elderly, resident=care.wang, actor=None)
    assert not RollupState.objects.filter(station=jiaojia).exists()
    study = build_study(world, registry, corps)
    rolled_figures([jiaojia.pk], None)
    stay_check_in(room=study.room, pupil=study.pupil, actor=None)
    assert not RollupState.objects.filter(station=jiaojia).exists()
    assert_rollups_match(world)
    today = rolled_figures([jiaojia.pk], timezone.localdate().year)
    assert (today["daycare_person_times"], today["study_room_days"]) == (1, 1)

    # A volunteer moving station takes their hours along.
    corps.outsider.station = jiaojia
    corps.outsider.save()
    assert_rollups_match(world)


def test_refresh_recounts_rows_changed_behind_the_signals(menu, corps, world):
    walk(world.jiaojia, corps.volunteer, MONDAY, dispatch=10, accept=5, complete=90, score=5)
    assert_rollups_match(world)
    from linli.assistance.models import ServiceRequest

    ServiceRequest.objects.update(score=1)  # a bulk update sends no signal
    assert rolled_figures([world.jiaojia.pk], None)["satisfaction_rate"] == 1.0
    out = StringIO()
    call_command("refresh_rollups", stdout=out)
    assert "汇总已重算" in out.getvalue()
    assert rolled_figures([world.jiaojia.pk], None)["satisfaction_rate"] == 0.0
    assert_rollups_match(world)
    assert StationYear.objects.filter(station=world.jiaojia, year=2025).exists()


def test_a_recount_cut_short_keeps_the_stations_it_finished(menu, corps, world, monkeypatch):
    walk(world.jiaojia, corps.volunteer, MONDAY, dispatch=10, accept=5, complete=90, score=5)
    walk(world.huangchi, corps.outsider, MONDAY, dispatch=20, accept=5, complete=30, score=2)
    RollupState.objects.all().delete()
    first, second = sorted([world.jiaojia.pk, world.huangchi.pk])
    counting = rollups._count

    def fails_on_the_second(station_ids: list[int]) -> Any:
        if station_ids == [second]:
            raise RuntimeError("cut short")
        return counting(station_ids)

    monkeypatch.setattr(rollups, "_count", fails_on_the_second)
    with pytest.raises(RuntimeError):
        rollups.recount([first, second])
    assert set(RollupState.objects.values_list("station_id", flat=True)) == {first}
    monkeypatch.setattr(rollups, "_count", counting)
    assert_rollups_match(world)
