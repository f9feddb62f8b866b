"""Words a newcomer reads: placeholders that cannot be mistaken for values, dates that show the
year when it is not this one, and the same name for a page in the header and on the page."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from linli.accounts.models import Role
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

VALUE_LIKE = re.compile(r'placeholder="[\w\-.@]+"', re.ASCII)


def test_placeholders_are_hints_not_values(world: Any, registry: Any, menu: Any) -> None:
    resident = signed_in(world.user(Role.RESIDENT))
    for page in (
        Client().get("/accounts/login/"),
        Client().get("/requests/ask/?station=JIAOJIA"),
        resident.get("/requests/new/"),
    ):
        html = page.content.decode()
        assert VALUE_LIKE.findall(html) == []
    assert 'placeholder="如：502"' in resident.get("/requests/new/").content.decode()


def render(value: Any, name: str) -> str:
    return Template("{{ value|" + name + " }}").render(Context({"value": value}))


def test_dates_show_the_year_only_when_it_is_not_this_one() -> None:
    now = timezone.localtime()
    this_year = now.replace(month=3, day=5, hour=9, minute=0)
    assert render(this_year, "when") == "3月5日 09:00"
    last_year = this_year.replace(year=now.year - 1)
    assert render(last_year, "when") == f"{now.year - 1}年3月5日 09:00"
    assert render(date(now.year - 2, 12, 4), "when_day") == f"{now.year - 2}年12月4日"
    assert render(date(now.year, 12, 4), "when_day") == "12月4日"
    assert render(now.replace(month=1, day=2), "when_day") == "1月2日"
    assert render(None, "when") == ""


def test_navigation_and_titles_agree(world: Any) -> None:
    resident_home = signed_in(world.user(Role.RESIDENT)).get("/requests/mine/").content.decode()
    assert re.search(r'<a href="/requests/mine/"[^>]*>我的点单</a>', resident_home)
    assert "<title>我的点单" in resident_home
    tasks = signed_in(world.user(Role.VOLUNTEER)).get("/requests/tasks/").content.decode()
    assert re.search(r'<a href="/requests/tasks/"[^>]*>我的任务</a>', tasks)
    assert '<h1 class="request-heading">我的任务</h1>' in tasks
