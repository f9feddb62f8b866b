"""Accounts and roles: created and changed only by administrators (page) and `linli createuser`."""

import pytest
from django.core.management import CommandError, call_command

from linli.accounts import actions
from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.models import AuditLog
from tests.conftest import signed_in


def test_admin_creates_an_account_with_a_first_role(world):
    client = signed_in(world.user(Role.ADMIN))
    response = client.post(
        "/accounts/users/",
        {
            "phone": "13912345678",
            "name": "孙玉兰",
            "password": "qingming-2026",
            "role": Role.VOLUNTEER,
            "station": "JIAOJIA",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(phone="13912345678")
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    assert RoleAssignment.objects.filter(user=user, role=Role.VOLUNTEER).exists()
    assert AuditLog.objects.filter(action="user.create", target_id=str(user.pk)).exists()
    assert AuditLog.objects.filter(action="role.grant", target_id=str(user.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"phone": "1234"}, "11 位中国大陆手机号码"),
        ({"phone": "13800000000"}, "该手机号码已注册"),
        ({"password": "12345678"}, "密码"),
        ({"role": Role.STATION_STAFF, "station": ""}, "该角色必须绑定一个站点"),
        ({"role": Role.ADMIN, "station": "JIAOJIA"}, "系统管理员不绑定站点"),
        ({"role": Role.VOLUNTEER, "station": "DANGTU"}, "其他角色须绑定到站"),
    ],
)
def test_bad_account_input_is_refused_and_nothing_is_kept(world, fields, message):
    client = signed_in(world.user(Role.ADMIN))
    data = {
        "phone": "13912345678",
        "name": "孙玉兰",
        "password": "qingming-2026",
        "role": Role.VOLUNTEER,
        "station": "JIAOJIA",
        **fields,
    }
    before = User.objects.count()
    response = client.post("/accounts/users/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before


def test_admin_grants_and_revokes_a_role_with_htmx(world):
    client = signed_in(world.user(Role.ADMIN))
    volunteer = world.user(Role.VOLUNTEER)
    response = client.post(
        f"/accounts/users/{volunteer.pk}/",
        {"role": Role.TEAM_LEADER, "station": "JIAOJIA"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="roles"' in response.content.decode()
    assert "<html" not in response.content.decode()  # a fragment, not the page
    assignment = RoleAssignment.objects.get(user=volunteer, role=Role.TEAM_LEADER)
    again = client.post(
        f"/accounts/users/{volunteer.pk}/", {"role": Role.TEAM_LEADER, "station": "JIAOJIA"}
    )
    assert "该用户已拥有此角色" in again.content.decode()
    client.post(f"/accounts/users/{volunteer.pk}/roles/{assignment.pk}/revoke/")
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    grant, revoke = (
        AuditLog.objects.filter(action__startswith="role.", target_id=str(volunteer.pk))
        .exclude(actor=None)
        .order_by("id")
    )
    assert grant.action == "role.grant"
    assert grant.after == {"role": "team_leader", "station": "JIAOJIA"}
    assert revoke.action == "role.revoke"
    assert revoke.before == {"role": "team_leader", "station": "JIAOJIA"}
    assert revoke.actor == world.user(Role.ADMIN)


def test_the_last_administrator_cannot_be_removed(world):
    admin = world.user(Role.ADMIN)
    assignment = RoleAssignment.objects.get(user=admin, role=Role.ADMIN)
    with pytest.raises(actions.AccountError) as refused:
        actions.role_revoke(assignment=assignment, actor=admin)
    assert refused.value.code == "last_admin"


def test_user_list_search_and_query_count_does_not_grow(world, django_assert_max_num_queries):
    client = signed_in(world.user(Role.ADMIN))
    with django_assert_max_num_queries(12) as few:
        client.get("/accounts/users/")
    for index in range(20):
        user = User.objects.create_user(
            f"136000000{index:02d}", "irrelevant-9", name=f"居民{index}"
        )
        actions.role_grant(user=user, role=Role.RESIDENT, station=world.jiaojia, actor=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/accounts/users/")
    assert "居民19" in page.content.decode()
    found = client.get("/accounts/users/?q=居民7", HTTP_HX_REQUEST="true").content.decode()
    assert "居民7" in found and "居民8" not in found


def test_createuser_command(world):
    call_command(
        "createuser",
        phone="13955556666",
        password="dragon-dance-88",
        role="caregiver",
        station="JIAOJIA",
        name="周敏",
    )
    user = User.objects.get(phone="13955556666")
    assert user.name == "周敏"
    assert user.check_password("dragon-dance-88")
    # Running it again for another role adds the role and leaves the password alone.
    call_command(
        "createuser", phone="13955556666", password="something-else-1", role="volunteer",
        station="JIAOJIA",
    )  # fmt: skip
    user.refresh_from_db()
    assert user.check_password("dragon-dance-88")
    assert set(user.role_assignments.values_list("role", flat=True)) == {"caregiver", "volunteer"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"phone": "110", "role": "volunteer", "station": "JIAOJIA"}, "手机号码"),
        ({"phone": "13955556666", "role": "volunteer", "station": "NOPE"}, "NOPE"),
        ({"phone": "13955556666", "role": "volunteer"}, "必须绑定一个站点"),
    ],
)
def test_createuser_refuses_bad_input(world, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("createuser", password="dragon-dance-88", **options)
    assert not User.objects.filter(phone="13955556666").exists()
