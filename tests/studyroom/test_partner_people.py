"""The volunteers who came through a partner: staff link and unlink them from the partner's page
(a search-as-you-type picker) or the API, and a person registering names their 所属单位 on the
public page, the desk form or the API. The partner's hours follow the links."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from linli.audit.models import AuditLog
from linli.ledger.actions import ledger_credit
from linli.partners.actions import PartnerInput, partner_create
from linli.partners.models import Partner, PartnerVolunteer
from linli.volunteers.models import Volunteer
from tests.conftest import Corps, World, api_token, bearer, signed_in
from tests.test_volunteer_registration import api_register, page_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital(world: World, corps: Corps) -> Partner:
    return partner_create(
        station=world.jiaojia, data=PartnerInput("县中医院", "hospital"), actor=None
    )


@pytest.fixture
def outside_partner(world: World) -> Partner:
    return partner_create(
        station=world.huangchi, data=PartnerInput("黄池卫生院", "hospital"), actor=None
    )


def _hours(volunteer: Any, amount: str, key: str) -> None:
    ledger_credit(
        volunteer=volunteer, account="hours", amount=Decimal(amount), kind="activity",
        served_on=timezone.localdate(), description="义诊", source_key=key, actor=None,
    )  # fmt: skip


def test_staff_find_link_and_unlink_a_volunteer_on_the_partner_page(
    world: World, corps: Corps, hospital: Partner
) -> None:
    _hours(corps.volunteer, "4.50", "p:1")
    client = signed_in(world.user(Role.STATION_STAFF))
    page = client.get(f"/partners/{hospital.pk}/").content.decode()
    assert 'data-testid="partner-picker-q"' in page
    search = f"/partners/{hospital.pk}/volunteers/"
    for q in ("黄文", "hwj", "huangwen"):
        found = client.get(search, {"q": q}).content.decode()
        assert f'data-testid="found-{corps.volunteer.pk}"' in found, q
        assert f'data-testid="found-{corps.outsider.pk}"' not in found  # another station's
    assert "partner-picker-none" in client.get(search, {"q": "钱进"}).content.decode()
    response = client.post(
        f"/partners/{hospital.pk}/volunteers/add/", {"volunteer": corps.volunteer.pk}
    )
    assert response.status_code == 302
    page = client.get(f"/partners/{hospital.pk}/").content.decode()
    assert "黄文静" in page and "4.50 小时" in page
    # Linked already: the picker no longer offers them.
    assert f"found-{corps.volunteer.pk}" not in client.get(search, {"q": "hwj"}).content.decode()
    link = PartnerVolunteer.objects.get(partner=hospital, volunteer=corps.volunteer)
    assert AuditLog.objects.filter(action="partner.volunteer_add").exists()
    client.post(f"/partners/{hospital.pk}/volunteers/{link.pk}/remove/")
    assert not PartnerVolunteer.objects.filter(pk=link.pk).exists()
    assert AuditLog.objects.get(action="partner.volunteer_remove").actor == world.user(
        Role.STATION_STAFF
    )
    assert "0.00 小时" in client.get(f"/partners/{hospital.pk}/").content.decode()


def test_another_stations_volunteer_is_not_linked(
    world: World, corps: Corps, hospital: Partner
) -> None:
    client = signed_in(world.user(Role.STATION_STAFF))
    client.post(f"/partners/{hospital.pk}/volunteers/add/", {"volunteer": corps.outsider.pk})
    client.post(f"/partners/{hospital.pk}/volunteers/add/", {"volunteer": "9" * 30})
    assert not PartnerVolunteer.objects.exists()


@pytest.mark.parametrize(
    "role, status",
    [
        (Role.STATION_STAFF, 200),
        (Role.ADMIN, 200),
        (Role.SUPERVISOR, 404),  # reads partners, keeps none
        (Role.VOLUNTEER, 404),
        (Role.TEAM_LEADER, 404),
        ("outsider", 404),
    ],
)
def test_only_the_stations_staff_use_the_picker(
    world: World, corps: Corps, hospital: Partner, role: str, status: int
) -> None:
    user = world.outsider if role == "outsider" else world.user(role)
    assert user is not None
    client = signed_in(user)
    assert client.get(f"/partners/{hospital.pk}/volunteers/", {"q": "hwj"}).status_code == status
    client.post(f"/partners/{hospital.pk}/volunteers/add/", {"volunteer": corps.volunteer.pk})
    linked = PartnerVolunteer.objects.filter(partner=hospital).exists()
    assert linked == (status == 200)


def test_the_picker_bounds_its_search(world: World, hospital: Partner) -> None:
    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.get(f"/partners/{hospital.pk}/volunteers/", {"q": "x" * 51})
    assert response.status_code == 200 and "found-" not in response.content.decode()


def test_the_api_links_and_unlinks(world: World, corps: Corps, hospital: Partner) -> None:
    _hours(corps.leader, "2.00", "p:2")
    staff = bearer(api_token(world.user(Role.STATION_STAFF)))
    url = f"/api/v1/partners/{hospital.pk}/volunteers"
    response = Client().post(
        url, {"volunteer": corps.leader.pk}, content_type="application/json", **staff
    )
    assert response.status_code == 201
    assert response.json()["name"] == "张志强" and response.json()["hours"] == "2.00"
    detail = Client().get(f"/api/v1/partners/{hospital.pk}", **staff).json()
    assert [row["name"] for row in detail["volunteers"]] == ["张志强"]
    assert detail["hours"] == "2.00"
    refused = Client().post(
        url, {"volunteer": corps.outsider.pk}, content_type="application/json", **staff
    )
    assert refused.status_code == 422
    volunteer = bearer(api_token(world.user(Role.VOLUNTEER)))
    assert Client().delete(f"{url}/{corps.leader.pk}", **volunteer).status_code == 404
    supervisor = bearer(api_token(world.user(Role.SUPERVISOR)))
    assert Client().delete(f"{url}/{corps.leader.pk}", **supervisor).status_code == 404
    assert Client().delete(f"{url}/{corps.leader.pk}", **staff).status_code == 204
    assert Client().delete(f"{url}/{corps.leader.pk}", **staff).status_code == 404
    assert not PartnerVolunteer.objects.exists()


def test_the_api_lists_a_partner_on_an_activity(
    world: World, corps: Corps, hospital: Partner
) -> None:
    from linli.activities.models import Activity

    clinic = Activity.objects.create(
        station=world.jiaojia, organizer="焦家社区", title="重阳节义诊", category="health",
        place="社区广场", starts_at=timezone.now(), ends_at=timezone.now(), capacity=10,
        responsible_name="社工",
    )  # fmt: skip
    staff = bearer(api_token(world.user(Role.STATION_STAFF)))
    url = f"/api/v1/partners/{hospital.pk}/activities"
    response = Client().post(url, {"activity": clinic.pk}, content_type="application/json", **staff)
    assert response.status_code == 201 and response.json()["title"] == "重阳节义诊"
    assert clinic.partner_links.get().partner == hospital
    volunteer = bearer(api_token(world.user(Role.VOLUNTEER)))
    assert Client().post(url, {"activity": clinic.pk}, content_type="application/json",
                         **volunteer).status_code == 404  # fmt: skip


# --- 所属单位 at registration -----------------------------------------------------------------


def test_the_public_page_offers_the_stations_partners(
    world: World, hospital: Partner, outside_partner: Partner
) -> None:
    page = Client().get("/volunteers/register/", {"station": "JIAOJIA"}).content.decode()
    assert "所属单位" in page and "县中医院" in page and "黄池卫生院" not in page
    response = Client().post("/volunteers/register/", page_data(partner=hospital.pk))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user__phone=page_data()["phone"])
    assert PartnerVolunteer.objects.get(volunteer=volunteer).partner == hospital
    row = AuditLog.objects.get(action="volunteer.register", target_id=str(volunteer.pk))
    assert row.after is not None and row.after["partner"] == hospital.pk


def test_no_partner_is_fine_and_another_stations_is_refused(
    world: World, hospital: Partner, outside_partner: Partner
) -> None:
    response = Client().post("/volunteers/register/", page_data(partner=outside_partner.pk))
    assert response.status_code == 200  # not one of the choices
    assert not Volunteer.objects.filter(user__phone=page_data()["phone"]).exists()
    response = Client().post("/volunteers/register/", page_data())
    assert response.status_code == 302
    assert not PartnerVolunteer.objects.exists()


def test_a_station_without_partners_shows_no_such_field(registry: Any) -> None:
    page = Client().get("/volunteers/register/", {"station": "JIAOJIA"}).content.decode()
    assert "所属单位" not in page


def test_the_desk_form_records_the_partner(world: World, hospital: Partner) -> None:
    client = signed_in(world.user(Role.STATION_STAFF))
    assert "县中医院" in client.get("/volunteers/new/").content.decode()
    response = client.post("/volunteers/new/", page_data(partner=hospital.pk))
    assert response.status_code == 302
    assert PartnerVolunteer.objects.get(partner=hospital).volunteer.person.name == "赵雨桐"


def test_the_register_api_takes_a_partner(
    world: World, hospital: Partner, outside_partner: Partner
) -> None:
    refused = api_register(partner=outside_partner.pk)
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["loc"][-1] == "partner"
    assert api_register(partner=hospital.pk).status_code == 202
    assert PartnerVolunteer.objects.get(partner=hospital).volunteer.person.name == "赵雨桐"
