"""Races on roles, for real: threads with their own PostgreSQL connections, started together."""

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import close_old_connections, connection

from linli.accounts import actions
from linli.accounts.models import Role, RoleAssignment, User
from linli.org.actions import station_create

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


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
        thread.join(timeout=60)
    return results


def test_admins_removing_each_other_at_once_leave_exactly_one_admin():
    admins = [User.objects.create_user(f"138000001{i:02d}", "irrelevant-1") for i in range(8)]
    grants = [
        actions.role_grant(user=user, role=Role.ADMIN, station=None, actor=None) for user in admins
    ]
    # Each administrator removes the next one's role, all at the same instant.
    outcomes = run_together(
        [
            partial(actions.role_revoke, assignment=grant, actor=actor)
            for grant, actor in zip(grants[1:] + grants[:1], admins, strict=True)
        ]
    )
    refused = [o for o in outcomes if isinstance(o, actions.AccountError)]
    assert [error.code for error in refused] == ["last_admin"], outcomes
    assert RoleAssignment.objects.filter(role=Role.ADMIN).count() == 1


def test_twenty_simultaneous_grants_of_one_role_make_one_row():
    center = station_create(code="C", name="中心", kind="center", parent=None, actor=None)
    station = station_create(code="S", name="站", kind="station", parent=center, actor=None)
    user = User.objects.create_user("13800000103", "irrelevant-3")
    outcomes = run_together(
        [
            lambda: actions.role_grant(user=user, role=Role.VOLUNTEER, station=station, actor=None)
            for _ in range(20)
        ]
    )
    granted = [o for o in outcomes if isinstance(o, RoleAssignment)]
    held = [o for o in outcomes if isinstance(o, actions.AccountError)]
    assert len(granted) == 1
    assert len(held) == 19
    assert all(error.code == "role_held" for error in held)
    assert RoleAssignment.objects.filter(user=user).count() == 1
