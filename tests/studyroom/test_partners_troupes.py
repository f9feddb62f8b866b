"""Partners (their contacts, the activities they joined, the hours their people gave) and
troupes (sub-teams with their own leader, rehearsals and performances as activities)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.activities.models import Activity
from linli.ledger.actions import ledger_credit
from linli.partners.actions import (
    PartnerInput,
    partner_activity_add,
    partner_contact_add,
    partner_create,
    partner_volunteer_add,
)
from linli.teams.actions.troupes import TroupeEventInput, troupe_event_create
from linli.teams.models import Team, TeamMembership
from tests.conftest import Corps, World, api_token, bearer, signed_in

pytestmark = pytest.mark.django_db


def _when(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def troupe(world: World, corps: Corps) -> Team:
    culture = Team.objects.create(station=world.jiaojia, name="文体志愿服务队")
    dragon = Team.objects.create(station=world.jiaojia, name="舞龙队", parent=culture)
    TeamMembership.objects.create(
        team=dragon, volunteer=corps.leader, role="leader", status="active"
    )
    return dragon


def test_a_troupe_leader_publishes_rehearsals_and_performances(
    world: World, corps: Corps, troupe: Team
) -> None:
    leader = world.user(Role.TEAM_LEADER)
    rehearsal = troupe_event_create(
        troupe=troupe,
        data=TroupeEventInput("rehearsal", "舞龙队周三排练", "文化广场", _when(2, 18), _when(2, 20), 20),
        actor=leader,
    )  # fmt: skip
    show = troupe_event_create(
        troupe=troupe,
        data=TroupeEventInput("performance", "元宵舞龙展演", "文化广场", _when(9, 9), _when(9, 11), 30),
        actor=leader,
    )  # fmt: skip
    assert rehearsal.activity.members_only and not show.activity.members_only
    assert {rehearsal.activity.status, show.activity.status} == {"published"}
    assert show.activity.team == troupe and show.activity.category == "culture"
    assert show.activity.responsible_name == corps.leader.person.name  # the troupe's own leader
    page = signed_in(world.user(Role.VOLUNTEER)).get(f"/volunteers/teams/{troupe.pk}/")
    assert "元宵舞龙展演" in page.content.decode() and "排练" in page.content.decode()
    with pytest.raises(PermissionDenied):  # a member who does not lead the troupe
        troupe_event_create(
            troupe=troupe,
            data=TroupeEventInput("rehearsal", "x", "y", _when(3, 18), _when(3, 19), 5),
            actor=world.user(Role.VOLUNTEER),
        )
    with pytest.raises(ValidationError):  # the parent team is not a troupe
        troupe_event_create(
            troupe=troupe.parent,  # type: ignore[arg-type]
            data=TroupeEventInput("rehearsal", "x", "y", _when(3, 18), _when(3, 19), 5),
            actor=None,
        )


def test_a_partner_page_lists_its_activities_and_its_peoples_hours(
    world: World, corps: Corps
) -> None:
    staff = world.user(Role.STATION_STAFF)
    hospital = partner_create(
        station=world.jiaojia, data=PartnerInput("县中医院", "hospital", "重阳节义诊"), actor=staff
    )
    partner_contact_add(partner=hospital, name="陈医生", role="医务科", phone="0555-1234567",
                        actor=staff)  # fmt: skip
    clinic = Activity.objects.create(
        station=world.jiaojia, organizer="焦家社区", title="重阳节义诊", category="health",
        place="社区广场", starts_at=_when(-30, 8), ends_at=_when(-30, 11), capacity=10,
        responsible_name="社工", status="verified",
    )  # fmt: skip
    partner_activity_add(partner=hospital, activity=clinic, actor=staff)
    partner_volunteer_add(partner=hospital, volunteer=corps.volunteer, actor=staff)
    ledger_credit(
        volunteer=corps.volunteer, account="hours", amount=Decimal("3.00"), kind="activity",
        served_on=timezone.localdate(), description="义诊", source_key="t:1", actor=None,
    )  # fmt: skip
    ledger_credit(
        volunteer=corps.leader, account="hours", amount=Decimal("5.00"), kind="activity",
        served_on=timezone.localdate(), description="other", source_key="t:2", actor=None,
    )  # fmt: skip
    page = signed_in(staff).get(f"/partners/{hospital.pk}/").content.decode()
    assert "陈医生" in page and "重阳节义诊" in page and "3.00 小时" in page
    body = Client().get("/api/v1/partners", **bearer(api_token(staff))).json()
    assert body["items"][0]["hours"] == "3.00"
    assert (body["items"][0]["activities"], body["items"][0]["people"]) == (1, 1)
    detail = Client().get(f"/api/v1/partners/{hospital.pk}", **bearer(api_token(staff))).json()
    assert [row["title"] for row in detail["joined"]] == ["重阳节义诊"]
    assert world.outsider is not None
    assert signed_in(world.outsider).get(f"/partners/{hospital.pk}/").status_code == 404
    outsider = Client().get(f"/api/v1/partners/{hospital.pk}", **bearer(api_token(world.outsider)))
    assert outsider.status_code == 404
    with pytest.raises(PermissionDenied):
        partner_contact_add(partner=hospital, name="x", role="", phone="",
                            actor=world.user(Role.VOLUNTEER))  # fmt: skip
