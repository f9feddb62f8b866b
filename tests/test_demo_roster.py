"""The demo's roster import written in bulk leaves the rows the registration actions leave.

A small roster — registry residents and outsiders, a minor with a guardian, the two demo logins
(one already holding the volunteer role), every final status — is written once through the
actions and once through `register_in_bulk`, each inside a rolled-back savepoint, and the two
results are compared by natural keys (names, phones; not ids, not timestamps). So is putting
volunteers into a team: `member_add` one by one against `members_add_in_bulk`.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import RoleAssignment, User
from linli.audit.models import AuditLog
from linli.core import crypto
from linli.core.idcard import make_id_number
from linli.org.models import Station
from linli.people.actions import ConsentInput
from linli.people.models import Consent, Resident
from linli.teams.actions import member_add, team_create
from linli.teams.models import TeamMembership
from linli.volunteers.actions.registration import RegistrationInput
from linli.volunteers.demo.roster import (
    Registration,
    members_add_in_bulk,
    register_in_bulk,
    register_through_actions,
)
from linli.volunteers.models import Volunteer
from tests.conftest import add_resident

AUDITED = ("accounts.user", "people.resident", "volunteers.volunteer", "teams.teammembership")


def born(years: int, month: int = 3, day: int = 14) -> date:
    return date(timezone.localdate().year - years, month, day)


def number(birth_date: date, gender: str, sequence: int) -> str:
    return make_id_number("340521", birth_date, sequence, gender)


def registration(
    name: str,
    birth_date: date,
    gender: str,
    id_number: str,
    *,
    phone: str = "",
    user: User | None = None,
    status: str = "active",
    reason: str = "",
    guardian: str = "",
) -> Registration:
    data = RegistrationInput(
        name=name,
        id_number=id_number,
        phone=phone,
        gender=gender,
        birth_date=birth_date,
        skills=" 急救 ",
        categories=frozenset({"elderly_disabled", "health"}),
        availability=12,
        residence_area="焦家社区",
        occupation="教师",
        political_status="party",
        guardian_name=guardian,
        consent=True,
    )
    return Registration(data=data, user=user, status=status, reason=reason)


@pytest.fixture
def roster(db: Any) -> tuple[Station, list[Registration]]:
    from linli.ops.demo import seed_accounts, seed_stations

    seed_stations(print)
    seed_accounts(print)
    station = Station.objects.get(code="JIAOJIA")
    people = [
        ("赵建华", born(45), "M", "13512340001", "active", ""),
        ("钱小雨", born(15), "F", "13512340002", "pending", ""),
        ("孙立", born(30), "M", "13512340003", "rejected", "材料不全"),
        ("李明", born(60), "M", "13512340004", "left", "迁居外地"),
        ("张志强", born(42), "M", "", "active", ""),
    ]
    registrations = []
    for sequence, (name, birth_date, gender, phone, status, reason) in enumerate(people, 1):
        id_number = number(birth_date, gender, sequence)
        guardian = "钱大海" if birth_date > born(18) else ""
        add_resident(
            station,
            name,
            id_number=id_number,
            consent=ConsentInput(method="paper", sensitive=True),
        )
        user = User.objects.get(phone="13900000003") if not phone else None
        registrations.append(
            registration(name, birth_date, gender, id_number, phone=phone, user=user,
                         status=status, reason=reason, guardian=guardian)
        )  # fmt: skip
    registrations.append(
        registration("周晓", born(21), "F", number(born(21), "F", 7), phone="13512340007")
    )
    registrations.append(
        registration(
            "黄文静",
            born(35),
            "F",
            number(born(35), "F", 8),
            user=User.objects.get(phone="13900000004"),
            status="left",
            reason="工作调动",
        )
    )
    return station, registrations


def snapshot(since: int) -> dict[str, Any]:
    """Every row a registration touches, by natural keys."""
    phone_of: dict[int | None, str] = dict(User.objects.values_list("pk", "phone"))
    name_of_user = dict(User.objects.values_list("pk", "name"))
    name_of_person = dict(Resident.objects.values_list("pk", "name"))
    volunteer_person = dict(Volunteer.objects.values_list("pk", "person__name"))
    membership_person = dict(TeamMembership.objects.values_list("pk", "volunteer__person__name"))
    owner = {
        "accounts.user": name_of_user,
        "people.resident": name_of_person,
        "volunteers.volunteer": volunteer_person,
        "teams.teammembership": membership_person,
    }
    audit: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in AuditLog.objects.filter(pk__gt=since).order_by("pk"):
        assert row.target_type in AUDITED, row.action
        after = dict(row.after or {})
        if "person" in after:
            after["person"] = name_of_person[after["person"]]
        if "volunteer" in after:
            after["volunteer"] = volunteer_person[after["volunteer"]]
        audit[owner[row.target_type][int(row.target_id)]].append(
            (row.action, phone_of.get(row.actor_id), row.actor_label, row.target_type,
             row.target_repr, row.station_id, row.before, after, row.ip, row.user_agent)
        )  # fmt: skip
    volunteers = {
        volunteer.person.name: (
            phone_of[volunteer.user_id], volunteer.station_id, volunteer.number, volunteer.status,
            volunteer.skills, volunteer.availability, volunteer.residence_area,
            volunteer.occupation, volunteer.political_status, volunteer.guardian_name,
            volunteer.consent_version, volunteer.channel, volunteer.registered_by_id,
            volunteer.decided_at is None, volunteer.decided_by_id, volunteer.status_reason,
            sorted(volunteer.categories.values_list("category", flat=True)),
        )
        for volunteer in Volunteer.objects.select_related("person")
    }  # fmt: skip
    people = {
        person.name: (
            person.station_id, person.household_id, person.relation,
            phone_of.get(person.user_id), person.name_pinyin, person.name_initials,
            person.gender, person.birth_date, crypto.decrypt(person.id_number_cipher),
            person.id_number_hash, person.id_number_masked, person.phone, person.sensitive_cipher,
            person.status, person.note, person.card_serial,
        )
        for person in Resident.objects.all()
    }  # fmt: skip
    consents = sorted(
        (name_of_person[c.resident_id], c.scope, c.given_by, c.guardian_name, c.method,
         c.text_version, phone_of.get(c.recorded_by_id, ""), c.withdrawn_at)
        for c in Consent.objects.all()
    )  # fmt: skip
    users = sorted(
        (user.phone, user.name, user.is_active, user.has_usable_password(),
         user.must_change_password, user.last_login)
        for user in User.objects.all()
    )  # fmt: skip
    roles = sorted(
        (phone_of[r.user_id], r.role, r.station_id, r.granted_by_id)
        for r in RoleAssignment.objects.all()
    )
    memberships = sorted(
        (m.team.name, m.volunteer.person.name, m.role, m.status, m.decided_at is None,
         m.decided_by_id, m.note)
        for m in TeamMembership.objects.select_related("team", "volunteer__person")
    )  # fmt: skip
    return {
        "audit": dict(audit),
        "volunteers": volunteers,
        "people": people,
        "consents": consents,
        "users": users,
        "roles": roles,
        "memberships": memberships,
    }


def written(write: Callable[[], object]) -> dict[str, Any]:
    """What `write` leaves, read before its savepoint is rolled back."""
    since = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic():
        write()
        found = snapshot(since)
        transaction.set_rollback(True)
    return found


def test_a_roster_written_in_bulk_leaves_what_the_actions_leave(roster):
    station, registrations = roster

    def through_actions() -> None:
        for one in registrations:
            register_through_actions(station=station, registration=one)

    expected = written(through_actions)
    found = written(lambda: register_in_bulk(station=station, registrations=registrations))
    assert found == expected
    # The comparison has something to compare: every kind of row and audit step is there.
    assert len(expected["volunteers"]) == len(registrations) == 7
    assert {row[3] for row in expected["volunteers"].values()} == {
        "active",
        "pending",
        "rejected",
        "left",
    }
    actions = {row[0] for rows in expected["audit"].values() for row in rows}
    assert actions == {
        "user.create", "consent.record", "resident.create", "volunteer.register",
        "volunteer.active", "volunteer.rejected", "volunteer.left", "role.grant", "role.revoke",
    }  # fmt: skip


def test_team_members_added_in_bulk_as_member_add_adds_them(roster):
    station, registrations = roster
    ids = register_in_bulk(station=station, registrations=registrations)
    team = team_create(
        station=station,
        name="测试服务队",
        description="",
        categories=["elderly_disabled"],
        actor=None,
    )
    active = list(
        Volunteer.objects.filter(pk__in=ids, status="active")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert len(active) == 3

    def through_actions() -> None:
        for volunteer in Volunteer.objects.filter(pk__in=active).order_by("pk"):
            member_add(team=team, volunteer=volunteer, actor=None)

    expected = written(through_actions)
    assert written(lambda: members_add_in_bulk(team=team, volunteer_ids=active)) == expected
    assert len(expected["memberships"]) == 3


def test_the_bulk_roster_refuses_what_the_actions_refuse(roster):
    station, registrations = roster
    register_in_bulk(station=station, registrations=registrations[:1])
    with pytest.raises(ValueError, match="手机号码"):
        register_in_bulk(station=station, registrations=registrations[:1])
    moved = Registration(data=replace(registrations[1].data, phone="12345"), status="active")
    with pytest.raises(ValueError, match="手机号码无效"):
        register_in_bulk(station=station, registrations=[moved])
    team = team_create(
        station=station,
        name="测试服务队",
        description="",
        categories=["elderly_disabled"],
        actor=None,
    )
    pending = Volunteer.objects.get(status="active").pk
    with pytest.raises(ValueError, match="在册志愿者"):
        members_add_in_bulk(team=team, volunteer_ids=[pending, pending + 1000])
