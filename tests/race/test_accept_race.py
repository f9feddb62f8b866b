"""抢单, for real: fifty volunteers press "accept" on one request opened to all at the same instant,
each through the API in their own thread with their own PostgreSQL connection.

request_accept locks the request row, so the first to get the lock takes it and every other one
finds it taken. Exactly one wins; the others hear 409 `already_taken` — also those whose turn
came after the winner committed, when the request had already left their reach.
"""

from collections import Counter
from functools import partial
from typing import Any

import pytest
from django.test import Client

from linli.accounts import actions as account_actions
from linli.assistance.actions import (
    RequestInput,
    menu_category_save,
    request_dispatch,
    request_submit,
)
from linli.assistance.models import RequestEvent, RequestStatus, ServiceRequest
from linli.org.models import Station
from linli.volunteers.models import Volunteer
from tests.race.helpers import make_station, make_volunteers, run_together

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]

HOW_MANY = 50


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
