"""The cast of the incentives tests, built on tests/conftest.py's `world`, `registry` and
`corps`: 黄文静 (the volunteer user) and 张志强 (the team leader) serve at 焦家, 钱进 at 黄池.
`serve` credits verified hours the way an activity's verification does, through the ledger."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from linli.accounts.models import Role
from linli.ledger.actions import ledger_credit
from linli.ledger.models import Account, EntryKind
from tests.conftest import Corps, World, api_token, bearer

_sources = itertools.count(1)


def serve(volunteer: Any, hours: str | Decimal, *, on: date | None = None) -> Any:
    """Verified hours for `volunteer` (an activity entry, once per call)."""
    entry, _created = ledger_credit(
        volunteer=volunteer,
        account=Account.HOURS,
        amount=Decimal(hours),
        kind=EntryKind.ACTIVITY,
        served_on=on or date(2026, 11, 1),
        description="敬老院慰问",
        source_key=f"test-serve:{next(_sources)}",
        actor=None,
    )
    return entry


class Api:
    """A bearer-token client for one user."""

    def __init__(self, user: Any) -> None:
        self.client = Client()
        self.headers = bearer(api_token(user))

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, **self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            f"/api/v1{path}", body or {}, content_type="application/json", **self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            f"/api/v1{path}", body, content_type="application/json", **self.headers
        )


@pytest.fixture
def staff(world: World) -> Api:
    return Api(world.user(Role.STATION_STAFF))


@pytest.fixture
def me(world: World, corps: Corps) -> Api:
    return Api(world.user(Role.VOLUNTEER))


@pytest.fixture
def leader(world: World, corps: Corps) -> Api:
    return Api(world.user(Role.TEAM_LEADER))


@pytest.fixture
def outsider(world: World) -> Api:
    assert world.outsider is not None
    return Api(world.outsider)
