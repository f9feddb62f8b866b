"""The kept monthly figures (linli.reports.monthly) equal every metric counted from the rows, by
station and month, after each kind of write: requests, activities closed with a head count, an
activity moved to another year, meals served, day-care and study-room check-ins, ledger credits
one by one and in bulk, and a volunteer moving station. A write makes only its own station's
year stale; a read counts it again."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from linli.accounts.models import Role
from linli.activities.actions.lifecycle import activity_close, activity_publish
from linli.activities.models import Activity
from linli.canteen.actions import order_place
from linli.canteen.actions.orders import order_serve
from linli.daycare.actions import attendance
from linli.ledger.actions import ledger_credit, ledger_credit_many
from linli.ledger.models import Account, EntryKind
from linli.reports import monthly
from linli.reports.models import FigureYear, StaleYear
from linli.stats.metrics import METRICS, grouped
from linli.studyroom.actions.day import stay_check_in
from tests.canteen.conftest import publish
from tests.care_cast import build_care
from tests.conftest import Corps, Registry, World
from tests.studyroom.conftest import build_study
from tests.test_activity_lifecycle import make_activity
from tests.test_request_stats import MONDAY, walk
from tests.test_rollups import credit

YEAR = timezone.localdate().year


def from_rows(station_ids: list[int], year: int) -> dict[str, dict[Any, Any]]:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return {
        code: {
            key: value
            for key, value in grouped(
                code, station_ids, start=start, end=end, interval="month", per_station=True
            ).items()
            if value
        }
        for code in METRICS
    }


def kept(station_ids: list[int], year: int) -> dict[str, dict[Any, Any]]:
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    found = monthly.figures(
        METRICS, station_ids, start=start, end=end, per_station=True, by_month=True
    )
    return {
        code: {key: values[code] for key, values in found.items() if code in values}
        for code in METRICS
    }


def assert_kept_match(world: World) -> None:
    for station_ids in (
        [world.jiaojia.pk],
        [world.huangchi.pk],
        [world.jiaojia.pk, world.huangchi.pk],
    ):
        for year in (2025, YEAR - 1, YEAR):
            assert kept(station_ids, year) == from_rows(station_ids, year), (station_ids, year)


def counted(world: World) -> set[tuple[int, int]]:
    return set(
        FigureYear.objects.filter(station__in=[world.jiaojia, world.huangchi]).values_list(
            "station_id", "year"
        )
    )


def served_meal(world: World, registry: Registry) -> None:
    """A lunch of today at 焦家, ordered for 李建国 and served."""
    lunch = publish(world.jiaojia, timezone.localdate(), "lunch")
    order = order_place(
        menu=lunch, resident=registry.li, mode="dine_in", channel="phone", actor=None
    )
    order_serve(order=order, actor=None)


def test_kept_figures_equal_the_rows_after_every_kind_of_write(
    world: World, registry: Registry, corps: Corps, menu: Any
):
    jiaojia, volunteer = world.jiaojia, corps.volunteer
    walk(jiaojia, volunteer, MONDAY, dispatch=10, accept=5, complete=90, score=5)
    walk(world.huangchi, corps.outsider, MONDAY, dispatch=20, accept=5, complete=30, score=2)
    held = make_activity(world, title="金桥花园环境整治")
    Activity.objects.filter(pk=held.pk).update(  # it took place this morning
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    held.refresh_from_db()
    activity_close(
        activity=activity_publish(activity=held, actor=None), actor=None, people_served=35
    )
    assert_kept_match(world)
    everything = counted(world)
    assert (jiaojia.pk, YEAR) in everything and (world.huangchi.pk, YEAR) in everything

    # A meal served marks its station's year, and nothing else, until the next read.
    served_meal(world, registry)
    assert set(StaleYear.objects.values_list("station_id", "year")) == {(jiaojia.pk, YEAR)}
    assert kept([jiaojia.pk], YEAR)["meals"] == from_rows([jiaojia.pk], YEAR)["meals"] != {}
    assert not StaleYear.objects.exists() and counted(world) == everything
    assert_kept_match(world)

    # Day care and the study room.
    care = build_care(world, registry, corps)
    attendance.attendance_check_in(centre=care.elderly, resident=care.wang, actor=None)
    study = build_study(world, registry, corps)
    stay_check_in(room=study.room, pupil=study.pupil, actor=None)
    assert_kept_match(world)
    assert kept([jiaojia.pk], YEAR)["study_room_days"]

    # The ledger, one entry and in bulk.
    ledger_credit(
        volunteer=volunteer, account=Account.HOURS, amount=Decimal("2.5"),
        kind=EntryKind.ADJUSTMENT, served_on=date(YEAR - 1, 6, 1), description="补录",
        source_key="figures-test-1", actor=None,
    )  # fmt: skip
    ledger_credit_many(
        credits=[
            credit(volunteer, "figures-bulk-1", "3", date(YEAR, 1, 2)),
            credit(corps.outsider, "figures-bulk-2", "4", date(2025, 1, 5)),
        ],
        actor=None,
    )
    assert_kept_match(world)

    # An activity moved back a year leaves both years counted again.
    held.refresh_from_db()
    held.starts_at = held.starts_at.replace(year=YEAR - 1)
    held.ends_at = held.ends_at.replace(year=YEAR - 1)
    held.save(update_fields=["starts_at", "ends_at"])
    assert_kept_match(world)

    # A volunteer moving station takes their hours along.
    corps.outsider.station = jiaojia
    corps.outsider.save()
    assert_kept_match(world)


def test_the_dashboard_figures_follow_a_write_at_once(world: World, registry: Registry):
    """Read, write, read: the second read shows the write (the year was counted again)."""
    from tests.conftest import signed_in
    from tests.test_reports_pages import figures

    client = signed_in(world.user(Role.STATION_STAFF))
    before = int(figures(client.get("/reports/JIAOJIA/").content.decode())["meals"][0])
    served_meal(world, registry)
    after = int(figures(client.get("/reports/JIAOJIA/").content.decode())["meals"][0])
    assert after == before + 1
