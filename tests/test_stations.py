"""Station administration (SPEC §7.2): the tree through the API and the pages, every role.

The cast is the common world: admin; a supervisor of the 开发区 institute (above JIAOJIA); staff
and every other role at JIAOJIA; an outsider (staff at HUANGCHI) and an outside supervisor.
A supervisor administers the stations below their own only when their station delegates it.
"""

from datetime import date

import pytest
from django.test import Client

from linli.accounts import access
from linli.accounts.models import Role, RoleAssignment
from linli.assistance.actions.menu import MenuItemInput, menu_category_save, menu_item_save
from linli.audit.models import AuditLog
from linli.org.models import Building, Estate, Grid, Station
from linli.people.models import Resident
from tests.conftest import add_resident, api_token, bearer, signed_in

CAST = [*Role.values, "outsider", "outside_supervisor"]


def person(world, who):
    if who == "outsider":
        return world.outsider
    if who == "outside_supervisor":
        return world.outside_supervisor
    return world.user(who)


def call(user, method, path, payload=None):
    client = Client()
    headers = bearer(api_token(user)) if user is not None else {}
    if method == "get":
        return client.get(path, **headers)
    send = getattr(client, method)
    return send(path, payload or {}, content_type="application/json", **headers)


def delegate(station):
    station.delegates_administration = True
    station.save(update_fields=["delegates_administration"])


# --- who may do what: one row per endpoint, one column per role ------------------------------

# Without delegation only admin changes the tree; supervisors read their subtree.
TREE_WRITES = {role: 403 for role in CAST}
TREE_WRITES[Role.ADMIN] = 201


@pytest.mark.parametrize("who", CAST)
def test_create_a_station_is_for_admin_only_without_delegation(world, who):
    response = call(
        person(world, who),
        "post",
        "/api/v1/stations",
        {"code": "XINQIAO", "name": "新桥社区实践站", "kind": "station", "parent": "DANGTU-KFQ"},
    )
    assert response.status_code == TREE_WRITES[who], response.json()
    assert Station.objects.filter(code="XINQIAO").exists() == (who == Role.ADMIN)


RENAME = {role: 403 for role in CAST}
RENAME.update(
    {
        Role.ADMIN: 200,
        # Those who cannot read JIAOJIA get the same answer as for a station that does not exist.
        "outsider": 404,
        "outside_supervisor": 404,
    }
)


@pytest.mark.parametrize("who", CAST)
def test_patch_a_station_by_role(world, who):
    response = call(person(world, who), "patch", "/api/v1/stations/JIAOJIA", {"name": "焦家新站"})
    assert response.status_code == RENAME[who], response.json()
    expected = "焦家新站" if who == Role.ADMIN else "焦家社区实践站"
    assert Station.objects.get(code="JIAOJIA").name == expected


ESTATE_WRITES = {role: 403 for role in CAST}
ESTATE_WRITES.update(
    {Role.ADMIN: 201, Role.STATION_STAFF: 201, "outsider": 404, "outside_supervisor": 404}
)


@pytest.mark.parametrize("who", CAST)
def test_add_an_estate_by_role(world, who):
    response = call(
        person(world, who), "post", "/api/v1/stations/JIAOJIA/estates", {"name": "新城花园"}
    )
    assert response.status_code == ESTATE_WRITES[who], response.json()
    assert Estate.objects.filter(name="新城花园").exists() == (ESTATE_WRITES[who] == 201)


@pytest.mark.parametrize("who", CAST)
def test_add_a_building_and_a_grid_by_role(world, who):
    estate = Estate.objects.create(station=world.jiaojia, name="金桥花园")
    user = person(world, who)
    building = call(user, "post", f"/api/v1/estates/{estate.pk}/buildings", {"number": "9"})
    grid = call(user, "post", "/api/v1/stations/JIAOJIA/grids", {"name": "第一网格"})
    assert building.status_code == ESTATE_WRITES[who], building.json()
    assert grid.status_code == ESTATE_WRITES[who], grid.json()


READS = {role: 200 for role in CAST}
READS.update({"outsider": 404, "outside_supervisor": 404})


@pytest.mark.parametrize("who", CAST)
def test_reads_follow_reach(world, who):
    estate = Estate.objects.create(station=world.jiaojia, name="金桥花园")
    Building.objects.create(estate=estate, number="1")
    user = person(world, who)
    for path in (
        "/api/v1/stations/JIAOJIA",
        "/api/v1/stations/JIAOJIA/estates",
        "/api/v1/stations/JIAOJIA/grids",
        f"/api/v1/estates/{estate.pk}/buildings",
    ):
        assert call(user, "get", path).status_code == READS[who], path


def test_anonymous_gets_401_everywhere(world):
    for method, path in (
        ("get", "/api/v1/stations"),
        ("post", "/api/v1/stations"),
        ("patch", "/api/v1/stations/JIAOJIA"),
        ("get", "/api/v1/stations/JIAOJIA/estates"),
        ("post", "/api/v1/stations/JIAOJIA/estates"),
    ):
        assert call(None, method, path).status_code == 401, path


# --- the tree ---------------------------------------------------------------------------------


def test_admin_builds_a_centre_an_institute_and_a_station(world):
    admin = world.user(Role.ADMIN)
    for payload in (
        {"code": "BOWANG", "name": "博望区新时代文明实践中心", "kind": "center"},
        {"code": "BOWANG-DX", "name": "丹阳镇实践所", "kind": "institute", "parent": "BOWANG"},
        {"code": "DANYANG", "name": "丹阳社区实践站", "kind": "station", "parent": "BOWANG-DX"},
    ):
        response = call(admin, "post", "/api/v1/stations", payload)
        assert response.status_code == 201, response.json()
    body = response.json()
    assert body["path"] == ["BOWANG", "BOWANG-DX", "DANYANG"]
    assert body["parent"] == "BOWANG-DX" and body["closed"] is False
    assert AuditLog.objects.filter(action="station.create", target_repr="丹阳社区实践站").exists()


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"code": "X1", "name": "站", "kind": "station"}, 409, "station_tree"),  # a 站 at the top
        (
            {"code": "X2", "name": "所", "kind": "station", "parent": "JIAOJIA"},
            422,  # a 站 is no parent
            None,
        ),
        (
            {"code": "JIAOJIA", "name": "重复", "kind": "station", "parent": "DANGTU"},
            422,
            None,
        ),
        ({"code": "lower", "name": "小写", "kind": "station", "parent": "DANGTU"}, 422, None),
        ({"code": "X3", "name": "", "kind": "station", "parent": "DANGTU"}, 422, None),
        ({"code": "X4", "name": "站", "kind": "village", "parent": "DANGTU"}, 422, None),
        ({"code": "X5", "name": "站", "kind": "station", "parent": "NOSUCH"}, 422, None),
        ({"code": "X6", "name": "a\x00b", "kind": "station", "parent": "DANGTU"}, 422, None),
        ({"code": "X" * 33, "name": "站", "kind": "station", "parent": "DANGTU"}, 422, None),
    ],
)
def test_create_refusals(world, payload, status, code):
    response = call(world.user(Role.ADMIN), "post", "/api/v1/stations", payload)
    assert response.status_code == status, response.json()
    if code:
        assert response.json()["error"]["code"] == code


def test_a_delegating_station_lets_its_supervisor_run_the_tree_below_it(world):
    supervisor = world.user(Role.SUPERVISOR)  # of the 开发区 institute
    delegate(world.institute)
    created = call(
        supervisor,
        "post",
        "/api/v1/stations",
        {"code": "XINQIAO", "name": "新桥社区实践站", "kind": "station", "parent": "DANGTU-KFQ"},
    )
    assert created.status_code == 201, created.json()
    # Not under a station outside their subtree, not at the top, and not their own station.
    elsewhere = call(
        supervisor,
        "post",
        "/api/v1/stations",
        {"code": "XQ2", "name": "外站", "kind": "station", "parent": "DANGTU-GS"},
    )
    assert elsewhere.status_code == 422
    top = call(
        supervisor, "post", "/api/v1/stations", {"code": "XQ3", "name": "中心", "kind": "center"}
    )
    assert top.status_code == 422
    assert (
        call(supervisor, "patch", "/api/v1/stations/DANGTU-KFQ", {"name": "改"}).status_code == 403
    )
    renamed = call(supervisor, "patch", "/api/v1/stations/JIAOJIA", {"name": "焦家新站"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "焦家新站"
    # Delegation is admin's decision, not the supervisor's.
    grab = call(supervisor, "patch", "/api/v1/stations/JIAOJIA", {"delegates_administration": True})
    assert grab.status_code == 403
    # The outside supervisor's station does not delegate: they change nothing.
    outside = call(world.outside_supervisor, "patch", "/api/v1/stations/HUANGCHI", {"name": "改"})
    assert outside.status_code == 403


def test_admin_sets_delegation(world):
    response = call(
        world.user(Role.ADMIN),
        "patch",
        "/api/v1/stations/DANGTU-KFQ",
        {"delegates_administration": True},
    )
    assert response.status_code == 200 and response.json()["delegates_administration"] is True
    supervisor = world.user(Role.SUPERVISOR)
    assert access.can_administer_stations(supervisor)
    assert set(access.administered_stations(supervisor).values_list("code", flat=True)) == {
        "JIAOJIA"
    }


def test_moving_a_station_moves_its_subtree_and_reach_follows(world):
    admin = world.user(Role.ADMIN)
    call(
        admin,
        "post",
        "/api/v1/stations",
        {"code": "KFQ-2", "name": "开发区二所", "kind": "institute", "parent": "DANGTU"},
    )
    # Move the 开发区 institute (with JIAOJIA) under... a 所 cannot sit under a 所: refused.
    refused = call(admin, "patch", "/api/v1/stations/DANGTU-KFQ", {"parent": "KFQ-2"})
    assert refused.status_code == 409
    moved = call(admin, "patch", "/api/v1/stations/JIAOJIA", {"parent": "DANGTU-GS"})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["path"] == ["DANGTU", "DANGTU-GS", "JIAOJIA"]
    # The 姑孰 supervisor now reaches JIAOJIA; the 开发区 supervisor no longer does.
    assert access.visible_stations(world.outside_supervisor).filter(code="JIAOJIA").exists()
    supervisor = world.user(Role.SUPERVISOR)
    assert not access.visible_stations(supervisor).filter(code="JIAOJIA").exists()
    assert AuditLog.objects.filter(action="station.move").count() == 1


def test_a_station_never_moves_under_itself(world):
    admin = world.user(Role.ADMIN)
    call(
        admin,
        "post",
        "/api/v1/stations",
        {"code": "SUB", "name": "下级站", "kind": "station", "parent": "DANGTU-KFQ"},
    )
    response = call(admin, "patch", "/api/v1/stations/DANGTU", {"parent": "DANGTU-KFQ"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "station_cycle"
    assert Station.objects.get(code="SUB").path == "/DANGTU/DANGTU-KFQ/SUB/"


def test_moving_a_subtree_rewrites_every_path(world):
    admin = world.user(Role.ADMIN)
    call(
        admin,
        "post",
        "/api/v1/stations",
        {"code": "BOWANG", "name": "博望中心", "kind": "center"},
    )
    response = call(admin, "patch", "/api/v1/stations/DANGTU-KFQ", {"parent": "BOWANG"})
    assert response.status_code == 200, response.json()
    assert Station.objects.get(code="JIAOJIA").path == "/BOWANG/DANGTU-KFQ/JIAOJIA/"
    assert Station.objects.get(code="DANGTU-KFQ").parent == Station.objects.get(code="BOWANG")


# --- closing --------------------------------------------------------------------------------


def test_closing_keeps_records_readable_and_refuses_new_ones(world):
    resident = add_resident(world.jiaojia, "王秀梅", gender="F", birth_date=date(1950, 3, 1))
    admin = world.user(Role.ADMIN)
    staff = world.user(Role.STATION_STAFF)
    closed = call(admin, "patch", "/api/v1/stations/JIAOJIA", {"closed": True})
    assert closed.status_code == 200 and closed.json()["closed"] is True
    # Records read as before.
    assert call(staff, "get", f"/api/v1/residents/{resident.pk}").status_code == 200
    assert call(staff, "get", "/api/v1/stations/JIAOJIA/estates").status_code == 200
    # Every write through the gate is refused.
    new = call(
        staff,
        "post",
        "/api/v1/residents?station=JIAOJIA",
        {"name": "孙玉兰", "consent": {"method": "verbal", "sensitive": False}},
    )
    assert new.status_code in (403, 404), new.json()
    edit = call(staff, "patch", f"/api/v1/residents/{resident.pk}", {"phone": "13855550009"})
    assert edit.status_code == 404
    team = call(staff, "post", "/api/v1/teams?station=JIAOJIA", {"name": "新队"})
    assert team.status_code == 404
    estate = call(staff, "post", "/api/v1/stations/JIAOJIA/estates", {"name": "新城"})
    assert estate.status_code == 409 and estate.json()["error"]["code"] == "station_closed"
    assert Resident.objects.filter(station=world.jiaojia).count() == 1
    assert access.visible_stations(staff, write=True).count() == 0
    # Admin too: closed means closed for everyone, until it is reopened.
    with pytest.raises(Exception):  # noqa: B017 - Http404 from the gate
        access.get_station_for_user(admin, "JIAOJIA", write=True)
    reopened = call(admin, "patch", "/api/v1/stations/JIAOJIA", {"closed": False})
    assert reopened.status_code == 200 and reopened.json()["closed"] is False
    assert (
        call(staff, "post", "/api/v1/stations/JIAOJIA/estates", {"name": "新城"}).status_code == 201
    )


def test_a_station_with_open_children_is_not_closed(world):
    response = call(
        world.user(Role.ADMIN), "patch", "/api/v1/stations/DANGTU-KFQ", {"closed": True}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "open_children"
    call(world.user(Role.ADMIN), "patch", "/api/v1/stations/JIAOJIA", {"closed": True})
    # And nothing new goes under a closed parent.
    refused = call(
        world.user(Role.ADMIN),
        "post",
        "/api/v1/stations",
        {"code": "UNDER", "name": "下级", "kind": "station", "parent": "JIAOJIA"},
    )
    assert refused.status_code == 422


# --- estates, buildings and grids -----------------------------------------------------------


def test_staff_lay_out_estates_buildings_and_grids(world):
    staff = world.user(Role.STATION_STAFF)
    grid = call(staff, "post", "/api/v1/stations/JIAOJIA/grids", {"name": "第一网格"}).json()
    estate = call(
        staff,
        "post",
        "/api/v1/stations/JIAOJIA/estates",
        {"name": "金桥花园", "address": "金桥路 1 号"},
    ).json()
    assert estate["station"] == "JIAOJIA"
    building = call(
        staff,
        "post",
        f"/api/v1/estates/{estate['id']}/buildings",
        {"number": "3", "unit_count": 2, "floors": 11, "grid": grid["id"]},
    )
    assert building.status_code == 201
    assert building.json()["grid"] == grid["id"]
    twice = call(staff, "post", f"/api/v1/estates/{estate['id']}/buildings", {"number": "3"})
    assert twice.status_code == 422
    listing = call(staff, "get", "/api/v1/stations/JIAOJIA/estates").json()
    assert listing["items"][0]["building_count"] == 1
    renamed = call(staff, "patch", f"/api/v1/estates/{estate['id']}", {"name": "金桥新苑"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "金桥新苑"
    moved = call(
        staff,
        "patch",
        f"/api/v1/estates/{estate['id']}/buildings/{building.json()['id']}",
        {"floors": 12},
    )
    assert moved.status_code == 200 and moved.json()["floors"] == 12
    assert Building.objects.get().floors == 12


def test_places_refuse_another_stations_grid_and_bad_input(world):
    staff = world.user(Role.STATION_STAFF)
    foreign = Grid.objects.create(station=world.huangchi, name="黄池网格")
    estate = Estate.objects.create(station=world.jiaojia, name="金桥花园")
    response = call(
        staff, "post", f"/api/v1/estates/{estate.pk}/buildings", {"number": "1", "grid": foreign.pk}
    )
    assert response.status_code == 422
    for payload in (
        {"number": "1", "floors": 0},
        {"number": "1", "unit_count": 51},
        {"number": ""},
    ):
        assert (
            call(staff, "post", f"/api/v1/estates/{estate.pk}/buildings", payload).status_code
            == 422
        )
    assert (
        call(staff, "post", "/api/v1/estates/99999999/buildings", {"number": "1"}).status_code
        == 404
    )
    twin = call(staff, "post", "/api/v1/stations/JIAOJIA/estates", {"name": "金桥花园"})
    assert twin.status_code == 422


# --- pages ----------------------------------------------------------------------------------


def test_admin_opens_a_station_on_the_page_and_lands_on_its_checklist(world):
    client = signed_in(world.user(Role.ADMIN))
    page = client.get("/stations/")
    assert 'data-testid="station-create-form"' in page.content.decode()
    response = client.post(
        "/stations/",
        {"code": "XINQIAO", "name": "新桥社区实践站", "kind": "station", "parent": "DANGTU-KFQ"},
    )
    assert response.status_code == 302 and response["Location"] == "/stations/XINQIAO/onboarding/"
    checklist = client.get("/stations/XINQIAO/onboarding/")
    body = checklist.content.decode()
    assert 'data-step="staff" data-done="no"' in body
    assert "已完成 0 / 5 项" in body
    bad = client.post(
        "/stations/", {"code": "XQ", "name": "站", "kind": "station", "parent": "JIAOJIA"}
    )
    assert bad.status_code == 422


def test_staff_and_volunteers_see_no_create_form(world):
    for role in (Role.STATION_STAFF, Role.VOLUNTEER, Role.SUPERVISOR):
        client = signed_in(world.user(role))
        assert "station-create-form" not in client.get("/stations/").content.decode()
        assert (
            client.post("/stations/", {"code": "X", "name": "x", "kind": "station"}).status_code
            == 403
        )


def test_onboarding_fills_up_from_rows(world):
    admin = world.user(Role.ADMIN)
    client = signed_in(admin)
    client.post(
        "/stations/",
        {"code": "XINQIAO", "name": "新桥社区实践站", "kind": "station", "parent": "DANGTU-KFQ"},
    )
    station = Station.objects.get(code="XINQIAO")
    # A template menu at JIAOJIA.
    category = menu_category_save(
        station=world.jiaojia, code="elderly_disabled", response_hours=24, teams=[], actor=None
    )
    menu_item_save(category=category, data=MenuItemInput(name="陪同就医"), actor=None)
    menu_item_save(category=category, data=MenuItemInput(name="代购药品"), actor=None)

    staff = client.post(
        "/stations/XINQIAO/onboarding/staff/",
        {"phone": "13912345678", "name": "新站社工", "password": "a-long-pass-phrase-9"},
    )
    assert staff.status_code == 302
    assert RoleAssignment.objects.filter(station=station, role=Role.STATION_STAFF).count() == 1
    copied = client.post("/stations/XINQIAO/onboarding/menu/", {"source": "JIAOJIA"})
    assert copied.status_code == 302
    assert sorted(station.menu_categories.get().items.values_list("name", flat=True)) == [
        "代购药品",
        "陪同就医",
    ]
    assert client.post("/stations/XINQIAO/estates/", {"name": "新桥小区"}).status_code == 302
    estate = Estate.objects.get(station=station)
    added = client.post(
        f"/stations/estates/{estate.pk}/buildings/", {"number": "1", "unit_count": 2, "floors": 6}
    )
    assert added.status_code == 302
    assert client.post("/stations/XINQIAO/grids/", {"name": "一网格"}).status_code == 302
    add_resident(station, "赵大爷", gender="M", birth_date=date(1948, 6, 1))
    body = client.get("/stations/XINQIAO/onboarding/").content.decode()
    for step in ("staff", "places", "menu", "registry"):
        assert f'data-step="{step}" data-done="yes"' in body, step
    assert 'data-step="teams" data-done="no"' in body
    assert "已完成 4 / 5 项" in body
    # The new social worker signs in and sees the same checklist, with the import link.
    worker = RoleAssignment.objects.get(station=station, role=Role.STATION_STAFF).user
    own = signed_in(worker).get("/stations/XINQIAO/onboarding/").content.decode()
    assert "/residents/import/?station=XINQIAO" in own


def test_onboarding_is_not_for_other_stations_or_volunteers(world):
    assert signed_in(world.outsider).get("/stations/JIAOJIA/onboarding/").status_code == 404
    assert (
        signed_in(world.user(Role.VOLUNTEER)).get("/stations/JIAOJIA/onboarding/").status_code
        == 403
    )
    staff = signed_in(world.user(Role.STATION_STAFF))
    assert staff.get("/stations/JIAOJIA/onboarding/").status_code == 200
    # Staff do not open accounts for their own station; administrators do.
    response = staff.post(
        "/stations/JIAOJIA/onboarding/staff/",
        {"phone": "13912345678", "name": "x", "password": "a-long-pass-phrase-9"},
    )
    assert response.status_code == 403


def test_admin_renames_moves_closes_and_reopens_on_the_page(world):
    client = signed_in(world.user(Role.ADMIN))
    page = client.get("/stations/JIAOJIA/").content.decode()
    assert 'data-testid="station-edit-form"' in page
    saved = client.post(
        "/stations/JIAOJIA/edit/", {"action": "save", "name": "焦家新站", "parent": "DANGTU-GS"}
    )
    assert saved.status_code == 302
    station = Station.objects.get(code="JIAOJIA")
    assert station.name == "焦家新站"
    assert station.parent == Station.objects.get(code="DANGTU-GS")
    refused = client.post("/stations/DANGTU-GS/edit/", {"action": "close"})
    assert refused.status_code == 409  # its 站 are still open
    assert client.post("/stations/JIAOJIA/edit/", {"action": "close"}).status_code == 302
    closed_page = client.get("/stations/JIAOJIA/").content.decode()
    assert 'data-testid="station-closed"' in closed_page
    assert 'data-testid="estate-form"' not in closed_page
    # A hand-made POST to a closed station is refused with a page, not an error.
    assert client.post("/stations/JIAOJIA/estates/", {"name": "新城"}).status_code == 409
    assert client.post("/stations/JIAOJIA/edit/", {"action": "reopen"}).status_code == 302
    assert Station.objects.get(code="JIAOJIA").closed_at is None


def test_staff_add_places_but_do_not_edit_the_tree_on_pages(world):
    client = signed_in(world.user(Role.STATION_STAFF))
    page = client.get("/stations/JIAOJIA/").content.decode()
    assert 'data-testid="estate-form"' in page
    assert 'data-testid="station-edit-form"' not in page
    assert client.post("/stations/JIAOJIA/edit/", {"action": "close"}).status_code == 403
    assert client.post("/stations/JIAOJIA/estates/", {"name": ""}).status_code == 422
    assert (
        signed_in(world.outsider).post("/stations/JIAOJIA/estates/", {"name": "x"}).status_code
        == 404
    )


def test_closed_station_refuses_new_residents_on_the_page(world):
    from linli.org.actions import station_close

    station_close(station=world.jiaojia, actor=None)
    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.get("/residents/new/")
    assert response.status_code in (403, 404)


def test_staff_rename_a_grid_and_name_its_worker(world):
    staff = world.user(Role.STATION_STAFF)
    grid = call(staff, "post", "/api/v1/stations/JIAOJIA/grids", {"name": "第一网格"}).json()
    worker = world.user(Role.VOLUNTEER)  # holds a role at JIAOJIA
    renamed = call(
        staff,
        "patch",
        f"/api/v1/stations/JIAOJIA/grids/{grid['id']}",
        {"name": "金桥网格", "worker": worker.pk},
    )
    assert renamed.status_code == 200, renamed.json()
    assert renamed.json() == {"id": grid["id"], "name": "金桥网格", "worker": worker.pk}
    stranger = call(
        staff,
        "patch",
        f"/api/v1/stations/JIAOJIA/grids/{grid['id']}",
        {"worker": world.outsider.pk},
    )
    assert stranger.status_code == 422
    hidden = call(
        world.outsider, "patch", f"/api/v1/stations/JIAOJIA/grids/{grid['id']}", {"name": "x"}
    )
    assert hidden.status_code == 404
    wrong_station = call(
        world.user(Role.ADMIN),
        "patch",
        f"/api/v1/stations/HUANGCHI/grids/{grid['id']}",
        {"name": "x"},
    )
    assert wrong_station.status_code == 404
    volunteer = call(worker, "patch", f"/api/v1/stations/JIAOJIA/grids/{grid['id']}", {"name": "x"})
    assert volunteer.status_code == 403


@pytest.mark.parametrize("who", CAST)
def test_rename_places_by_role(world, who):
    estate = Estate.objects.create(station=world.jiaojia, name="金桥花园")
    building = Building.objects.create(estate=estate, number="1")
    grid = Grid.objects.create(station=world.jiaojia, name="一网格")
    user = person(world, who)
    answers = [
        call(user, "patch", f"/api/v1/estates/{estate.pk}", {"name": "金桥新苑"}).status_code,
        call(
            user, "patch", f"/api/v1/estates/{estate.pk}/buildings/{building.pk}", {"floors": 9}
        ).status_code,
        call(
            user, "patch", f"/api/v1/stations/JIAOJIA/grids/{grid.pk}", {"name": "二网格"}
        ).status_code,
    ]
    expected = {201: 200}.get(ESTATE_WRITES[who], ESTATE_WRITES[who])
    assert answers == [expected] * 3
    estate.refresh_from_db()
    assert (estate.name == "金桥新苑") == (expected == 200)


def test_staff_rename_an_estate_and_a_grid_on_the_page(world):
    estate = Estate.objects.create(station=world.jiaojia, name="金桥花园")
    grid = Grid.objects.create(station=world.jiaojia, name="一网格")
    client = signed_in(world.user(Role.STATION_STAFF))
    saved = client.post(
        f"/stations/estates/{estate.pk}/edit/", {"name": "金桥新苑", "address": "金桥路"}
    )
    assert saved.status_code == 302
    assert client.post(f"/stations/grids/{grid.pk}/edit/", {"name": "二网格"}).status_code == 302
    estate.refresh_from_db()
    grid.refresh_from_db()
    assert (estate.name, estate.address, grid.name) == ("金桥新苑", "金桥路", "二网格")
    assert client.post(f"/stations/grids/{grid.pk}/edit/", {"name": ""}).status_code == 422
    outsider = signed_in(world.outsider)
    assert outsider.post(f"/stations/estates/{estate.pk}/edit/", {"name": "x"}).status_code == 404
    supervisor = signed_in(world.user(Role.SUPERVISOR))
    assert supervisor.post(f"/stations/grids/{grid.pk}/edit/", {"name": "x"}).status_code == 403


def test_a_closed_station_takes_no_new_service_request(world):
    from linli.org.actions import station_close

    menu_category_save(
        station=world.jiaojia, code="community", response_hours=24, teams=[], actor=None
    )
    station_close(station=world.jiaojia, actor=None)
    response = call(
        world.user(Role.RESIDENT),
        "post",
        "/api/v1/service-requests",
        {"category": "community", "description": "楼道灯坏了", "proxy_relation": "邻居"},
    )
    assert response.status_code in (403, 404), response.json()
    from linli.assistance.models import ServiceRequest

    assert not ServiceRequest.objects.exists()
