"""The long histories the seed writes as plain rows (`linli.core.rows.insert_rows`, no model
instances) read back as they were planned: the same rows, value for value (times, decimals, keys
that point at each other), so the counts and sums of every year are the planned ones."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone

from linli.activities.demo import plan_history
from linli.activities.demo.plan import CLOSED, VERIFIED
from linli.activities.models import Activity, Attendance, Signup, SignupStatus
from linli.canteen.models import DeliveryStatus, DeliveryTask, MealOrder
from linli.daycare.actions.care import session_hours
from linli.daycare.demo.seed import (
    SESSIONS_A_MONTH,
    Writer,
    _trained_volunteers,
    attendance_chances,
)
from linli.daycare.models import CareSession, Centre, CentreAttendance, CentreKind
from linli.elders.demo.seed import VISIT_COLUMNS, plan_care
from linli.elders.models import ElderProfile, Visit
from linli.ledger.models import EntryKind, LedgerEntry
from linli.org.models import Station
from tests.demo.conftest import SeededDemo


def by_year(rows: Counter[tuple[Any, ...]], moment: int) -> Counter[int]:
    """How many of `rows` fall in each year, by the date or time at position `moment` (rows
    without one, e.g. a no-show's check-in, are not counted)."""
    years: Counter[int] = Counter()
    for row, count in rows.items():
        value = row[moment]
        if value is None:
            continue
        years[timezone.localdate(value).year if hasattr(value, "hour") else value.year] += count
    return years


def test_sign_ups_and_attendance_read_back_as_planned(demo: SeededDemo):
    jiaojia = Station.objects.get(code="JIAOJIA")
    past = [plan for plan in plan_history(jiaojia) if plan.state in (VERIFIED, CLOSED)]
    activity_of = {
        (title, starts_at): pk
        for pk, title, starts_at in Activity.objects.filter(station=jiaojia).values_list(
            "pk", "title", "starts_at"
        )
    }
    ids = [activity_of[plan.key] for plan in past]
    planned_signups = Counter(
        (activity_of[plan.key], signup.volunteer,
         SignupStatus.CANCELLED if signup.cancelled_at else SignupStatus.CONFIRMED,
         signup.created_at, signup.cancelled_at)
        for plan in past
        for signup in plan.signups
    )  # fmt: skip
    signups = Counter(
        Signup.objects.filter(activity_id__in=ids).values_list(
            "activity_id", "volunteer_id", "status", "created_at", "cancelled_at"
        )
    )
    assert signups == planned_signups and len(signups) > 5000
    planned_attendance = Counter(
        (activity_of[plan.key], row.volunteer, row.checked_in_at, row.checkin_method,
         row.checked_out_at, row.checkout_method, row.no_show, row.hours, row.hours_note)
        for plan in past
        for row in plan.attendance
    )  # fmt: skip
    attendance = Counter(
        Attendance.objects.filter(activity_id__in=ids).values_list(
            "activity_id", "volunteer_id", "checked_in_at", "checkin_method", "checked_out_at",
            "checkout_method", "no_show", "hours", "hours_note",
        )
    )  # fmt: skip
    assert attendance == planned_attendance
    assert by_year(attendance, 2) == by_year(planned_attendance, 2)

    def hours(rows: Counter[tuple[Any, ...]]) -> Decimal:
        return sum((row[7] * count for row, count in rows.items()), Decimal("0"))

    assert hours(attendance) == hours(planned_attendance) > 0


def test_visits_read_back_as_planned(demo: SeededDemo):
    jiaojia = Station.objects.get(code="JIAOJIA")
    profiles = list(
        ElderProfile.objects.filter(station=jiaojia)
        .select_related("resident__household__building")
        .order_by("pk")
    )
    _contacts, planned = plan_care(jiaojia, profiles, now=timezone.now())
    # Every column but created_at (the moment of writing), as the plan gives them.
    columns = [name for name in VISIT_COLUMNS if name != "created_at"]
    expected = Counter(row[: len(columns)] for row in planned)
    # The three recent visits that asked for a follow-up went through the action afterwards.
    visits = Counter(Visit.objects.filter(station=jiaojia, follow_up=False).values_list(*columns))
    assert visits == expected and len(visits) > 20000
    assert by_year(visits, 2) == by_year(expected, 2)


def test_day_care_attendance_and_sessions_read_back_as_planned(demo: SeededDemo):
    jiaojia = Station.objects.get(code="JIAOJIA")
    until = timezone.localdate() - timedelta(days=1)
    for centre in Centre.objects.filter(station=jiaojia).order_by("pk"):
        writer = Writer(centre, until)
        memberships = list(centre.members.order_by("pk"))
        planned = Counter(
            writer.attendance_rows(memberships, attendance_chances(centre, memberships))
        )
        attendance = Counter(
            CentreAttendance.objects.filter(centre=centre).values_list(
                "centre_id", "membership_id", "resident_id", "day", "in_at", "out_at",
                "in_method", "out_method", "in_by_id", "out_by_id",
            )
        )  # fmt: skip
        assert attendance == planned and len(attendance) > 1000
        assert by_year(attendance, 3) == by_year(planned, 3)

        trained = _trained_volunteers(jiaojia) if centre.kind == CentreKind.DISABLED else []
        sessions = writer.planned_sessions(memberships, trained, SESSIONS_A_MONTH[centre.kind])
        caregiver_id = writer.caregiver.pk if writer.caregiver else None
        assert Counter(
            CareSession.objects.filter(membership__centre=centre).values_list(
                "membership_id", "kind", "started_at", "minutes", "volunteer_id", "caregiver_id"
            )
        ) == Counter(
            (membership_id, kind, started_at, minutes, volunteer.pk if volunteer else None,
             None if volunteer else caregiver_id)
            for membership_id, kind, started_at, minutes, volunteer in sessions
        )  # fmt: skip
        # A volunteer's session points at the one entry keyed by the session's own id.
        by_volunteer = CareSession.objects.filter(
            membership__centre=centre, volunteer__isnull=False
        ).select_related("ledger_entry")
        assert by_volunteer.exists() == bool(trained)
        for session in by_volunteer:
            entry = session.ledger_entry
            assert entry is not None and entry.source_key == f"care_session:{session.pk}"
            assert entry.kind == EntryKind.CARE and entry.volunteer_id == session.volunteer_id
            assert entry.amount == session_hours(session.minutes)
            assert entry.served_on == timezone.localdate(session.started_at)
        assert not CareSession.objects.filter(
            membership__centre=centre, volunteer__isnull=True, ledger_entry__isnull=False
        ).exists()


def test_canteen_orders_tasks_and_deliveries_read_back_linked(demo: SeededDemo):
    jiaojia = Station.objects.get(code="JIAOJIA")
    today = timezone.localdate()
    history = MealOrder.objects.filter(station=jiaojia, date__lt=today)
    # Each order on its own day's menu, at its price, the subsidy and the payable adding up.
    assert history.count() > 50000
    assert not history.exclude(menu__date=F("date"), menu__meal=F("meal")).exists()
    assert not history.exclude(price=F("menu__price")).exists()
    assert not history.exclude(price=F("subsidy") + F("payable")).exists()
    # One delivery task per delivery order, and every delivered task by a volunteer credited
    # once, keyed by the task's own id, in the year of its order.
    deliveries = history.filter(mode="delivery")
    tasks = DeliveryTask.objects.filter(order__in=deliveries)
    assert tasks.count() == deliveries.count() > 1000
    credited = tasks.filter(status=DeliveryStatus.DELIVERED, volunteer__isnull=False)
    entries = {
        entry.source_key: entry
        for entry in LedgerEntry.objects.filter(kind=EntryKind.DELIVERY, served_on__lt=today)
    }
    assert len(entries) == credited.count()
    years: Counter[int] = Counter()
    for task_id, volunteer_id, day in credited.values_list("pk", "volunteer_id", "order__date"):
        entry = entries[f"meal_delivery:{task_id}"]
        assert (entry.volunteer_id, entry.served_on) == (volunteer_id, day)
        years[day.year] += 1
    assert years == Counter(entry.served_on.year for entry in entries.values())
