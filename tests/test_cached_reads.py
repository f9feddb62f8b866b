"""What changes rarely is read from the cache, and a write drops the copy (linli.core.cached):
the service menu (its categories, items, the teams they dispatch to) and the team lists of the
activities page's filter."""

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.accounts.models import Role
from linli.assistance.actions import MenuItemInput, menu_category_save, menu_item_save
from linli.teams.actions import team_create, team_update
from tests.conftest import api_token, bearer, signed_in


def menu_names(client: Any, headers: dict[str, str]) -> dict[str, list[str]]:
    response = client.get("/api/v1/service-menu?station=JIAOJIA", **headers)
    assert response.status_code == 200
    return {
        category["code"]: [item["name"] for item in category["items"]]
        + [f"team:{team['name']}" for team in category["teams"]]
        for category in response.json()["items"]
    }


def reads(client: Any, path: str, headers: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, **headers).status_code == 200
    return len(captured)


def test_a_write_to_the_menu_drops_the_cached_copy(client, menu, corps, world):
    staff = world.user(Role.STATION_STAFF)
    headers = bearer(api_token(staff))
    first = menu_names(client, headers)
    assert "水电维修" in first["community"]
    assert menu_names(client, headers) == first
    # The copy is read: the categories, items and teams (three queries) are not read again.
    copied = reads(client, "/api/v1/service-menu?station=JIAOJIA", headers)
    cache.clear()
    assert reads(client, "/api/v1/service-menu?station=JIAOJIA", headers) == copied + 3

    menu_item_save(category=menu.community, data=MenuItemInput(name="上门理发"), actor=staff)
    assert "上门理发" in menu_names(client, headers)["community"]
    item = menu.community.items.get(name="上门理发")
    menu_item_save(
        category=menu.community,
        data=MenuItemInput(name="上门理发", active=False),
        actor=staff,
        item=item,
    )
    assert "上门理发" not in menu_names(client, headers)["community"]

    # The teams a category dispatches to, and a team's new name.
    menu_category_save(
        station=world.jiaojia,
        code="community",
        response_hours=4,
        teams=[corps.party_team, corps.law_team],
        actor=staff,
    )
    assert f"team:{corps.law_team.name}" in menu_names(client, headers)["community"]
    team_update(team=corps.law_team, changes={"name": "法律服务队"}, actor=staff)
    assert "team:法律服务队" in menu_names(client, headers)["community"]
    assert "team:法律服务队" in menu_names(client, headers)["legal"]


def test_a_new_or_renamed_team_shows_in_the_activity_filter(menu, corps, world):
    staff = world.user(Role.STATION_STAFF)
    page = signed_in(staff)
    html = page.get("/activities/").content.decode()
    assert corps.party_team.name in html
    assert "银发助老队" not in html
    team_create(station=world.jiaojia, name="银发助老队", actor=staff)
    assert "银发助老队" in page.get("/activities/").content.decode()
    team_update(team=corps.party_team, changes={"name": "党员先锋队"}, actor=staff)
    html = page.get("/activities/").content.decode()
    assert "党员先锋队" in html
    # Filtering by a team still checks it against the teams in reach.
    assert page.get(f"/activities/?team={corps.party_team.pk}").status_code == 200
