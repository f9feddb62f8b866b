"""Listing a partner on an activity from its page: staff type part of a title (or the activity's
number) and pick from the station's activities, newest first, with their dates; the ones the
partner is already on, cancelled ones and another station's are not offered."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.activities.models import Activity
from linli.audit.models import AuditLog
from linli.org.models import Station
from linli.partners.actions import PartnerInput, partner_create
from linli.partners.models import Partner, PartnerActivity
from linli.partners.queries import PICKER_LIMIT
from tests.conftest import World, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital(world: World) -> Partner:
    return partner_create(
        station=world.jiaojia, data=PartnerInput("县中医院", "hospital"), actor=None
    )


def activity(station: Station, title: str, days: int, status: str = "published") -> Activity:
    day = timezone.localdate() + timedelta(days=days)
    return Activity.objects.create(
        station=station, organizer="社区", title=title, category="health", place="社区广场",
        starts_at=timezone.make_aware(datetime.combine(day, time(9))),
        ends_at=timezone.make_aware(datetime.combine(day, time(11))),
        capacity=10, responsible_name="社工", status=status,
    )  # fmt: skip


def found_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="found-activity-(\d+)"', html)]


def test_staff_find_an_activity_by_its_title_and_list_the_partner_on_it(
    world: World, hospital: Partner
) -> None:
    spring = activity(world.jiaojia, "春季义诊", -200, "verified")
    autumn = activity(world.jiaojia, "重阳节义诊", -20, "verified")
    coming = activity(world.jiaojia, "冬季义诊进社区", 10)
    cancelled = activity(world.jiaojia, "雨天义诊", -5, "cancelled")
    elsewhere = activity(world.huangchi, "黄池义诊", -3)
    activity(world.jiaojia, "垃圾分类宣传", -1)
    client = signed_in(world.user(Role.STATION_STAFF))
    page = client.get(f"/partners/{hospital.pk}/").content.decode()
    assert 'data-testid="activity-picker-q"' in page
    assert 'type="number" name="activity"' not in page  # the bare number box is gone
    search = f"/partners/{hospital.pk}/activities/search/"

    found = client.get(search, {"q": "义诊"}).content.decode()
    # This station's, newest first, each with its date; not the cancelled one nor another's.
    assert found_ids(found) == [coming.pk, autumn.pk, spring.pk]
    assert cancelled.pk not in found_ids(found) and elsewhere.pk not in found_ids(found)
    assert timezone.localtime(autumn.starts_at).strftime("%Y年%-m月%-d日") in found
    assert found_ids(client.get(search, {"q": str(spring.pk)}).content.decode()) == [spring.pk]
    assert "activity-picker-none" in client.get(search, {"q": "舞龙"}).content.decode()
    assert found_ids(client.get(search, {"q": ""}).content.decode()) == []

    response = client.post(f"/partners/{hospital.pk}/activities/", {"activity": autumn.pk})
    assert response.status_code == 302
    assert PartnerActivity.objects.get(partner=hospital).activity == autumn
    assert AuditLog.objects.filter(action="partner.activity_add", station=world.jiaojia).exists()
    page = client.get(f"/partners/{hospital.pk}/").content.decode()
    assert "已关联活动：重阳节义诊。" in page
    joined = page.split('data-testid="joined"')[1].split("</ul>")[0]
    assert "重阳节义诊" in joined
    # Listed already: no longer offered.
    assert found_ids(client.get(search, {"q": "义诊"}).content.decode()) == [coming.pk, spring.pk]


def test_the_picker_offers_at_most_its_limit_of_the_newest(world: World, hospital: Partner) -> None:
    made = [activity(world.jiaojia, f"周末读书会{i}", -i) for i in range(PICKER_LIMIT + 3)]
    client = signed_in(world.user(Role.STATION_STAFF))
    found = client.get(f"/partners/{hospital.pk}/activities/search/", {"q": "读书会"})
    assert found_ids(found.content.decode()) == [a.pk for a in made[:PICKER_LIMIT]]


def test_another_stations_activity_is_not_listed(world: World, hospital: Partner) -> None:
    elsewhere = activity(world.huangchi, "黄池义诊", -3)
    client = signed_in(world.user(Role.STATION_STAFF))
    for value in (elsewhere.pk, "9" * 30, "abc", ""):
        response = client.post(f"/partners/{hospital.pk}/activities/", {"activity": value})
        assert response.status_code == 302
    assert not PartnerActivity.objects.exists()


@pytest.mark.parametrize(
    "role, status",
    [
        (Role.STATION_STAFF, 200),
        (Role.ADMIN, 200),
        (Role.SUPERVISOR, 404),  # reads partners, keeps none
        (Role.VOLUNTEER, 404),
        ("outsider", 404),
    ],
)
def test_only_the_stations_staff_use_the_activity_picker(
    world: World, hospital: Partner, role: str, status: int
) -> None:
    clinic = activity(world.jiaojia, "重阳节义诊", -20)
    user = world.outsider if role == "outsider" else world.user(role)
    assert user is not None
    client = signed_in(user)
    search = client.get(f"/partners/{hospital.pk}/activities/search/", {"q": "义诊"})
    assert search.status_code == status
    assert (clinic.pk in found_ids(search.content.decode())) == (status == 200)
    client.post(f"/partners/{hospital.pk}/activities/", {"activity": clinic.pk})
    assert PartnerActivity.objects.filter(partner=hospital).exists() == (status == 200)
    assert Client().get(f"/partners/{hospital.pk}/activities/search/").status_code == 302


def test_the_activity_picker_bounds_its_search(world: World, hospital: Partner) -> None:
    activity(world.jiaojia, "x" * 60, -1)
    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.get(f"/partners/{hospital.pk}/activities/search/", {"q": "x" * 51})
    assert response.status_code == 200 and found_ids(response.content.decode()) == []
    assert "50 字以内" in response.content.decode()
    # A NUL never reaches the search: the site's guard answers 400 before it.
    nul = client.get(f"/partners/{hospital.pk}/activities/search/", {"q": "义\x00诊"})
    assert nul.status_code == 400
