"""Races on roles, for real: threads with their own PostgreSQL connections, started together."""

from functools import partial

import pytest

from linli.accounts import actions
from linli.accounts.models import Role, RoleAssignment, User
from tests.race.helpers import make_station, run_together

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


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
    station = make_station()
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
