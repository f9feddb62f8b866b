"""The one gate: a user reaches stations through roles; anything outside answers 404."""

import pytest
from django.test import Client

from linli.accounts import access
from linli.accounts.models import Role
from tests.conftest import api_token, bearer, signed_in


@pytest.mark.parametrize("role", [r for r in Role.values if r not in (Role.ADMIN, Role.SUPERVISOR)])
def test_every_station_role_sees_its_own_station(world, role):
    client = signed_in(world.user(role))
    assert client.get("/stations/JIAOJIA/").status_code == 200
    assert client.get("/stations/HUANGCHI/").status_code == 404
    token = api_token(world.user(role))
    assert Client().get("/api/v1/stations/JIAOJIA", **bearer(token)).status_code == 200
    assert Client().get("/api/v1/stations/HUANGCHI", **bearer(token)).status_code == 404


def test_outsider_gets_404_on_another_stations_objects_like_a_missing_one(world):
    client = signed_in(world.outsider)
    hidden = client.get("/stations/JIAOJIA/")
    missing = client.get("/stations/NOSUCHSTATION/")
    assert hidden.status_code == missing.status_code == 404
    token = api_token(world.outsider)
    hidden_api = Client().get("/api/v1/stations/JIAOJIA", **bearer(token))
    missing_api = Client().get("/api/v1/stations/NOSUCH", **bearer(token))
    assert hidden_api.status_code == missing_api.status_code == 404
    assert hidden_api.json() == missing_api.json()
    listing = Client().get("/api/v1/stations", **bearer(token)).json()
    assert [item["code"] for item in listing["items"]] == ["HUANGCHI"]


def test_supervisor_reads_their_subtree_only(world):
    supervisor = world.user(Role.SUPERVISOR)  # bound to the 开发区 institute
    codes = set(access.visible_stations(supervisor).values_list("code", flat=True))
    assert codes == {"DANGTU-KFQ", "JIAOJIA"}
    client = signed_in(supervisor)
    assert client.get("/stations/JIAOJIA/").status_code == 200
    assert client.get("/stations/HUANGCHI/").status_code == 404
    assert client.get("/stations/DANGTU/").status_code == 404  # the level above is not theirs


def test_outside_supervisor_does_not_reach_jiaojia(world):
    assert not access.visible_stations(world.outside_supervisor).filter(code="JIAOJIA").exists()


def test_admin_reaches_every_station(world):
    assert access.visible_stations(world.user(Role.ADMIN)).count() == 5


def test_supervisors_read_but_do_not_write(world):
    from django.http import Http404

    supervisor = world.user(Role.SUPERVISOR)
    assert access.get_station_for_user(supervisor, "JIAOJIA").code == "JIAOJIA"
    with pytest.raises(Http404):
        access.get_station_for_user(supervisor, "JIAOJIA", write=True)
    staff = world.user(Role.STATION_STAFF)
    assert access.get_station_for_user(staff, "JIAOJIA", write=True).code == "JIAOJIA"
    with pytest.raises(Http404):
        access.get_station_for_user(staff, "HUANGCHI", write=True)


def test_anonymous_reaches_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert access.visible_stations(AnonymousUser()).count() == 0


def test_deactivated_user_reaches_nothing(world):
    staff = world.user(Role.STATION_STAFF)
    staff.is_active = False
    assert access.visible_stations(staff).count() == 0


def test_staff_look_up_only_people_of_their_stations(world):
    staff = world.user(Role.STATION_STAFF)
    visible = set(access.visible_users(staff).values_list("phone", flat=True))
    assert world.user(Role.VOLUNTEER).phone in visible
    assert world.outsider.phone not in visible
    volunteer = world.user(Role.VOLUNTEER)
    assert list(access.visible_users(volunteer)) == [volunteer]


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_admins_manage_accounts(world, role):
    client = signed_in(world.user(role))
    assert client.get("/accounts/users/").status_code == 403
    target = world.user(Role.VOLUNTEER)
    assert client.get(f"/accounts/users/{target.pk}/").status_code == 403
    assert client.post(f"/accounts/users/{target.pk}/", {"role": "admin"}).status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.SUPERVISOR, 200),
        (Role.STATION_STAFF, 200),
        (Role.TEAM_LEADER, 403),
        (Role.VOLUNTEER, 403),
        (Role.RESIDENT, 403),
        (Role.CANTEEN_OPERATOR, 403),
        (Role.CAREGIVER, 403),
    ],
)
def test_audit_log_page_by_role(world, role, status):
    assert signed_in(world.user(role)).get("/audit/").status_code == status


def test_grants_are_read_once_per_request(world, django_assert_num_queries):
    staff = world.user(Role.STATION_STAFF)
    access.forget_grants(staff)
    with django_assert_num_queries(1):
        for _ in range(5):
            access.has_role(staff, Role.STATION_STAFF)
