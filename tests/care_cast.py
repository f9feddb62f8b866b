"""The cast of the care tests, built on tests/conftest.py's `world`, `registry` and `corps`.

At 焦家: 王秀梅 (68, living alone, disabled, with sensitive consent) and 张桂兰 (82, empty nest)
are elders; 王秀梅 is visited by 党员志愿服务队 (黄文静, the volunteer user, is a member), 张桂兰
by no team. The elderly centre has 王秀梅, 张桂兰 and 刘德福 (75) as members; the caregiver user
works there (`elderly_carer`); `disabled_carer` is another caregiver of 焦家 who works at the
disabled centre only; `idle_carer` is a caregiver of 焦家 at no centre. 黄池 has its own centre
with 王秀兰 (76) as a member and its own caregiver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from linli.accounts.models import Role
from linli.daycare.actions.centres import CentreInput, centre_create, centre_staff_add
from linli.daycare.actions.members import member_admit
from linli.daycare.models import Centre, Membership
from linli.elders.actions import elder_profile_update, elder_profiles_sync
from linli.elders.models import ElderProfile
from linli.people.actions import AddressInput, ConsentInput
from tests.conftest import Corps, Registry, World, add_resident, make_user


@dataclass
class Care:
    elderly: Centre
    disabled: Centre
    outside_centre: Centre
    wang: Any  # the elder living alone, member of the elderly centre
    zhang: Any  # 82, empty nest, member
    liu: Any  # 75, member
    outsider: Any  # 黄池's elder, member of 黄池's centre
    wang_member: Membership
    zhang_member: Membership
    liu_member: Membership
    elderly_carer: Any  # the caregiver user of tests/conftest.py
    disabled_carer: Any
    idle_carer: Any
    outside_carer: Any
    wang_profile: ElderProfile
    zhang_profile: ElderProfile


def years_ago(years: int, month: int = 3, day: int = 1) -> date:
    return date(timezone.localdate().year - years, month, day)


def build_care(world: World, registry: Registry, corps: Corps) -> Care:
    zhang = add_resident(
        world.jiaojia,
        "张桂兰",
        gender="F",
        birth_date=years_ago(82),
        phone="13855550003",
        address=AddressInput("焦家小区", "8", "2", "301"),
        tags=frozenset({"empty_nest"}),
    )
    liu = add_resident(
        world.jiaojia,
        "刘德福",
        gender="M",
        birth_date=years_ago(75),
        address=AddressInput("金桥花园", "1", "1", "101"),
        consent=ConsentInput(method="paper", sensitive=False),
    )
    elder_profiles_sync()
    wang_profile = ElderProfile.objects.get(resident=registry.wang)
    elder_profile_update(profile=wang_profile, actor=None, visit_team=corps.party_team)
    wang_profile.refresh_from_db()
    zhang_profile = ElderProfile.objects.get(resident=zhang)
    elderly = centre_create(
        station=world.jiaojia,
        data=CentreInput("焦家社区老年人日间照料中心", "elderly", date(2021, 6, 1), 40,
                         "周一至周五 8:00–17:00"),
        actor=None,
    )  # fmt: skip
    disabled = centre_create(
        station=world.jiaojia,
        data=CentreInput("焦家社区残疾人日间照料中心", "disabled", date(2022, 1, 10), 30,
                         "周一至周五 8:30–16:30"),
        actor=None,
    )  # fmt: skip
    outside_centre = centre_create(
        station=world.huangchi,
        data=CentreInput("黄池日间照料中心", "elderly", date(2022, 3, 1), 20, "工作日"),
        actor=None,
    )
    elderly_carer = world.user(Role.CAREGIVER)
    disabled_carer = make_user("13700000011", Role.CAREGIVER, world.jiaojia, name="残疾中心护理员")
    idle_carer = make_user("13700000012", Role.CAREGIVER, world.jiaojia, name="未分配护理员")
    outside_carer = make_user("13700000013", Role.CAREGIVER, world.huangchi, name="黄池护理员")
    centre_staff_add(centre=elderly, user=elderly_carer, actor=None)
    centre_staff_add(centre=disabled, user=disabled_carer, actor=None)
    centre_staff_add(centre=outside_centre, user=outside_carer, actor=None)
    on = date(2021, 6, 1)
    wang_member = member_admit(
        centre=elderly, resident=registry.wang, fee_tier="free", actor=None, on=on
    )
    zhang_member = member_admit(centre=elderly, resident=zhang, fee_tier="low", actor=None, on=on)
    liu_member = member_admit(centre=elderly, resident=liu, fee_tier="paid", actor=None, on=on)
    member_admit(
        centre=outside_centre, resident=registry.outsider, fee_tier="low", actor=None, on=on
    )
    return Care(
        elderly, disabled, outside_centre, registry.wang, zhang, liu, registry.outsider,
        wang_member, zhang_member, liu_member, elderly_carer, disabled_carer, idle_carer,
        outside_carer, wang_profile, zhang_profile,
    )  # fmt: skip
