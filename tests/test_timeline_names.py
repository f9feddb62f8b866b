"""Timelines name people as the viewer may know them: "您" for one's own steps, the requester as
居民, staff as 工作人员, volunteers as 志愿者, with names only where the gate shows contacts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from linli.accounts.models import Role
from linli.assistance.actions import (
    request_accept,
    request_complete,
    request_dispatch,
    request_start,
)
from linli.assistance.timeline import timeline
from linli.people.models import Resident
from tests.conftest import signed_in, submit_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(world, registry, menu, corps):
    resident = world.user(Role.RESIDENT)
    Resident.objects.filter(pk=registry.wang.pk).update(user=resident)
    staff = world.user(Role.STATION_STAFF)
    volunteer = world.user(Role.VOLUNTEER)
    service_request = submit_request(world.jiaojia, resident, item_id=menu.repair.pk)
    request_dispatch(service_request=service_request, actor=staff, team=corps.party_team)
    request_accept(service_request=service_request, actor=volunteer)
    request_start(service_request=service_request, actor=volunteer)
    request_complete(
        service_request=service_request, actor=volunteer, hours=Decimal(2), note="修好了"
    )
    return service_request


def whos(service_request, viewer, show_names):
    return [step.who for step in timeline(service_request, viewer=viewer, show_names=show_names)]


def test_the_volunteer_reads_you_for_their_own_steps(story, world):
    names = whos(story, world.user(Role.VOLUNTEER), True)
    assert names == ["居民 resident-user", "工作人员 station_staff-user", "您", "您", "您"]


def test_the_resident_reads_you_for_asking(story, world):
    names = whos(story, world.user(Role.RESIDENT), True)
    assert names[0] == "您"
    assert names[1:] == ["工作人员 station_staff-user", *["志愿者 黄文静"] * 3]


def test_staff_read_you_for_the_dispatch_and_the_others_by_role(story, world):
    names = whos(story, world.user(Role.STATION_STAFF), True)
    assert names[:2] == ["居民 resident-user", "您"]


def test_without_the_gate_only_roles_show(story, world):
    names = whos(story, world.user(Role.TEAM_LEADER), False)
    assert names == ["居民", "工作人员", "志愿者", "志愿者", "志愿者"]
    assert "工作人员或志愿者" not in names


def test_the_page_shows_you(story, world):
    html = signed_in(world.user(Role.VOLUNTEER)).get(f"/requests/{story.pk}/").content.decode()
    timeline_html = html[html.index('data-testid="timeline"') :]
    assert "· 您" in timeline_html
