"""The page shell: a home page per role, Chinese error pages, English, large type and contrast."""

import re

import pytest
from django.test import Client, RequestFactory

from linli.accounts.models import Role
from linli.core.views import server_error
from tests.conftest import signed_in

# What each role's card offers next (SPEC §2), as the home page words it.
ROLE_CARD_TEXT = {
    Role.ADMIN: "账户与角色",
    Role.SUPERVISOR: "辖区站点",
    Role.STATION_STAFF: "本站概况与工作人员",
    Role.TEAM_LEADER: "管理本队的队员名册",
    Role.VOLUNTEER: "有时间做志愿者",
    Role.RESIDENT: "有困难找志愿者",
    Role.CANTEEN_OPERATOR: "银龄爱心食堂",
    Role.CAREGIVER: "日间照料中心",
}


@pytest.mark.parametrize("role", Role.values)
def test_every_role_has_its_home_page(world, role):
    page = signed_in(world.user(role)).get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-testid="role-card-{role}"' in html
    assert ROLE_CARD_TEXT[role] in html
    others = [other for other in Role.values if other != role]
    assert not any(f'data-testid="role-card-{other}"' in html for other in others)


def test_a_person_with_two_roles_sees_two_cards(world):
    from linli.accounts import actions

    resident = world.user(Role.RESIDENT)
    actions.role_grant(user=resident, role=Role.VOLUNTEER, station=world.jiaojia, actor=None)
    html = signed_in(resident).get("/").content.decode()
    assert 'data-testid="role-card-resident"' in html
    assert 'data-testid="role-card-volunteer"' in html


def test_an_account_without_roles_is_told_whom_to_ask(db):
    from linli.accounts.models import User

    user = User.objects.create_user("13600000000", "whatever-long-1", name="新居民")
    html = signed_in(user, verified=False).get("/").content.decode()
    assert 'data-testid="no-role"' in html


def test_anonymous_visitors_are_sent_to_login():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_every_link_on_every_home_page_opens(world):
    for role in Role.values:
        client = signed_in(world.user(role))
        html = client.get("/").content.decode()
        for href in set(re.findall(r'href="(/[^"]*)"', html)):
            if href.startswith("/static/"):
                continue
            assert client.get(href).status_code == 200, (role, href)


# The header's sections each role sees: the pages that open for it, and no others.
EVERYONE = ["/volunteers/teams/", "/activities/", "/stations/"]
STAFF = ["/residents/", "/volunteers/", "/requests/board/", "/elders/", "/daycare/", "/audit/"]
STATS = "/reports/"
CANTEEN = "/canteen/"
SHOP = "/incentives/shop/manage/"  # the 爱心超市's counter, for those who run a station
POINTS = "/incentives/points/"
HEADER_LINKS = {
    Role.ADMIN: [*STAFF, CANTEEN, STATS, SHOP, *EVERYONE],
    Role.SUPERVISOR: [*STAFF, CANTEEN, STATS, *EVERYONE],
    Role.STATION_STAFF: [*STAFF, CANTEEN, STATS, SHOP, *EVERYONE],
    Role.TEAM_LEADER: ["/volunteers/", *EVERYONE],
    Role.VOLUNTEER: ["/requests/tasks/", CANTEEN, POINTS, *EVERYONE],
    Role.RESIDENT: ["/requests/mine/", CANTEEN, *EVERYONE],
    Role.CANTEEN_OPERATOR: [CANTEEN, *EVERYONE],
    Role.CAREGIVER: EVERYONE,
}


@pytest.mark.parametrize("role", Role.values)
def test_the_header_links_the_sections_the_role_opens(world, role):
    html = signed_in(world.user(role)).get("/").content.decode()
    nav = html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'href="(/[^"]*)"', nav)
    assert links[0] == "/"
    assert sorted(links[1:]) == sorted(HEADER_LINKS[role])


def test_an_account_without_roles_has_no_sections_in_the_header(db):
    from linli.accounts.models import User

    user = User.objects.create_user("13600000001", "whatever-long-1", name="新居民")
    html = signed_in(user, verified=False).get("/").content.decode()
    nav = html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="(/[^"]*)"', nav) == ["/"]


def test_404_page_is_chinese(world):
    response = signed_in(world.user(Role.VOLUNTEER)).get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_403_page_is_chinese(world):
    response = signed_in(world.user(Role.VOLUNTEER)).get("/accounts/users/")
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_500_page_is_chinese_and_needs_nothing_from_the_request():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


def test_unknown_api_url_answers_in_the_api_error_format():
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_language_switch_to_english_and_back(world):
    client = signed_in(world.user(Role.VOLUNTEER))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert '<html lang="en"' in english
    assert "Account security" in english
    assert "账户安全" not in english
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "账户安全" in client.get("/").content.decode()


@pytest.mark.parametrize("role", Role.values)
def test_english_home_pages_have_no_untranslated_chinese(world, role):
    """Names (people, stations) stay as they are; every interface string is translated."""
    client = signed_in(world.user(role))
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    for name in ["焦家社区实践站", "开发区实践所"]:
        html = html.replace(name, "")
    # The logo glyph, and the switch back to Chinese, which names the language in itself.
    html = re.sub(r'<span class="brand-mark"[^>]*>邻</span>', "", html)
    html = re.sub(r'<button[^>]*lang="zh-hans"[^>]*>中文</button>', "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    leftover = re.findall(r"[\u4e00-\u9fff]+", text)
    assert leftover == [], leftover


def test_large_type_and_high_contrast_switches(world):
    client = signed_in(world.user(Role.RESIDENT))
    assert 'class=" "' in client.get("/").content.decode()
    response = client.post("/prefs/display/", {"large_type": "1", "next": "/"})
    assert response["Location"] == "/"
    assert "large-type" in client.get("/").content.decode().split("<head>")[0]
    client.post("/prefs/display/", {"high_contrast": "1", "next": "/"})
    head = client.get("/").content.decode().split("<head>")[0]
    assert "large-type" in head and "high-contrast" in head
    client.post("/prefs/display/", {"large_type": "0", "next": "/"})
    head = client.get("/").content.decode().split("<head>")[0]
    assert "large-type" not in head and "high-contrast" in head


def test_display_switch_works_before_login_and_ignores_foreign_next():
    client = Client()
    response = client.post("/prefs/display/", {"large_type": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "large-type" in client.get("/accounts/login/").content.decode().split("<head>")[0]


def test_pages_load_only_local_scripts_and_styles(world):
    html = signed_in(world.user(Role.ADMIN)).get("/").content.decode()
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http:", "https:", "//")), url


def test_healthz(db):
    assert Client().get("/healthz").json() == {"status": "ok"}
