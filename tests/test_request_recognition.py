"""The resident's 点单 form chooses for them as they type (the paste box's recognition), offers
the most asked-for items first, and lets them leave the category to staff."""

from __future__ import annotations

from typing import Any

import pytest

from linli.accounts.models import Role
from linli.assistance.models import ServiceRequest
from linli.people.models import Resident
from tests.conftest import signed_in, submit_request

pytestmark = pytest.mark.django_db

RECOGNISE = "/requests/new/recognise/"


@pytest.fixture
def resident(world: Any, registry: Any, menu: Any) -> Any:
    user = world.user(Role.RESIDENT)
    Resident.objects.filter(pk=registry.wang.pk).update(user=user)
    return signed_in(user)


def checked(html: str, testid: str) -> bool:
    tag = html.split(f'data-testid="{testid}"')[0].rsplit("<input", 1)[1]
    return " checked" in tag


def test_typing_chooses_the_tile(resident: Any, menu: Any) -> None:
    html = resident.post(RECOGNISE, {"station": "JIAOJIA", "description": "厨房水管漏水了"})
    text = html.content.decode()
    assert checked(text, f"quick-{menu.repair.pk}")
    assert 'data-testid="recognised"' in text
    assert f'name="guess" value="item-{menu.repair.pk}"' in text


def test_own_choice_is_kept(resident: Any, menu: Any) -> None:
    text = resident.post(
        RECOGNISE,
        {
            "station": "JIAOJIA",
            "description": "厨房水管漏水了",
            "category": f"item-{menu.errands.pk}",
            "guess": f"item-{menu.escort.pk}",
        },
    ).content.decode()
    assert checked(text, f"quick-{menu.errands.pk}")
    assert not checked(text, f"quick-{menu.repair.pk}")
    assert 'data-testid="recognised"' not in text


def test_a_later_guess_replaces_an_earlier_one(resident: Any, menu: Any) -> None:
    text = resident.post(
        RECOGNISE,
        {
            "station": "JIAOJIA",
            "description": "想请人陪我去医院看病",
            "category": f"item-{menu.repair.pk}",
            "guess": f"item-{menu.repair.pk}",
        },
    ).content.decode()
    assert checked(text, f"quick-{menu.escort.pk}")


def test_most_asked_for_come_first(world: Any, resident: Any, menu: Any) -> None:
    for _n in range(2):
        submit_request(
            world.jiaojia, category="elderly_disabled", item_id=menu.escort.pk, requester_name="x"
        )
    page = resident.get("/requests/new/").content.decode()
    tiles = page.split('data-testid="quick-tiles"')[1].split("</div>")[0]
    assert tiles.index(f"quick-{menu.escort.pk}") < tiles.index(f"quick-{menu.repair.pk}")
    assert f"quick-{menu.outsider_repair.pk}" not in page


def test_a_quick_tile_sets_category_and_item(resident: Any, menu: Any) -> None:
    answer = resident.post(
        "/requests/new/",
        {
            "station": "JIAOJIA",
            "description": "下周二复查，想有人陪",
            "category": f"item-{menu.escort.pk}",
            "urgency": "normal",
            "when": "asap",
        },
    )
    assert answer.status_code == 302
    made = ServiceRequest.objects.get()
    assert (made.category, made.item_id) == ("elderly_disabled", menu.escort.pk)


def test_unsure_leaves_it_to_staff(world: Any, resident: Any, menu: Any) -> None:
    answer = resident.post(
        "/requests/new/",
        {
            "station": "JIAOJIA",
            "description": "家里有点事想找人帮忙",
            "category": "unsure",
            "urgency": "normal",
            "when": "asap",
        },
    )
    assert answer.status_code == 302
    made = ServiceRequest.objects.get()
    assert (made.category, made.item_id) == ("", None)
    staff = signed_in(world.user(Role.STATION_STAFF))
    assert "待归类" in staff.get("/requests/board/").content.decode()


def test_a_stranger_tile_is_refused(resident: Any, menu: Any) -> None:
    answer = resident.post(
        "/requests/new/",
        {
            "station": "JIAOJIA",
            "description": "修水管",
            "category": f"item-{menu.outsider_repair.pk}",
            "urgency": "normal",
            "when": "asap",
        },
    )
    assert answer.status_code == 422
    assert resident.post(RECOGNISE, {"description": "x" * 5000}).status_code == 200
    assert ServiceRequest.objects.count() == 0
