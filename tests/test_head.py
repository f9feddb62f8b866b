"""HEAD is answered wherever GET is, pages and API alike (issue: smaller items)."""

from typing import Any

import pytest
from django.test import Client

from linli.accounts.models import Role
from tests.conftest import api_token, bearer, signed_in


@pytest.mark.parametrize("path", ["/accounts/login/", "/volunteers/register/?station=JIAOJIA"])
def test_public_pages_answer_head(world: Any, path: str) -> None:
    get = Client().get(path)
    head = Client().head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""


@pytest.mark.parametrize("path", ["/", "/hours/certificate/", "/audit/"])
def test_signed_in_pages_answer_head(world: Any, path: str) -> None:
    client = signed_in(world.user(Role.STATION_STAFF))
    assert client.head(path).status_code == client.get(path).status_code


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/stations", "/api/v1/residents"])
def test_api_reads_answer_head(world: Any, path: str) -> None:
    headers = bearer(api_token(world.user(Role.STATION_STAFF)))
    head = Client().head(path, **headers)
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Type"].startswith("application/json")
    assert Client().head("/api/v1/auth/token").status_code == 405
