"""Staff enrolling a pupil from the paper form find the child with a search-as-you-type picker —
by name, pinyin, the last four of the ID number or a family member's phone — instead of one list
of every child of the station; only the station's staff may search."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.accounts.models import Role
from linli.core.idcard import make_id_number
from linli.people.actions import AddressInput, ConsentInput
from tests.conftest import World, add_resident, signed_in
from tests.studyroom.conftest import Study, years_ago
from tests.studyroom.test_roles import _user

pytestmark = pytest.mark.django_db
CHILD_CONSENT = ConsentInput(method="paper", given_by="guardian", guardian_name="李建国",
                             sensitive=True)  # fmt: skip


@pytest.fixture
def sibling(world: World) -> Any:
    born = years_ago(7)
    return add_resident(
        world.jiaojia, "李子轩", gender="M", birth_date=born,
        id_number=make_id_number("340521", born, 31, "M"),
        address=AddressInput("焦家小区", "8", "1", "101"), relation="child",
        consent=CHILD_CONSENT,
    )  # fmt: skip


def _search(client: Any, study: Study, q: str) -> str:
    return client.get(f"/study-room/{study.room.pk}/enrol/children/", {"q": q}).content.decode()


def test_the_picker_finds_a_child_every_way(world: World, study: Study, sibling: Any) -> None:
    client = signed_in(world.user(Role.STATION_STAFF))
    id_tail = sibling.id_number_masked[-4:]
    for q in ("李子", "lzx", "lizixuan", id_tail, "13855550002", "5550002"):
        # the father's phone (李建国, same household) finds the child
        assert f'data-testid="found-{sibling.pk}"' in _search(client, study, q), q
    assert "李梓涵" not in _search(client, study, "李")  # enrolled already
    assert f'found-{study.neighbour.pk}"' not in _search(client, study, "赵强")  # an adult
    assert "child-picker-none" in _search(client, study, "13899999999")


def test_picking_a_child_fills_the_form(world: World, study: Study, sibling: Any) -> None:
    client = signed_in(world.user(Role.STATION_STAFF))
    url = f"/study-room/{study.room.pk}/enrol/"
    blank = client.get(url).content.decode()
    assert "enrol-form" not in blank and "<select" not in blank
    chosen = client.get(url, {"child": sibling.pk}).content.decode()
    assert 'data-testid="child-chosen"' in chosen and "李子轩" in chosen
    assert f'type="hidden" name="child" value="{sibling.pk}"' in chosen
    assert "李建国" in chosen  # the household's adults to tick as guardians


def test_the_enrol_page_does_not_grow_with_the_children(world: World, study: Study) -> None:
    client = signed_in(world.user(Role.STATION_STAFF))
    url = f"/study-room/{study.room.pk}/enrol/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for name in ("孙一一", "孙二二", "孙三三", "孙四四", "孙五五", "孙六六"):
        add_resident(world.jiaojia, name, gender="F", birth_date=years_ago(8),
                     consent=CHILD_CONSENT)  # fmt: skip
    assert queries() == before
    assert "孙一一" not in client.get(url).content.decode()


@pytest.mark.parametrize(
    "who, status",
    [(Role.STATION_STAFF, 200), (Role.ADMIN, 200), (Role.SUPERVISOR, 403), ("tutor_on_duty", 403),
     ("guardian", 404), ("outsider", 404)],
)  # fmt: skip
def test_only_staff_search_the_children(world: World, study: Study, sibling: Any, who: str,
                                        status: int) -> None:  # fmt: skip
    client = signed_in(_user(world, who))
    response = client.get(f"/study-room/{study.room.pk}/enrol/children/", {"q": "李子"})
    assert response.status_code == status
    assert ("李子轩" in response.content.decode()) == (status == 200)


def test_a_bad_search_is_not_a_500(world: World, study: Study) -> None:
    client = signed_in(world.user(Role.STATION_STAFF))
    assert "found-" not in _search(client, study, "x" * 51)
