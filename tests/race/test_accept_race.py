"""抢单, for real: fifty volunteers press "accept" on one request opened to all at the same instant,
each through the API in their own thread with their own PostgreSQL connection.

request_accept locks the request row, so the first to get the lock takes it and every other one
finds it taken. Exactly one wins; the others hear 409 `already_taken` — also those whose turn
came after the winner committed, when the request had already left their reach.
"""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from linli.accounts import actions as account_actions
from linli.assistance.actions import (
    RequestInput,
    menu_category_save,
    request_dispatch,
    request_submit,
)
from linli.assistance.models import RequestEvent, RequestStatus, ServiceRequest
from linli.core.idcard import make_id_number
from linli.org.actions import station_create
from linli.org.models import Station
from linli.volunteers.actions.registration import (
    RegistrationInput,
    volunteer_approve,
    volunteer_register,
)
from linli.volunteers.models import Volunteer

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]

HOW_MANY = 50
# Names take Chinese characters or letters only, no digits.
DIGITS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("race tests run on PostgreSQL (SQLite serialises every writer)")


def run_together(workers: list[Callable[[], Any]]) -> list[Any]:
    """Run each callable in its own thread, released at the same instant; results or exceptions."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(index: int, work: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread met
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def make_station() -> Station:
    center = station_create(code="C", name="中心", kind="center", parent=None, actor=None)
    return station_create(
        code="S", name="焦家社区实践站", kind="station", parent=center, actor=None
    )


def make_volunteers(station: Station, how_many: int) -> list[Volunteer]:
    """Active volunteers of the station, each with an account (the `volunteer` role)."""
    volunteers = []
    for index in range(how_many):
        born = date(1960, 1, 1) + timedelta(days=90 * index)
        data = RegistrationInput(
            name=f"志愿者{DIGITS[index // 20]}{DIGITS[index % 20]}",
            id_number=make_id_number("340521", born, index % 500, "M" if index % 2 else "F"),
            phone=f"139{index:08d}",
            password="",
            consent=True,
        )
        volunteer = volunteer_register(station=station, data=data, channel="import")
        volunteers.append(volunteer_approve(volunteer=volunteer, actor=None))
    return volunteers


def open_request(station: Station) -> ServiceRequest:
    menu_category_save(station=station, code="community", response_hours=4, teams=[], actor=None)
    service_request = request_submit(
        station=station,
        data=RequestInput(
            category="community", description="厨房水管漏水", requester_name="王秀梅"
        ),
        channel="phone",
        actor=None,
    )
    return request_dispatch(service_request=service_request, actor=None, open_to_all=True)


def test_fifty_volunteers_accept_one_open_request_at_once():
    station = make_station()
    volunteers = make_volunteers(station, HOW_MANY)
    service_request = open_request(station)
    secrets = [
        account_actions.token_create(user=volunteer.user, actor=volunteer.user)[0]
        for volunteer in volunteers
    ]
    path = f"/api/v1/service-requests/{service_request.pk}/accept"

    def accept(secret: str) -> tuple[int, Any]:
        response = Client().post(path, HTTP_AUTHORIZATION=f"Bearer {secret}")
        return response.status_code, response.json()

    outcomes = run_together([partial(accept, secret) for secret in secrets])

    failures = [outcome for outcome in outcomes if not isinstance(outcome, tuple)]
    assert failures == []
    assert Counter(status for status, _body in outcomes) == {200: 1, 409: HOW_MANY - 1}
    refusals = Counter(body["error"]["code"] for status, body in outcomes if status == 409)
    assert refusals == {"already_taken": HOW_MANY - 1}
    ((_status, winner),) = [outcome for outcome in outcomes if outcome[0] == 200]
    service_request.refresh_from_db()
    assert service_request.status == RequestStatus.ACCEPTED
    assert service_request.volunteer_id == winner["volunteer"]["id"]
    accepted_rows = RequestEvent.objects.filter(
        request=service_request, to_status=RequestStatus.ACCEPTED
    )
    assert accepted_rows.count() == 1
    winner_volunteer = Volunteer.objects.get(pk=service_request.volunteer_id)
    assert accepted_rows.get().actor_id == winner_volunteer.user_id
