"""Every role's home shows what exists for it today: each link on its card opens for that role
(no page that refuses them, none that is missing)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from linli.accounts.models import Role
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role",
    [Role.CANTEEN_OPERATOR, Role.CAREGIVER, Role.RESIDENT, Role.VOLUNTEER, Role.TEAM_LEADER],
)
def test_every_link_on_the_home_card_opens(world: Any, registry: Any, role: str) -> None:
    client = signed_in(world.user(role))
    home = client.get("/").content.decode()
    card = home.split(f'data-testid="role-card-{role}"')[1].split("</section>")[0]
    links = {link.replace("&amp;", "&") for link in re.findall(r'(?:href|hx-get)="(/[^"]*)"', card)}
    assert links
    for link in sorted(links):
        answer = client.get(link)
        assert answer.status_code == 200, (role, link, answer.status_code)
