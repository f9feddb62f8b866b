"""The tutor's page and the pupil list read in a fixed number of queries, however many pupils."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linli.accounts.models import Role
from linli.people.actions import AddressInput, ConsentInput
from linli.studyroom.actions.day import stay_check_in
from linli.studyroom.actions.pupils import PupilInput, pupil_enrol
from tests.conftest import World, add_resident, api_token, bearer, signed_in
from tests.studyroom.conftest import Study, years_ago

pytestmark = pytest.mark.django_db


def _more_pupils(world: World, study: Study, count: int) -> None:
    for number in range(count):
        child = add_resident(
            world.jiaojia, "李小" + "甲乙丙丁"[number], gender="M", birth_date=years_ago(8),
            address=AddressInput("焦家小区", "8", "1", "101"), relation="child",
            consent=ConsentInput(method="paper", given_by="guardian", guardian_name="李建国",
                                 sensitive=True),
        )  # fmt: skip
        pupil = pupil_enrol(
            room=study.room,
            data=PupilInput(child, [study.father, study.grandmother], "当涂县实验小学", 2, True),
            actor=None,
        )
        stay_check_in(room=study.room, pupil=pupil, actor=None)


def _queries(fetch: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


def test_the_duty_page_and_the_pupil_list_do_not_grow_with_pupils(
    world: World, study: Study
) -> None:
    client = signed_in(world.user(Role.VOLUNTEER))
    headers = bearer(api_token(world.user(Role.STATION_STAFF)))
    page = f"/study-room/{study.room.pk}/duty/"
    client.get(page)  # warm the session, and the token (its last use is stamped once a while)
    Client().get("/api/v1/study-room/pupils", **headers)
    one = (_queries(lambda: client.get(page)),
           _queries(lambda: Client().get("/api/v1/study-room/pupils", **headers)))  # fmt: skip
    _more_pupils(world, study, 3)
    four = (_queries(lambda: client.get(page)),
            _queries(lambda: Client().get("/api/v1/study-room/pupils", **headers)))  # fmt: skip
    assert four == one
