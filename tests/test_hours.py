"""Served hours: rounding, capping at the activity's span, closing (no-shows, no check-out),
corrections before verifying, 补报 claims, verifying into the ledger once, star levels, and the
working-day calendar the 10-day verification window counts in.

The scene: an activity yesterday 09:00–12:00 at 焦家, recorded afterwards (补录) with four seats;
陈明, 刘芳, 赵磊 and 孙丽 are confirmed and 周杰 waits. Staff enter the hand-kept check-in list
through the API.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.activities.actions import lifecycle
from linli.activities.actions.signups import signup_create
from linli.activities.hours import round_hours, served_hours
from linli.activities.models import Activity, Attendance, HourClaim
from linli.core.workdays import add_working_days, is_working_day
from linli.ledger.models import LedgerEntry
from linli.ledger.queries import balance, star_level
from tests.conftest import api_token, bearer, make_volunteer

D = Decimal


# --- rounding and capping (pure) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "hours", "expected"),
    [
        ("floor_half", "0.49", "0.00"),
        ("floor_half", "1.8333", "1.50"),
        ("floor_half", "2.99", "2.50"),
        ("floor_half", "3", "3.00"),
        ("nearest_half", "1.24", "1.00"),
        ("nearest_half", "1.25", "1.50"),
        ("nearest_half", "1.74", "1.50"),
        ("nearest_half", "1.75", "2.00"),
        ("tenth", "1.8333", "1.80"),
        ("tenth", "1.849", "1.80"),
        ("tenth", "1.85", "1.90"),
        ("tenth", "0.04", "0.00"),
    ],
)
def test_rounding_rules(rule, hours, expected):
    assert round_hours(D(hours), rule) == D(expected)


def test_the_default_rule_comes_from_settings(settings):
    assert round_hours(D("1.8333")) == D("1.50")  # floor_half, the station's default
    settings.HOURS_ROUNDING = "tenth"
    assert round_hours(D("1.8333")) == D("1.80")


def clock(hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, 10, 12, hour, minute))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("checked_in", "checked_out", "expected"),
    [
        ((9, 0), (12, 0), "3.00"),
        ((8, 0), (12, 0), "3.00"),  # early check-in counts from the start
        ((9, 0), (13, 30), "3.00"),  # late check-out counts to the end
        ((7, 0), (14, 0), "3.00"),  # both
        ((9, 10), (11, 0), "1.50"),  # 1 h 50 min, floored to the half hour
        ((10, 0), (10, 29), "0.00"),
        ((7, 0), (8, 30), "0.00"),  # all before the start
        ((12, 0), (13, 0), "0.00"),  # all after the end
    ],
)
def test_served_time_is_capped_at_the_activitys_span(checked_in, checked_out, expected):
    hours = served_hours(
        checked_in_at=clock(*checked_in),
        checked_out_at=clock(*checked_out),
        starts_at=clock(9),
        ends_at=clock(12),
    )
    assert hours == D(expected)


# --- through the API --------------------------------------------------------------------------------


def api(user: Any) -> dict[str, Any]:
    return bearer(api_token(user))


def yesterday(hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@dataclass
class Scene:
    activity: Activity
    people: dict[str, Any]  # 陈明 … 孙丽 confirmed, 周杰 waitlisted
    client: Client
    headers: dict[str, Any]

    def post(self, action: str, body: dict[str, Any] | None = None, **extra: Any) -> Any:
        return self.client.post(
            f"/api/v1/activities/{self.activity.pk}/{action}",
            body or {},
            content_type="application/json",
            **(extra or self.headers),
        )

    def check(self, kind: str, name: str, at: datetime) -> Any:
        return self.post(kind, {"volunteer": self.people[name].pk, "at": at.isoformat()})

    def hours(self) -> dict[str, Any]:
        rows = self.client.get(
            f"/api/v1/activities/{self.activity.pk}/attendance", **self.headers
        ).json()
        return {row["name"]: row["hours"] for row in rows}


@pytest.fixture
def scene(corps, world) -> Scene:
    names = ["陈明", "刘芳", "赵磊", "孙丽", "周杰"]
    people = {
        name: make_volunteer(
            world.jiaojia, None, name, date(1980 + i, 2, 2), 60 + i, phone=f"1381114{i:04d}"
        )
        for i, name in enumerate(names)
    }
    activity = lifecycle.activity_create(
        station=world.jiaojia,
        data=lifecycle.ActivityInput(
            title="金桥花园环境整治",
            category="environment",
            place="金桥花园",
            starts_at=yesterday(9),
            ends_at=yesterday(12),
            capacity=4,
            responsible_name="张志强",
            team=corps.party_team,
        ),
        actor=None,
    )
    lifecycle.activity_publish(activity=activity, actor=None)
    for volunteer in people.values():
        signup_create(activity=activity, volunteer=volunteer, actor=None)
    return Scene(activity, people, Client(), api(world.user(Role.STATION_STAFF)))


def test_closing_computes_hours_caps_them_and_marks_no_shows(scene):
    assert scene.check("checkins", "陈明", yesterday(8, 30)).status_code == 200  # early
    assert scene.check("checkouts", "陈明", yesterday(12, 30)).status_code == 200  # late
    scene.check("checkins", "刘芳", yesterday(9, 10))
    scene.check("checkouts", "刘芳", yesterday(11))
    scene.check("checkins", "赵磊", yesterday(10))  # and never checked out
    # 孙丽 never came; 周杰 only waited.
    assert scene.post("close").status_code == 200
    assert scene.hours() == {"陈明": 3.0, "刘芳": 1.5, "赵磊": 2.0, "孙丽": 0.0}
    no_show = Attendance.objects.get(activity=scene.activity, volunteer=scene.people["孙丽"])
    assert (no_show.no_show, no_show.checked_in_at) == (True, None)
    assert not Attendance.objects.filter(volunteer=scene.people["周杰"]).exists()


def test_closing_rounds_by_the_configured_rule(scene, settings):
    settings.HOURS_ROUNDING = "tenth"
    scene.check("checkins", "刘芳", yesterday(9, 10))
    scene.check("checkouts", "刘芳", yesterday(11))
    scene.post("close")
    assert scene.hours()["刘芳"] == 1.8


def test_check_ins_are_recorded_by_hand_with_who_and_when(scene, world):
    response = scene.check("checkins", "陈明", yesterday(9, 5))
    body = response.json()
    assert body["checkin_method"] == "manual"
    assert body["checked_in_at"] == yesterday(9, 5).isoformat()
    assert body["checked_in_at"].endswith("+08:00")
    row = Attendance.objects.get(activity=scene.activity, volunteer=scene.people["陈明"])
    assert row.checkin_by == world.user(Role.STATION_STAFF)
    scene.activity.refresh_from_db()
    assert scene.activity.status == "ongoing"  # the first arrival after the start begins it


def test_checking_in_refusals(scene, world):
    waiting = scene.check("checkins", "周杰", yesterday(9))
    assert (waiting.status_code, waiting.json()["error"]["code"]) == (409, "not_signed_up")
    too_early = scene.check("checkins", "陈明", yesterday(7, 59))
    assert too_early.status_code == 422
    scene.check("checkins", "陈明", yesterday(9))
    twice = scene.check("checkins", "陈明", yesterday(9, 1))
    assert twice.json()["error"]["code"] == "already_checked_in"
    not_in = scene.check("checkouts", "刘芳", yesterday(11))
    assert not_in.json()["error"]["code"] == "not_checked_in"
    before_in = scene.check("checkouts", "陈明", yesterday(8, 30))
    assert before_in.status_code == 422
    volunteer = scene.post(
        "checkins",
        {"volunteer": scene.people["刘芳"].pk},
        **api(world.user(Role.VOLUNTEER)),
    )
    assert volunteer.status_code == 403


def test_the_teams_leader_checks_people_in(scene, world):
    response = scene.post(
        "checkins",
        {"volunteer": scene.people["陈明"].pk, "at": yesterday(9).isoformat()},
        **api(world.user(Role.TEAM_LEADER)),
    )
    assert response.status_code == 200


# --- correcting hours before verification -----------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "expected"),
    [("-0.5", 422), ("0", 200), ("2.25", 200), ("3", 200), ("3.01", 422), ("3.5", 422)],
)
def test_hours_may_be_set_between_zero_and_the_span(scene, hours, expected):
    scene.check("checkins", "陈明", yesterday(9))
    scene.post("close")
    volunteer = scene.people["陈明"].pk
    response = scene.post(f"attendance/{volunteer}/hours", {"hours": hours, "note": "中途离开"})
    assert response.status_code == expected, response.content
    row = Attendance.objects.get(activity=scene.activity, volunteer_id=volunteer)
    assert row.hours == (D(hours) if expected == 200 else D("3.00"))


def test_hours_are_set_only_while_closed(scene):
    scene.check("checkins", "陈明", yesterday(9))
    volunteer = scene.people["陈明"].pk
    early = scene.post(f"attendance/{volunteer}/hours", {"hours": "1"})
    assert (early.status_code, early.json()["error"]["code"]) == (409, "not_closed")
    scene.post("close")
    scene.post("verify")
    late = scene.post(f"attendance/{volunteer}/hours", {"hours": "1"})
    assert late.status_code == 409


def test_a_no_show_given_hours_is_no_longer_a_no_show(scene):
    scene.post("close")
    volunteer = scene.people["孙丽"].pk
    scene.post(f"attendance/{volunteer}/hours", {"hours": "2", "note": "签到表漏记"})
    row = Attendance.objects.get(activity=scene.activity, volunteer_id=volunteer)
    assert (row.no_show, row.hours, row.hours_note) == (False, D("2.00"), "签到表漏记")


# --- 补报 claims -------------------------------------------------------------------------------------


def claim(scene: Scene, name: str, start: datetime, end: datetime) -> Any:
    return scene.post(
        "claims",
        {
            "started_at": start.isoformat(),
            "ended_at": end.isoformat(),
            "note": "手机没电，未能签到",
        },
        **api(scene.people[name].user),
    )


def test_an_approved_claim_becomes_capped_hours(scene):
    scene.post("start")
    scene.post("close")
    made = claim(scene, "孙丽", yesterday(8), yesterday(11, 45))
    assert made.status_code == 201, made.content
    assert made.json()["status"] == "pending"
    blocked = scene.post("verify")
    assert (blocked.status_code, blocked.json()["error"]["code"]) == (409, "claims_pending")
    approved = scene.post(f"claims/{made.json()['id']}/approve", {})
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert scene.hours()["孙丽"] == 2.5  # 09:00–11:45, floored to the half hour
    row = Attendance.objects.get(activity=scene.activity, volunteer=scene.people["孙丽"])
    assert (row.no_show, row.checkin_method) == (False, "claim")
    assert scene.post("verify").status_code == 200
    assert balance(scene.people["孙丽"]) == D("2.50")


def test_a_rejected_claim_needs_a_reason_and_changes_nothing(scene):
    scene.post("start")
    made = claim(scene, "孙丽", yesterday(9), yesterday(12)).json()
    no_reason = scene.post(f"claims/{made['id']}/reject", {"reason": ""})
    assert no_reason.status_code == 422
    rejected = scene.post(f"claims/{made['id']}/reject", {"reason": "负责人未见到本人"})
    assert rejected.status_code == 200
    assert rejected.json()["reason"] == "负责人未见到本人"
    again = scene.post(f"claims/{made['id']}/approve", {})
    assert again.json()["error"]["code"] == "already_decided"
    scene.post("close")
    assert scene.hours()["孙丽"] == 0.0


def test_claims_are_refused_from_who_checked_in_or_was_not_confirmed(scene):
    scene.check("checkins", "陈明", yesterday(9))
    checked_in = claim(scene, "陈明", yesterday(9), yesterday(12))
    assert checked_in.json()["error"]["code"] == "already_checked_in"
    waiting = claim(scene, "周杰", yesterday(9), yesterday(12))
    assert waiting.json()["error"]["code"] == "not_signed_up"
    assert not HourClaim.objects.exists()


def test_only_staff_or_the_leader_decide_claims(scene, world):
    scene.post("start")
    made = claim(scene, "孙丽", yesterday(9), yesterday(12)).json()
    response = scene.post(f"claims/{made['id']}/approve", {}, **api(scene.people["孙丽"].user))
    assert response.status_code == 403
    assert HourClaim.objects.get().status == "pending"


# --- verification into the ledger ------------------------------------------------------------------


def test_verifying_credits_one_entry_per_volunteer_and_twice_credits_once(scene):
    scene.check("checkins", "陈明", yesterday(9))
    scene.check("checkouts", "陈明", yesterday(12))
    scene.check("checkins", "刘芳", yesterday(9, 10))
    scene.check("checkouts", "刘芳", yesterday(11))
    scene.post("close")
    verified = scene.post("verify")
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"
    entries = LedgerEntry.objects.filter(activity=scene.activity)
    assert sorted(entries.values_list("volunteer__person__name", "amount")) == [
        ("刘芳", D("1.50")),
        ("陈明", D("3.00")),
    ]  # the no-show 孙丽 gets no zero entry
    entry = entries.get(volunteer=scene.people["陈明"])
    assert entry.served_on == timezone.localdate() - timedelta(days=1)
    assert entry.description == "金桥花园环境整治（金桥花园）"
    assert entry.source_key == f"activity:{scene.activity.pk}:volunteer:{scene.people['陈明'].pk}"

    again = scene.post("verify")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_transition")
    assert LedgerEntry.objects.filter(account="hours").count() == 2
    assert balance(scene.people["陈明"]) == D("3.00")


def test_only_a_closed_activity_is_verified(scene):
    response = scene.post("verify")
    assert response.status_code == 409
    assert not LedgerEntry.objects.exists()


def test_the_team_leader_verifies_their_teams_hours(scene, world):
    scene.check("checkins", "陈明", yesterday(9))
    scene.post("close")
    response = scene.post("verify", **api(world.user(Role.TEAM_LEADER)))
    assert response.status_code == 200
    assert balance(scene.people["陈明"]) == D("3.00")


# --- star levels ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "stars"),
    [
        ("0", 0),
        ("99.99", 0),
        ("100", 1),
        ("299.99", 1),
        ("300", 2),
        ("600", 3),
        ("999.5", 3),
        ("1000", 4),
        ("1499.99", 4),
        ("1500", 5),
        ("20000", 5),
    ],
)
def test_star_levels_follow_the_national_thresholds(hours, stars):
    assert star_level(D(hours)) == stars


def test_star_thresholds_are_configuration(settings):
    settings.STAR_THRESHOLDS = [50, 150]
    assert [star_level(D(h)) for h in ("49.5", "50", "149", "150", "1500")] == [0, 1, 1, 2, 2]


# --- working days (chinese_calendar: holidays and 调休) ---------------------------------------------


def test_ten_working_days_after_september_30_skip_national_day():
    # 2026: 10-01 … 10-07 off; Saturday 10-10 is a make-up working day.
    assert add_working_days(date(2026, 9, 30), 10) == date(2026, 10, 20)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 10, 1), False),  # 国庆节
        (date(2026, 10, 7), False),
        (date(2026, 10, 8), True),
        (date(2026, 10, 10), True),  # Saturday, 调休 working day
        (date(2026, 10, 11), False),  # an ordinary Sunday
        (date(2026, 9, 20), True),  # Sunday, 调休 working day
        (date(2026, 9, 21), True),
    ],
)
def test_holidays_and_make_up_days(day, working):
    assert is_working_day(day) is working


def test_a_weekend_make_up_day_counts_as_a_working_day():
    # From Friday 10-09: the next working day is Saturday 10-10, not Monday 10-12.
    assert add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)  # Friday → Sunday 调休


def test_years_the_calendar_does_not_know_count_monday_to_friday():
    assert add_working_days(date(2099, 1, 2), 1) == date(2099, 1, 5)  # Friday → Monday


def test_verification_is_due_ten_working_days_after_the_end(world):
    ends = timezone.make_aware(datetime(2026, 9, 30, 17))  # noqa: DTZ001
    activity = Activity(station=world.jiaojia, starts_at=ends - timedelta(hours=2), ends_at=ends)
    assert lifecycle.verification_due(activity) == date(2026, 10, 20)
