"""Sign-up through the API: seats then the waitlist, cancelling promotes the first in line, overlap,
who may sign up (active, trained, members only), signing up again after cancelling.

The cast (tests/conftest.py `corps`): 黄文静 (`corps.volunteer`, the volunteer user) is a member of
党员志愿服务队, which 张志强 (the team_leader user) leads; `corps.applicant` is still pending;
`corps.outsider` volunteers at 黄池. `crowd` adds active volunteers of 焦家 in no team.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.activities.actions import lifecycle
from linli.activities.models import Activity, Signup, SignupStatus
from linli.volunteers.actions.registration import volunteer_suspend
from linli.volunteers.models import TrainingAttendance, TrainingSession
from tests.conftest import api_token, bearer, make_volunteer


def api(user: Any) -> dict[str, Any]:
    return bearer(api_token(user))


def at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def published(world: Any, *, starts_at: Any = None, ends_at: Any = None, **fields: Any) -> Activity:
    data = lifecycle.ActivityInput(
        title=fields.pop("title", "垃圾分类宣传"),
        category="environment",
        place="焦家小区",
        starts_at=starts_at or at(2, 9),
        ends_at=ends_at or at(2, 12),
        capacity=fields.pop("capacity", 2),
        responsible_name="张志强",
        **fields,
    )
    activity = lifecycle.activity_create(station=world.jiaojia, data=data, actor=None)
    return lifecycle.activity_publish(activity=activity, actor=None)


@pytest.fixture
def crowd(corps, world) -> list[Any]:
    names = ["陈明", "刘芳", "赵磊", "孙丽"]
    return [
        make_volunteer(
            world.jiaojia, None, name, date(1980 + i, 1, 1), 30 + i, phone=f"1381113{i:04d}"
        )
        for i, name in enumerate(names)
    ]


class Desk:
    """Station staff signing people up and cancelling for them, through the API."""

    def __init__(self, user: Any) -> None:
        self.client = Client()
        self.headers = api(user)

    def sign_up(self, activity: Activity, volunteer: Any) -> Any:
        return self.client.post(
            f"/api/v1/activities/{activity.pk}/signups",
            {"volunteer": volunteer.pk},
            content_type="application/json",
            **self.headers,
        )

    def cancel(self, activity: Activity, volunteer: Any) -> Any:
        return self.client.delete(
            f"/api/v1/activities/{activity.pk}/signups/{volunteer.pk}", **self.headers
        )


@pytest.fixture
def desk(world) -> Desk:
    return Desk(world.user(Role.STATION_STAFF))


def statuses(activity: Activity) -> dict[int, str]:
    return dict(Signup.objects.filter(activity=activity).values_list("volunteer_id", "status"))


def test_confirmed_while_seats_remain_then_waitlisted(corps, world, crowd, desk):
    activity = published(world, capacity=2)
    answers = [desk.sign_up(activity, volunteer) for volunteer in crowd]
    assert [answer.status_code for answer in answers] == [201] * 4
    assert [answer.json()["status"] for answer in answers] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    detail = desk.client.get(f"/api/v1/activities/{activity.pk}", **desk.headers).json()
    assert (detail["confirmed"], detail["waitlisted"]) == (2, 2)


def test_a_volunteer_signs_up_themselves_and_sees_it(corps, world):
    activity = published(world)
    client, headers = Client(), api(world.user(Role.VOLUNTEER))
    response = client.post(
        f"/api/v1/activities/{activity.pk}/signups", {}, content_type="application/json", **headers
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "confirmed"
    assert response.json()["volunteer"] == corps.volunteer.pk
    detail = client.get(f"/api/v1/activities/{activity.pk}", **headers).json()
    assert detail["my_signup"] == "confirmed"
    listed = client.get("/api/v1/activities", **headers).json()
    assert listed["items"][0]["my_signup"] == "confirmed"
    # Someone else sees the count, not a sign-up of their own.
    other = Client().get(f"/api/v1/activities/{activity.pk}", **api(world.user(Role.TEAM_LEADER)))
    assert (other.json()["confirmed"], other.json()["my_signup"]) == (1, None)


def test_a_volunteer_cannot_sign_up_someone_else(corps, world, crowd):
    activity = published(world)
    response = Client().post(
        f"/api/v1/activities/{activity.pk}/signups",
        {"volunteer": crowd[0].pk},
        content_type="application/json",
        **api(world.user(Role.VOLUNTEER)),
    )
    assert response.status_code == 403
    assert not Signup.objects.exists()


def test_the_teams_leader_signs_up_someone_for_their_teams_activity(corps, world, crowd):
    own = published(world, team=corps.party_team)
    other = published(
        world, team=corps.law_team, title="普法", starts_at=at(3, 9), ends_at=at(3, 10)
    )
    leader = Desk(world.user(Role.TEAM_LEADER))
    assert leader.sign_up(own, crowd[0]).status_code == 201
    assert leader.sign_up(other, crowd[1]).status_code == 403


def test_staff_without_a_volunteer_record_must_name_the_volunteer(corps, world):
    activity = published(world)
    response = Client().post(
        f"/api/v1/activities/{activity.pk}/signups",
        {},
        content_type="application/json",
        **api(world.user(Role.STATION_STAFF)),
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["loc"] == ["volunteer"]


def test_the_outsider_gets_404(corps, world):
    activity = published(world)
    response = Client().post(
        f"/api/v1/activities/{activity.pk}/signups",
        {"volunteer": corps.volunteer.pk},
        content_type="application/json",
        **api(world.outsider),
    )
    assert response.status_code == 404


def test_a_volunteer_of_another_station_is_not_found_at_this_one(corps, world, desk):
    response = desk.sign_up(published(world), corps.outsider)
    assert response.status_code == 422


@pytest.mark.parametrize("state", ["draft", "closed", "cancelled"])
def test_only_published_or_ongoing_activities_take_sign_ups(corps, world, desk, state):
    activity = published(world)
    if state == "draft":
        activity = lifecycle.activity_create(
            station=world.jiaojia,
            data=lifecycle.ActivityInput(
                title="草稿",
                category="community",
                place="站",
                starts_at=at(5, 9),
                ends_at=at(5, 10),
                capacity=3,
                responsible_name="张",
            ),  # fmt: skip
            actor=None,
        )
    elif state == "closed":
        lifecycle.activity_close(activity=activity, actor=None)
    else:
        lifecycle.activity_cancel(activity=activity, reason="天气", actor=None)
    response = desk.sign_up(activity, corps.volunteer)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_open"


def test_signing_up_twice_is_a_conflict(corps, world, desk):
    activity = published(world)
    assert desk.sign_up(activity, corps.volunteer).status_code == 201
    again = desk.sign_up(activity, corps.volunteer)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_signed_up"


# --- cancelling and the waitlist --------------------------------------------------------------------


def test_cancelling_a_confirmed_seat_promotes_the_first_waitlisted(corps, world, crowd, desk):
    activity = published(world, capacity=1)
    first, second, third, _fourth = crowd
    for volunteer in (first, second, third):
        desk.sign_up(activity, volunteer)
    response = desk.cancel(activity, first)
    assert response.status_code == 200
    assert response.json() == {"volunteer": first.pk, "status": "cancelled", "promoted": second.pk}
    assert statuses(activity) == {
        first.pk: SignupStatus.CANCELLED,
        second.pk: SignupStatus.CONFIRMED,
        third.pk: SignupStatus.WAITLISTED,
    }
    assert Signup.objects.get(activity=activity, volunteer=second).promoted_at is not None


def test_the_waitlist_is_ordered_by_when_people_signed_up_not_by_id(corps, world, crowd, desk):
    activity = published(world, capacity=1)
    first, second, third, _fourth = crowd
    desk.sign_up(activity, first)
    desk.sign_up(activity, second)  # waitlisted, lower id
    desk.sign_up(activity, third)  # waitlisted
    # The second leaves the waitlist and comes back: now behind the third.
    assert desk.cancel(activity, second).json()["promoted"] is None
    assert desk.sign_up(activity, second).json()["status"] == "waitlisted"
    assert desk.cancel(activity, first).json()["promoted"] == third.pk


def test_cancelling_a_waitlisted_place_promotes_nobody(corps, world, crowd, desk):
    activity = published(world, capacity=1)
    desk.sign_up(activity, crowd[0])
    desk.sign_up(activity, crowd[1])
    desk.sign_up(activity, crowd[2])
    assert desk.cancel(activity, crowd[1]).json()["promoted"] is None
    assert statuses(activity)[crowd[2].pk] == SignupStatus.WAITLISTED


def test_a_volunteer_cancels_their_own_but_not_someone_elses(corps, world, crowd, desk):
    activity = published(world)
    desk.sign_up(activity, corps.volunteer)
    desk.sign_up(activity, crowd[0])
    client, headers = Client(), api(world.user(Role.VOLUNTEER))
    theirs = client.delete(f"/api/v1/activities/{activity.pk}/signups/{crowd[0].pk}", **headers)
    assert theirs.status_code == 403
    own = client.delete(f"/api/v1/activities/{activity.pk}/signups/{corps.volunteer.pk}", **headers)
    assert own.status_code == 200
    again = client.delete(
        f"/api/v1/activities/{activity.pk}/signups/{corps.volunteer.pk}", **headers
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_cancelled"


def test_cancelling_a_sign_up_that_does_not_exist_is_404(corps, world, crowd, desk):
    response = desk.cancel(published(world), crowd[0])
    assert response.status_code == 404


def test_signing_up_again_after_cancelling(corps, world, crowd, desk):
    activity = published(world, capacity=1)
    desk.sign_up(activity, crowd[0])
    desk.cancel(activity, crowd[0])
    again = desk.sign_up(activity, crowd[0])
    assert again.status_code == 201
    assert again.json()["status"] == "confirmed"
    assert Signup.objects.filter(activity=activity, volunteer=crowd[0]).count() == 1


# --- overlap ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("second_start", "second_end", "allowed"),
    [
        ((2, 11), (2, 14), False),  # overlaps the morning
        ((2, 8), (2, 9, 30), False),  # overlaps its start
        ((2, 10), (2, 11), False),  # inside it
        ((2, 12), (2, 15), True),  # starts as it ends
        ((2, 7), (2, 9), True),  # ends as it starts
        ((3, 9), (3, 12), True),  # another day
    ],
)
def test_overlapping_activities_are_refused_adjacent_ones_allowed(
    corps, world, desk, second_start, second_end, allowed
):
    morning = published(world, starts_at=at(2, 9), ends_at=at(2, 12))
    second = published(world, title="第二场", starts_at=at(*second_start), ends_at=at(*second_end))
    assert desk.sign_up(morning, corps.volunteer).status_code == 201
    response = desk.sign_up(second, corps.volunteer)
    if allowed:
        assert response.status_code == 201
    else:
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "overlap"


def test_a_cancelled_sign_up_or_activity_does_not_block(corps, world, desk):
    morning = published(world, starts_at=at(2, 9), ends_at=at(2, 12))
    second = published(world, title="第二场", starts_at=at(2, 10), ends_at=at(2, 11))
    desk.sign_up(morning, corps.volunteer)
    desk.cancel(morning, corps.volunteer)
    assert desk.sign_up(second, corps.volunteer).status_code == 201
    third = published(world, title="第三场", starts_at=at(2, 10), ends_at=at(2, 11))
    lifecycle.activity_cancel(activity=second, reason="改期", actor=None)
    assert desk.sign_up(third, corps.volunteer).status_code == 201


# --- who may sign up --------------------------------------------------------------------------------


def test_a_pending_volunteer_is_refused(corps, world, desk):
    response = desk.sign_up(published(world), corps.applicant)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_eligible"


def test_a_suspended_volunteer_is_refused(corps, world, desk):
    volunteer_suspend(volunteer=corps.volunteer, reason="暂停服务", actor=None)
    response = desk.sign_up(published(world), corps.volunteer)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_eligible"


def test_a_required_course_is_needed_until_attended(corps, world, desk):
    activity = published(world, required_course=corps.law_course)
    refused = desk.sign_up(activity, corps.volunteer)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "not_eligible"
    assert "法律援助基础" in refused.json()["error"]["message"]
    session = TrainingSession.objects.create(course=corps.law_course, held_on=date(2026, 3, 1))
    absent = TrainingAttendance.objects.create(
        session=session, volunteer=corps.volunteer, attended=False, hours=0
    )
    assert desk.sign_up(activity, corps.volunteer).status_code == 409  # registered, not there
    absent.delete()
    TrainingAttendance.objects.create(
        session=session, volunteer=corps.volunteer, attended=True, hours=4
    )
    assert desk.sign_up(activity, corps.volunteer).status_code == 201


def test_members_only_admits_the_teams_active_members(corps, world, crowd, desk):
    activity = published(world, team=corps.party_team, members_only=True)
    assert desk.sign_up(activity, corps.volunteer).status_code == 201
    assert desk.sign_up(activity, corps.leader).status_code == 201
    outsider = desk.sign_up(activity, crowd[0])
    assert outsider.status_code == 409
    assert outsider.json()["error"]["code"] == "not_eligible"
    assert "党员志愿服务队" in outsider.json()["error"]["message"]
