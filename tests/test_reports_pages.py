"""The station dashboard, the rows behind its figures and the public station page (issue 17):
every figure's link lists exactly as many rows as the figure says; staff read their station,
supervisors their subtree, volunteers and residents no dashboard at all (only the public page);
the public page carries no personal data and may be cached."""

import io
import re
from datetime import date, timedelta
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from linli.accounts.models import Role
from linli.activities.actions.lifecycle import (
    ActivityInput,
    activity_close,
    activity_create,
    activity_publish,
)
from linli.activities.models import Activity
from tests.conftest import Corps, World, signed_in

RESPONSIBLE = "张负责人"
RESPONSIBLE_PHONE = "13912345678"


def activity(station: Any, *, title: str, days: int, category: str = "environment") -> Activity:
    """An activity `days` from now (negative: in the past), published."""
    starts_at = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    created = activity_create(
        station=station,
        data=ActivityInput(
            title=title,
            category=category,
            place="金桥花园",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            capacity=10,
            responsible_name=RESPONSIBLE,
            responsible_phone=RESPONSIBLE_PHONE,
        ),
        actor=None,
    )
    created = activity_publish(activity=created, actor=None)
    if days:
        moved = timezone.now().replace(microsecond=0) + timedelta(days=days)
        Activity.objects.filter(pk=created.pk).update(
            starts_at=moved, ends_at=moved + timedelta(hours=2)
        )
        created.refresh_from_db()
    return created


def held(world: World) -> None:
    """Three activities of JIAOJIA this year (two closed with head counts), one of HUANGCHI."""
    for title, served, category in (("义诊", 80, "health"), ("环境整治", 40, "environment")):
        done = activity(world.jiaojia, title=title, days=0, category=category)
        Activity.objects.filter(pk=done.pk).update(starts_at=timezone.now() - timedelta(minutes=30))
        activity_close(activity=done, actor=None, people_served=served)
    activity(world.jiaojia, title="普法宣传", days=0, category="legal")
    activity(world.huangchi, title="黄池活动", days=0)


def figures(page: str) -> dict[str, tuple[str, str]]:
    """data-testid="figure-<code>" → (its value, its link)."""
    found = re.findall(
        r'<a class="figure-card" href="([^"]+)" data-testid="figure-([a-z_]+)">\s*'
        r'<span class="figure-value">([^<]+)</span>',
        page,
    )
    return {code: (value, href.replace("&amp;", "&")) for href, code, value in found}


def test_every_figure_links_to_as_many_rows_as_it_counts(world: World):
    held(world)
    client = signed_in(world.user(Role.STATION_STAFF))
    page = client.get("/reports/JIAOJIA/").content.decode()
    found = figures(page)
    assert found["activities"][0] == "3"
    assert found["people_served"][0] == "120"
    for code in ("activities", "people_served", "requests", "meals", "attendance", "volunteers"):
        value, href = found[code]
        rows = client.get(href)
        assert rows.status_code == 200, code
        counts = [
            int(n) for n in re.findall(r'data-testid="rows-count">(\d+)', rows.content.decode())
        ]
        if code == "people_served":
            # Head counts are a sum over the activities listed (two), not a row count.
            assert counts[0] == 2
        else:
            assert sum(counts) == int(value), code
    # A breakdown's link narrows the rows the same way.
    narrowed = client.get("/reports/JIAOJIA/rows/activities/?category=health").content.decode()
    assert "义诊" in narrowed and "环境整治" not in narrowed


def test_bad_periods_and_filters_are_400(world: World):
    client = signed_in(world.user(Role.STATION_STAFF))
    for url in (
        "/reports/JIAOJIA/?year=abcd",
        "/reports/JIAOJIA/?year=1990",
        "/reports/JIAOJIA/?period=q5",
        "/reports/JIAOJIA/rows/activities/?nonsense=1",
        "/reports/JIAOJIA/rows/volunteers/?star=x",
        "/reports/JIAOJIA/rows/volunteers/?age=12-13",
    ):
        assert client.get(url).status_code == 400, url
    assert client.get("/reports/JIAOJIA/rows/unknown/").status_code == 404


def test_who_reads_the_dashboard(world: World):
    held(world)
    assert world.outsider is not None and world.outside_supervisor is not None
    for user, url, status in (
        (world.user(Role.STATION_STAFF), "/reports/JIAOJIA/", 200),
        (world.user(Role.SUPERVISOR), "/reports/JIAOJIA/", 200),
        (world.user(Role.SUPERVISOR), "/reports/DANGTU-KFQ/", 200),
        (world.user(Role.SUPERVISOR), "/reports/HUANGCHI/", 404),
        (world.user(Role.SUPERVISOR), "/reports/DANGTU/", 404),
        (world.user(Role.ADMIN), "/reports/HUANGCHI/", 200),
        (world.outsider, "/reports/JIAOJIA/", 404),
        (world.outsider, "/reports/JIAOJIA/rows/activities/", 404),
        (world.outside_supervisor, "/reports/JIAOJIA/", 404),
        (world.user(Role.VOLUNTEER), "/reports/JIAOJIA/", 403),
        (world.user(Role.VOLUNTEER), "/reports/JIAOJIA/rows/volunteers/", 403),
        (world.user(Role.RESIDENT), "/reports/", 403),
        (world.user(Role.TEAM_LEADER), "/reports/JIAOJIA/", 403),
    ):
        assert signed_in(user).get(url).status_code == status, (user, url)
    # Staff land on their station's dashboard, the 所's supervisor on the 所's roll-up.
    staff_home = signed_in(world.user(Role.STATION_STAFF)).get("/reports/").content.decode()
    assert 'data-testid="figure-cards"' in staff_home
    supervisor_home = signed_in(world.user(Role.SUPERVISOR)).get("/reports/").content.decode()
    assert 'data-testid="rollup"' in supervisor_home and "焦家社区实践站" in supervisor_home
    assert Client().get("/reports/JIAOJIA/").status_code == 302  # to the sign-in page


def test_the_public_page_shows_figures_and_activities_but_nobody(world: World):
    held(world)
    activity(world.jiaojia, title="重阳敬老", days=3)
    response = Client().get("/s/JIAOJIA/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    page = response.content.decode()
    assert "重阳敬老" in page and "黄池活动" not in page
    assert "/requests/new/" in page and "/volunteers/register/" in page
    assert RESPONSIBLE not in page and RESPONSIBLE_PHONE not in page
    assert "120" in page  # the year's people served
    # A volunteer sees the same public figures, never the dashboard.
    assert signed_in(world.user(Role.VOLUNTEER)).get("/s/JIAOJIA/").status_code == 200
    # Only a 站 has a page; the 所 and unknown codes are 404.
    assert Client().get("/s/DANGTU-KFQ/").status_code == 404
    assert Client().get("/s/NOPE/").status_code == 404


def test_the_public_calendar_and_poster(world: World):
    activity(world.jiaojia, title="重阳敬老", days=3)
    feed = Client().get("/s/JIAOJIA/calendar.ics")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["重阳敬老"]
    assert RESPONSIBLE.encode() not in feed.content
    poster = Client().get("/s/JIAOJIA/poster/").content.decode()
    assert poster.count("<svg") >= 2
    assert 'data-testid="qr-request"' in poster and 'data-testid="qr-volunteer"' in poster
    # Certificate look-up goes on to the one verification page; junk stays on the page.
    assert Client().get("/s/JIAOJIA/verify/?number=LL-2025-0001")["Location"] == (
        "/verify/LL-2025-0001/"
    )
    assert Client().get("/s/JIAOJIA/verify/?number=<x>")["Location"] == "/s/JIAOJIA/"


def test_the_rollup_puts_stations_side_by_side_within_reach(world: World):
    held(world)
    supervisor = signed_in(world.user(Role.SUPERVISOR))
    page = supervisor.get("/reports/DANGTU-KFQ/rollup/?period=year").content.decode()
    assert page.count('data-testid="rollup-row"') == 1  # JIAOJIA only: HUANGCHI is another 所
    assert "黄池社区实践站" not in page
    admin = signed_in(world.user(Role.ADMIN))
    county = admin.get("/reports/DANGTU/rollup/?period=year&rank=activities").content.decode()
    assert county.count('data-testid="rollup-row"') == 2
    rows = county.split('data-testid="rollup-row"')[1:]
    assert "焦家社区实践站" in rows[0] and "黄池社区实践站" in rows[1]  # 3 activities before 1
    total = county.split('data-testid="rollup-total"')[1]
    assert "<th>4</th>" in total  # the activities of both
    assert supervisor.get("/reports/DANGTU/rollup/").status_code == 404
    assert supervisor.get("/reports/DANGTU-KFQ/rollup/?rank=nonsense").status_code == 400
    # The workbook: a summary sheet, then one sheet per station.
    response = admin.get("/reports/DANGTU/rollup.xlsx?period=year")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "汇总"
    assert sorted(book.sheetnames[1:]) == sorted(["焦家社区实践站", "黄池社区实践站"])
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert summary[1][1] == "焦家社区实践站" and summary[-1][1] == "合计"
    jiaojia = list(book["焦家社区实践站"].iter_rows(values_only=True))
    assert len(jiaojia) == 1 + 12 + 1 and jiaojia[-1][2] == 3  # 活动 in the third column


def test_the_honour_roll_counts_honours_without_names(world: World, corps: Corps):
    from linli.volunteers.actions.records import award_add

    for volunteer in (corps.leader, corps.volunteer):
        award_add(
            volunteer=volunteer,
            name="社区优秀防疫志愿者",
            awarded_on=date(2022, 3, 1),
            granted_by="焦家社区居委会",
            actor=None,
        )
    page = Client().get("/s/JIAOJIA/").content.decode()
    honours = page.split('data-testid="honours"')[1].split("</section>")[0]
    assert "2022 年 · 社区优秀防疫志愿者（焦家社区居委会）2 人" in honours
    for volunteer in (corps.leader, corps.volunteer):
        assert volunteer.person.name not in page


def test_the_dashboard_and_rollup_read_in_a_fixed_number_of_queries(world: World):
    client = signed_in(world.user(Role.ADMIN))
    urls = ("/reports/JIAOJIA/", "/reports/DANGTU/rollup/", "/reports/JIAOJIA/rows/activities/")

    def counted(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def stale_then_read() -> list[int]:
        """A write at each station makes its year stale: each page counts it again."""
        activity(world.jiaojia, title="焦家新活动", days=0)
        activity(world.huangchi, title="黄池新活动", days=0)
        return [counted(url) for url in urls]

    held(world)
    for url in urls:  # the session and the grants read once, every station's year counted
        client.get(url)
    before = [counted(url) for url in urls]
    recount = stale_then_read()
    assert recount[0] > before[0]  # the year counted again, at the first read after the write
    for index in range(4):
        activity(world.jiaojia, title=f"焦家活动{index}", days=0)
        activity(world.huangchi, title=f"黄池活动{index}", days=0)
    assert [counted(url) for url in urls] == recount
    assert [counted(url) for url in urls] == before


def test_every_breakdown_link_opens(world: World, corps: Corps):
    """Each bar of every chart (age bands like 70+, star levels, teams, statuses) opens its rows."""
    held(world)
    client = signed_in(world.user(Role.STATION_STAFF))
    page = client.get("/reports/JIAOJIA/").content.decode()
    links = set(re.findall(r'href="(/reports/JIAOJIA/rows/[^"]+)"', page))
    assert len(links) > 30
    for href in links:
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href
