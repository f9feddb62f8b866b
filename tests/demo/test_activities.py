"""`linli demo --seed-only` records 焦家社区's activities since 2021-06-01, as its report tells them."""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from linli.accounts.models import User
from linli.activities.actions.lifecycle import is_overdue
from linli.activities.demo import plan_history
from linli.activities.hours import served_hours
from linli.activities.models import Activity, ActivityStatus, Attendance, Signup
from linli.activities.themes import DOUBLE_NINTH, DRAGON_BOAT, LANTERN, QINGMING
from linli.audit.models import AuditLog
from linli.ledger.models import Account, EntryKind, LedgerEntry
from linli.ledger.queries import balance, star_level, with_hours
from linli.org.models import Station
from linli.teams.models import Team
from linli.volunteers.models import Volunteer
from tests.conftest import api_token, bearer
from tests.demo.conftest import SeededDemo, run_seed


def on(title: str, year: int) -> set[date]:
    return {
        timezone.localdate(starts_at)
        for starts_at in Activity.objects.filter(title=title, starts_at__year=year).values_list(
            "starts_at", flat=True
        )
    }


def test_demo_activity_history(demo: SeededDemo):
    jiaojia = Station.objects.get(code="JIAOJIA")
    activities = Activity.objects.filter(station=jiaojia)
    today = timezone.localdate()

    # 60+ activities in every full year since 2022, across all eight teams, from 2021-06-01 on.
    for year in range(2022, today.year):
        held = activities.filter(starts_at__year=year).exclude(status=ActivityStatus.CANCELLED)
        assert 60 <= held.count() <= 90, year
        assert held.values("team__parent").distinct().count() == 1  # teams, not troupes
        assert held.values("team").distinct().count() == 8, year
    first = activities.order_by("starts_at").first()
    assert first is not None and timezone.localdate(first.starts_at) >= date(2021, 6, 1)
    assert {"焦家社区新时代文明实践站", "团县委"} <= set(
        activities.values_list("organizer", flat=True)
    )
    leaders = set(
        Team.objects.filter(station=jiaojia, memberships__role="leader").values_list(
            "memberships__volunteer__person__name", flat=True
        )
    )
    assert set(activities.values_list("responsible_name", flat=True)) <= leaders

    # The report's festivals on their real dates, every year.
    for year in range(2022, today.year):
        assert on("3·5学雷锋志愿服务日", year) == {date(year, 3, 5)}
        assert on("元旦慰问敬老院，寒冬时节暖人心", year) == {date(year, 1, 1)}
        assert on("锣鼓庆盛世，舞龙闹元宵", year) == {LANTERN[year]}
        assert on("浓情端午，包粽子比赛", year) == {DRAGON_BOAT[year]}
        assert on("重阳敬老，县中医院专家社区义诊", year) == {DOUBLE_NINTH[year]}
        assert on("清明节烈士陵园祭扫，缅怀革命先烈", year) == {QINGMING[year]}
        assert len(on("“健康义诊”老年人免费体检", year)) == 4
    assert on("锣鼓庆盛世，舞龙闹元宵", 2024) == {date(2024, 2, 24)}
    assert activities.filter(title__startswith="午间微学堂").count() >= 150
    assert activities.filter(organizer="团县委", partners__contains="安徽工业大学商学院").exists()

    # Attendance: check-in and check-out around the activity, varied methods, hours as served.
    methods = Counter(Attendance.objects.values_list("checkin_method", flat=True))
    assert {"activity_qr", "card_scan", "manual"} <= set(methods)
    for row in Attendance.objects.select_related("activity").filter(
        no_show=False, activity__title__startswith="3·5"
    ):
        activity = row.activity
        assert row.checked_in_at and row.checked_out_at
        assert row.hours == served_hours(
            checked_in_at=row.checked_in_at,
            checked_out_at=row.checked_out_at,
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
        )
    assert Attendance.objects.filter(no_show=True, hours=0).exists()

    # Hours reach the ledger only for verified activities, once per volunteer, with the source key
    # activity_verify uses; balances are the sums of entries.
    entries = LedgerEntry.objects.filter(account=Account.HOURS)
    # Requests served (群众点单) credit hours too; the activity entries are checked here.
    activity_entries = entries.filter(kind=EntryKind.ACTIVITY)
    assert not activity_entries.exclude(activity__status=ActivityStatus.VERIFIED).exists()
    for entry in activity_entries.order_by("?")[:50]:
        assert entry.source_key == f"activity:{entry.activity_id}:volunteer:{entry.volunteer_id}"
        assert entry.activity is not None
        assert entry.volunteer_id is not None
        row = Attendance.objects.get(activity=entry.activity, volunteer_id=entry.volunteer_id)
        assert entry.amount == row.hours
    served = Attendance.objects.filter(activity__status=ActivityStatus.VERIFIED, hours__gt=0)
    assert activity_entries.count() == served.count()
    sums: dict[int, Decimal] = defaultdict(Decimal)
    for volunteer_id, amount in entries.values_list("volunteer_id", "amount"):
        sums[volunteer_id] += amount
    volunteers = with_hours(Volunteer.objects.filter(station=jiaojia, status="active"))
    totals = {volunteer.pk: volunteer.total_hours for volunteer in volunteers}
    for volunteer in Volunteer.objects.filter(pk__in=list(sums)[:20]):
        assert balance(volunteer) == sums[volunteer.pk] == totals[volunteer.pk]
    assert all(totals[pk] == sums.get(pk, Decimal("0")) for pk in totals)

    # Every star level among the volunteers: most under 100 h, dozens at 1★–2★, a handful at
    # 3★ and 4★, some 5★ (the 午间微学堂's retired teachers).
    stars = Counter(star_level(hours) for hours in totals.values())
    assert set(stars) == {0, 1, 2, 3, 4, 5}
    assert stars[0] > len(totals) / 2
    assert stars[1] + stars[2] >= 24
    assert 2 <= stars[3] + stars[4] <= 20
    assert stars[5] >= 2

    # The present: a few closed and awaiting verification (one overdue), upcoming ones published
    # with sign-ups, one cancelled with a reason.
    closed = list(activities.filter(status=ActivityStatus.CLOSED))
    assert sum(is_overdue(activity) for activity in closed) == 1
    assert len(closed) >= 2
    upcoming = activities.filter(status=ActivityStatus.PUBLISHED, starts_at__gt=timezone.now())
    assert upcoming.exists()
    assert Signup.objects.filter(activity__in=upcoming, status="confirmed").exists()
    cancelled = activities.get(status=ActivityStatus.CANCELLED)
    assert cancelled.cancel_reason

    # The summary counts from rows.
    staff = User.objects.get(phone="13900000002")
    response = (
        Client().get("/api/v1/stats/summary", {"year": 2025}, **bearer(api_token(staff))).json()
    )
    hours_2025 = LedgerEntry.objects.filter(
        volunteer__station=jiaojia, account=Account.HOURS, served_on__year=2025
    ).aggregate(total=Sum("amount"))["total"]
    assert response["year"] == 2025
    assert response["activities"] == (
        activities.filter(starts_at__year=2025).exclude(status=ActivityStatus.CANCELLED).count()
    )
    assert response["service_hours"] == float(hours_2025)
    assert (
        response["person_times"]
        == Attendance.objects.filter(
            activity__station=jiaojia, activity__starts_at__year=2025, hours__gt=0
        ).count()
    )
    assert response["activities"] >= 60 and response["person_times"] > 1000
    everything = Client().get("/api/v1/stats/summary", **bearer(api_token(staff))).json()
    assert everything["activities"] == activities.exclude(status=ActivityStatus.CANCELLED).count()
    assert everything["service_hours"] > response["service_hours"]

    # The plan is drawn from a fixed seed: the same on every call; a second run adds nothing.
    def drawn() -> list[object]:
        return [
            (plan.key, plan.state, [(row.volunteer, row.hours) for row in plan.attendance])
            for plan in plan_history(jiaojia)
        ]

    assert drawn() == drawn()
    counts = [
        model.objects.count() for model in (Activity, Signup, Attendance, LedgerEntry, AuditLog)
    ]
    assert "志愿活动与服务时长: 新增 0" in run_seed()
    assert [
        model.objects.count() for model in (Activity, Signup, Attendance, LedgerEntry, AuditLog)
    ] == counts
