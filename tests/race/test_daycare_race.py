"""Double taps, for real: twenty tablets at the door check the same member in at the same
instant, each through the API in its own thread with its own PostgreSQL connection.

attendance_check_in locks the member's membership row, so the first to get the lock opens the
stay and every other one finds it open: exactly one 201, nineteen 409 `already_checked_in`, one
open stay (a partial unique constraint stands behind the lock).
"""

from collections import Counter
from datetime import date
from functools import partial
from typing import Any

import pytest
from django.test import Client

from linli.accounts import actions as account_actions
from linli.accounts.models import Role
from linli.daycare.actions.centres import CentreInput, centre_create, centre_staff_add
from linli.daycare.actions.members import member_admit
from linli.daycare.models import CentreAttendance
from linli.people.actions import ConsentInput, ResidentInput, resident_create
from tests.race.helpers import make_station, run_together

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]

HOW_MANY = 20


def test_twenty_simultaneous_check_ins_of_one_member_open_one_stay():
    station = make_station()
    centre = centre_create(
        station=station,
        data=CentreInput("老年人日间照料中心", "elderly", date(2021, 6, 1), 40, "工作日"),
        actor=None,
    )
    elder = resident_create(
        station=station,
        data=ResidentInput(name="王秀梅", gender="F", birth_date=date(1950, 3, 1)),
        consent=ConsentInput(method="paper"),
        actor=None,
    )
    member_admit(centre=centre, resident=elder, fee_tier="free", actor=None)
    secrets = []
    for index in range(HOW_MANY):
        carer = account_actions.user_create(
            phone=f"1370000{index:04d}", password="correct-horse-42", name="护理员", actor=None
        )
        account_actions.role_grant(user=carer, role=Role.CAREGIVER, station=station, actor=None)
        centre_staff_add(centre=centre, user=carer, actor=None)
        secrets.append(account_actions.token_create(user=carer, actor=carer)[0])
    path = f"/api/v1/daycare/centres/{centre.pk}/attendance"

    def check_in(secret: str) -> tuple[int, Any]:
        response = Client().post(
            path,
            {"resident": elder.pk, "kind": "in"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        return response.status_code, response.json()

    outcomes = run_together([partial(check_in, secret) for secret in secrets])
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert Counter(status for status, _body in outcomes) == {201: 1, 409: HOW_MANY - 1}
    refused = {body["error"]["code"] for status, body in outcomes if status == 409}
    assert refused == {"already_checked_in"}
    assert CentreAttendance.objects.filter(resident=elder, out_at__isnull=True).count() == 1
