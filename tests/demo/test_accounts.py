"""`linli demo --seed-only`: the station tree and one account per role, idempotently."""

from django.test import Client

from linli.accounts.models import RoleAssignment, User
from linli.audit.models import AuditLog
from linli.ops.demo import DEMO_ACCOUNTS
from linli.org.models import Station
from tests.demo.conftest import SeededDemo, run_seed


def test_seed_creates_the_tree_and_the_accounts_once(demo: SeededDemo, settings):
    first = demo.output
    assert "13900000002" in first
    assert settings.DEMO_PASSWORD in first
    demo_accounts = User.objects.filter(phone__startswith="139000000")
    assert Station.objects.count() == 3
    assert sorted(demo_accounts.values_list("phone", flat=True)) == sorted(
        phone for phone, *_ in DEMO_ACCOUNTS
    )
    for phone, _name, role, station in DEMO_ACCOUNTS:
        held = RoleAssignment.objects.filter(user__phone=phone, role=role)
        assert held.filter(station__code=station).exists() if station else held.exists()
    counts = (Station.objects.count(), User.objects.count(), RoleAssignment.objects.count())
    second = run_seed()
    assert "新增 0" in second
    assert (Station.objects.count(), User.objects.count(), RoleAssignment.objects.count()) == counts
    jiaojia = Station.objects.get(code="JIAOJIA")
    assert jiaojia.path == "/DANGTU/DANGTU-KFQ/JIAOJIA/"
    assert jiaojia.name == "焦家社区新时代文明实践站"
    assert AuditLog.objects.filter(action="station.create").count() == 3


def test_every_demo_account_signs_in_when_two_factor_is_not_forced(demo: SeededDemo, settings):
    settings.REQUIRE_2FA = False
    for phone, _name, role, _station in DEMO_ACCOUNTS:
        web = Client()
        response = web.post(
            "/accounts/login/", {"phone": phone, "password": settings.DEMO_PASSWORD}
        )
        assert response["Location"] == "/", phone
        assert f'data-testid="role-card-{role}"' in web.get("/").content.decode()
        api = Client().post(
            "/api/v1/auth/token",
            {"phone": phone, "password": settings.DEMO_PASSWORD},
            content_type="application/json",
        )
        assert api.status_code == 200, phone
        assert api.json()["user"]["roles"][0]["role"] == role


def test_the_demo_centre_lets_its_supervisor_administer_the_stations_below(demo: SeededDemo):
    from linli.accounts import access

    supervisor = User.objects.get(phone="13900000001")
    administered = set(access.administered_stations(supervisor).values_list("code", flat=True))
    assert administered == {"DANGTU-KFQ", "JIAOJIA"}
