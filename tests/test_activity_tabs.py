"""The activity list as a volunteer first sees it: what they can sign up for, history behind a
tab, never a draft or a draft filter; organisers keep every activity and its filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from linli.accounts.models import Role
from linli.activities.actions.signups import signup_create
from linli.activities.models import Activity
from tests.conftest import signed_in
from tests.test_activity_pages import make_activity

pytestmark = pytest.mark.django_db


def members_only(activity: Activity) -> Activity:
    Activity.objects.filter(pk=activity.pk).update(members_only=True)
    return activity


def test_a_volunteer_opens_on_what_they_can_sign_up_for(world: Any, corps: Any) -> None:
    soon = make_activity(world, title="明天义诊", starts_in=timedelta(days=1))
    past = make_activity(world, title="上周清扫", starts_in=timedelta(days=-7))
    draft = make_activity(world, title="草稿活动", starts_in=timedelta(days=2), publish=False)
    others = members_only(
        make_activity(world, title="法律队内部", starts_in=timedelta(days=3), team=corps.law_team)
    )
    ours = members_only(
        make_activity(world, title="党员队内部", starts_in=timedelta(days=4), team=corps.party_team)
    )
    taken = make_activity(world, title="已报名的", starts_in=timedelta(days=5))
    signup_create(activity=taken, volunteer=corps.volunteer, actor=None)
    client = signed_in(world.user(Role.VOLUNTEER))
    page = client.get("/activities/").content.decode()
    listed = page.split('data-testid="open-activities"')[1].split("</ul>")[0]
    assert soon.title in listed and ours.title in listed
    for hidden in (past, draft, others, taken):
        assert hidden.title not in listed
    assert listed.index(soon.title) < listed.index(ours.title)
    assert 'data-testid="activity-filters"' not in page
    history = client.get("/activities/?tab=history").content.decode()
    assert past.title in history and soon.title not in history and draft.title not in history
    assert 'value="draft"' not in history
    assert taken.title in client.get("/activities/?tab=mine").content.decode()
    assert client.get("/activities/?tab=all").status_code == 200  # falls back to 可报名


def test_organisers_keep_every_activity_and_the_draft_filter(world: Any, corps: Any) -> None:
    draft = make_activity(world, title="草稿活动", starts_in=timedelta(days=2), publish=False)
    page = signed_in(world.user(Role.STATION_STAFF)).get("/activities/").content.decode()
    assert draft.title in page and 'value="draft"' in page
    leader = signed_in(world.user(Role.TEAM_LEADER)).get("/activities/").content.decode()
    assert 'data-testid="tab-open"' in leader and 'data-testid="tab-all"' in leader


def test_a_resident_reads_without_drafts(world: Any, corps: Any) -> None:
    draft = make_activity(world, title="草稿活动", starts_in=timedelta(days=2), publish=False)
    soon = make_activity(world, title="明天义诊", starts_in=timedelta(days=1))
    page = signed_in(world.user(Role.RESIDENT)).get("/activities/").content.decode()
    assert draft.title not in page and 'value="draft"' not in page
    assert soon.title in page


def test_a_draft_is_seen_by_its_organisers_only_on_pages_and_the_api(
    world: Any, corps: Any
) -> None:
    from django.test import Client

    from tests.conftest import api_token, bearer

    station_draft = make_activity(
        world, title="站里的草稿", starts_in=timedelta(days=2), publish=False
    )
    team_draft = make_activity(
        world,
        title="党员队的草稿",
        starts_in=timedelta(days=3),
        team=corps.party_team,
        publish=False,
    )
    law_draft = make_activity(
        world, title="法律队的草稿", starts_in=timedelta(days=3), team=corps.law_team, publish=False
    )
    published = make_activity(world, title="已发布的活动", starts_in=timedelta(days=1))
    everyone = {station_draft, team_draft, law_draft}
    seen_by = {
        Role.ADMIN: everyone,
        Role.STATION_STAFF: everyone,
        Role.TEAM_LEADER: {team_draft},  # the leader of 党员队 organises its drafts only
        Role.SUPERVISOR: set(),
        Role.VOLUNTEER: set(),
        Role.RESIDENT: set(),
    }
    for role, drafts in seen_by.items():
        user = world.user(role)
        api = bearer(api_token(user))
        listed = {row["id"] for row in Client().get("/api/v1/activities", **api).json()["items"]}
        page = signed_in(user).get("/activities/?tab=all").content.decode()
        assert published.pk in listed, role
        for draft in everyone:
            shown = draft in drafts
            assert (draft.pk in listed) == shown, (role, draft.title)
            assert (draft.title in page) == shown, (role, draft.title)
            detail = Client().get(f"/api/v1/activities/{draft.pk}", **api)
            assert detail.status_code == (200 if shown else 404), (role, draft.title)
            assert signed_in(user).get(f"/activities/{draft.pk}/").status_code == (
                200 if shown else 404
            ), (role, draft.title)
