"""The cast of the study-room tests, on tests/conftest.py's `world`, `registry` and `corps`.

At 焦家: 李梓涵 (9) is a pupil of the room; her father 李建国 (the resident user's person record)
and her grandmother 李秀英 are her guardians; 赵强 is an adult neighbour who is not. 黄文静 (the
volunteer user) is a tutor (支教助学) on duty today; 张志强 (the team leader) is a tutor on the
rota tomorrow only. 黄池 has its own room.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.people.actions import AddressInput
from linli.people.models import Resident
from linli.studyroom.actions.pupils import PupilInput, pupil_enrol
from linli.studyroom.actions.rooms import RoomInput, room_create
from linli.studyroom.actions.rota import shift_add
from linli.studyroom.models import Pupil, StudyRoom
from linli.volunteers.models import VolunteerCategory
from tests.conftest import Corps, Registry, World, add_resident


@dataclass
class Study:
    room: StudyRoom
    outside_room: StudyRoom
    pupil: Pupil
    child: Any
    father: Any  # 李建国, linked to the resident user
    grandmother: Any
    neighbour: Any
    tutor: Any  # the volunteer user's record, on duty today
    other_tutor: Any  # the team leader's record, on the rota tomorrow


def years_ago(years: int) -> date:
    today = timezone.localdate()
    return date(today.year - years, 3, 1)


def build_study(world: World, registry: Registry, corps: Corps) -> Study:
    home = AddressInput("焦家小区", "8", "1", "101")
    grandmother = add_resident(
        world.jiaojia, "李秀英", gender="F", birth_date=years_ago(66), address=home,
        relation="parent",
    )  # fmt: skip
    neighbour = add_resident(
        world.jiaojia, "赵强", gender="M", birth_date=years_ago(40),
        address=AddressInput("焦家小区", "8", "2", "201"),
    )  # fmt: skip
    Resident.objects.filter(pk=registry.li.pk).update(user=world.user(Role.RESIDENT))
    registry.li.refresh_from_db()
    room = room_create(
        station=world.jiaojia, data=RoomInput("焦家社区午间微学堂", "实践站二楼"), actor=None
    )
    outside_room = room_create(station=world.huangchi, data=RoomInput("黄池午间课堂"), actor=None)
    for volunteer in (corps.volunteer, corps.leader):
        VolunteerCategory.objects.create(volunteer=volunteer, category="education")
    today = timezone.localdate()
    shift_add(room=room, volunteer=corps.volunteer, day=today, actor=None)
    shift_add(room=room, volunteer=corps.leader, day=today + timedelta(days=1), actor=None)
    pupil = pupil_enrol(
        room=room,
        data=PupilInput(
            child=registry.child,
            guardians=[registry.li, grandmother],
            school="当涂县实验小学",
            grade=3,
            consent=True,
            allergies="花生过敏",
            health_notes="哮喘，备有喷雾",
            photo_consent=False,
        ),
        actor=None,
    )
    return Study(
        room, outside_room, pupil, registry.child, registry.li, grandmother, neighbour,
        corps.volunteer, corps.leader,
    )  # fmt: skip


@pytest.fixture
def study(world: World, registry: Registry, corps: Corps) -> Study:
    return build_study(world, registry, corps)
