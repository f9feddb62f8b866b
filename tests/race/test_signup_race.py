"""Races on sign-up, for real: threads with their own PostgreSQL connections, started together.

signup_create locks the activity row while it counts the seats, and signup_cancel locks it while
it promotes the first on the waitlist; these tests hold them to that under real concurrency.
"""

from collections import Counter
from datetime import datetime, time, timedelta
from functools import partial

import pytest
from django.utils import timezone

from linli.activities.actions import lifecycle
from linli.activities.actions.signups import signup_cancel, signup_create
from linli.activities.models import Activity, Signup, SignupStatus
from linli.core.errors import DomainError
from linli.org.models import Station
from tests.race.helpers import make_station, make_volunteers, run_together

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def open_activity(station: Station, capacity: int) -> Activity:
    day = timezone.localdate() + timedelta(days=3)
    activity = lifecycle.activity_create(
        station=station,
        data=lifecycle.ActivityInput(
            title="重阳节敬老活动",
            category="elderly_disabled",
            place="日间照料中心",
            starts_at=timezone.make_aware(datetime.combine(day, time(9))),
            ends_at=timezone.make_aware(datetime.combine(day, time(11))),
            capacity=capacity,
            responsible_name="张志强",
        ),
        actor=None,
    )
    return lifecycle.activity_publish(activity=activity, actor=None)


def test_two_hundred_simultaneous_sign_ups_for_thirty_seats():
    station = make_station()
    volunteers = make_volunteers(station, 200)
    activity = open_activity(station, capacity=30)

    outcomes = run_together(
        [
            partial(signup_create, activity=activity, volunteer=volunteer, actor=None)
            for volunteer in volunteers
        ]
    )

    failures = [outcome for outcome in outcomes if not isinstance(outcome, Signup)]
    assert failures == []
    returned = Counter(outcome.status for outcome in outcomes)
    assert returned == {SignupStatus.CONFIRMED: 30, SignupStatus.WAITLISTED: 170}
    stored = Signup.objects.filter(activity=activity)
    assert Counter(stored.values_list("status", flat=True)) == returned
    people = list(stored.values_list("volunteer_id", flat=True))
    assert len(people) == len(set(people)) == 200
    # The first 30 to get the lock are the confirmed ones: the waitlist starts after them all.
    last_confirmed = max(s.created_at for s in stored if s.status == SignupStatus.CONFIRMED)
    first_waiting = min(s.created_at for s in stored if s.status == SignupStatus.WAITLISTED)
    assert last_confirmed <= first_waiting


def test_twenty_simultaneous_cancellations_promote_twenty_distinct_volunteers():
    station = make_station()
    volunteers = make_volunteers(station, 60)
    activity = open_activity(station, capacity=20)
    signups = [signup_create(activity=activity, volunteer=v, actor=None) for v in volunteers]
    confirmed = [s for s in signups if s.status == SignupStatus.CONFIRMED]
    waiting = [s.volunteer_id for s in signups if s.status == SignupStatus.WAITLISTED]
    assert (len(confirmed), len(waiting)) == (20, 40)

    outcomes = run_together(
        [partial(signup_cancel, signup=signup, actor=None) for signup in confirmed]
    )

    assert all(isinstance(outcome, Signup) for outcome in outcomes), outcomes
    promoted = [outcome.volunteer_id for outcome in outcomes]
    assert len(set(promoted)) == 20
    assert sorted(promoted) == sorted(waiting[:20])  # the first twenty in line, no one skipped
    statuses = Counter(Signup.objects.filter(activity=activity).values_list("status", flat=True))
    assert statuses == {
        SignupStatus.CANCELLED: 20,
        SignupStatus.CONFIRMED: 20,
        SignupStatus.WAITLISTED: 20,
    }


def test_one_volunteer_signing_up_for_overlapping_activities_at_once_gets_one():
    station = make_station()
    (volunteer,) = make_volunteers(station, 1)
    activities = [open_activity(station, capacity=5) for _ in range(5)]  # all 09:00–11:00

    # Five requests released at one instant; the volunteer's row lock queues them, so each
    # overlap check sees the sign-ups committed before it.
    def sign_up(activity: Activity) -> Signup:
        return signup_create(activity=activity, volunteer=volunteer, actor=None)

    outcomes = run_together([partial(sign_up, activity) for activity in activities])

    accepted = [outcome for outcome in outcomes if isinstance(outcome, Signup)]
    assert len(accepted) == 1, outcomes
    refused = [outcome for outcome in outcomes if isinstance(outcome, DomainError)]
    assert [error.code for error in refused] == ["overlap"] * 4
    assert Signup.objects.filter(volunteer=volunteer).count() == 1
