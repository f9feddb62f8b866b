"""Races on a resident's own sign-up, for real: two threads with their own PostgreSQL connections
sign up the same phone number, the second started a little later each round.

resident_sign_up answers a number that already has an account the same way as a new one (the
page says nothing about who is registered). A number signed up twice at the same instant must
keep that promise: one account, one resident role, and every caller the same quiet answer —
never the "already registered" error of a check that lost the race.
"""

import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.models import AuditLog
from linli.org.models import Station
from linli.people.actions import resident_sign_up
from tests.conftest import PASSWORD
from tests.race.helpers import make_station

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]

ROUNDS = 40  # one number each, the second caller a little later each round
STEP = 0.0005  # seconds: the window is a few queries wide, and a sign-up a few dozen
PAGE_STEP = 0.001  # a page adds its session, form and rate checks before the action


def numbers(first: int) -> list[str]:
    return [f"1391234{first + index:04d}" for index in range(ROUNDS)]


def run_staggered(works: list[Callable[[], Any]], delays: list[float]) -> list[Any]:
    """Like run_together, but each thread connects first and then waits its delay after the
    common start: swept over the rounds, the delays walk the second caller through every step
    of the first one's sign-up instead of leaving the overlap to luck."""
    start = threading.Barrier(len(works))
    results: list[Any] = [None] * len(works)

    def run(index: int) -> None:
        try:
            connection.ensure_connection()
            start.wait()
            time.sleep(delays[index])
            results[index] = works[index]()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread met
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def accounts_and_roles(station: Station, phone: str) -> tuple[int, int]:
    accounts = User.objects.filter(phone=phone).count()
    roles = RoleAssignment.objects.filter(
        user__phone=phone, role=Role.RESIDENT, station=station
    ).count()
    return accounts, roles


def test_two_sign_ups_of_one_number_make_one_account_and_raise_nothing() -> None:
    station = make_station()
    for round_, phone in enumerate(numbers(1)):
        outcomes = run_staggered(
            [
                partial(
                    resident_sign_up, station=station, phone=phone, name=name, password=PASSWORD
                )
                for name in ("王秀梅", "王秀兰")
            ],
            [0, round_ * STEP],
        )

        assert [o for o in outcomes if isinstance(o, Exception)] == [], (round_, outcomes)
        created = [outcome for outcome in outcomes if isinstance(outcome, User)]
        assert len(created) == 1 and None in outcomes, (round_, outcomes)
        assert accounts_and_roles(station, phone) == (1, 1)
        assert User.objects.get(phone=phone).pk == created[0].pk
    held = AuditLog.objects.filter(action="resident.sign_up_held", station=station)
    assert held.count() == ROUNDS


def test_two_sign_up_pages_of_one_number_both_answer_done(settings: Any) -> None:
    # Every page comes from one address here: room for them all under the address's limit.
    settings.LINLI_RATES = {**settings.LINLI_RATES, "register_address": "1000/h"}
    station = make_station()
    answers: Counter[tuple[int, str]] = Counter()

    def post(phone: str) -> tuple[int, str]:
        response = Client().post(
            "/accounts/signup/",
            {
                "station": station.code,
                "name": "王秀梅",
                "phone": phone,
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
        )
        return response.status_code, response.get("Location", "")

    for round_, phone in enumerate(numbers(101)):
        outcomes = run_staggered(
            [partial(post, phone), partial(post, phone)], [0, round_ * PAGE_STEP]
        )
        assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
        answers.update(outcomes)
        assert accounts_and_roles(station, phone) == (1, 1)
    # The same page for both, whoever won: nothing tells the loser the number was taken.
    assert answers == {(302, "/accounts/signup/done/"): 2 * ROUNDS}
