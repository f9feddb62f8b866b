"""One world for every test: the 中心 → 所 → 站 tree, one user per role at 焦家, and outsiders.

Like healthchecks' alice / bob / charlie: each role at JIAOJIA, plus `outsider`, the station staff
of another station (HUANGCHI), who must see nothing of JIAOJIA.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation
from django_otp.oath import TOTP

from linli.accounts import actions as account_actions
from linli.accounts.access import needs_two_factor
from linli.accounts.models import Authenticator, Role, User
from linli.org.actions import station_create
from linli.org.models import Station

PASSWORD = "correct-horse-42"


DEMO_TESTS = Path(__file__).resolve().parent / "demo"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests of tests/demo/ share one seeded demo: under xdist they go to one worker together
    (`--dist loadgroup`)."""
    for item in items:
        if DEMO_TESTS in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.fixture(autouse=True)
def fresh_process_state() -> Any:
    """Each test starts as a fresh server would: an empty cache and the default language.

    (A request in English leaves English active in the thread; a later test would inherit it.)
    """
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class World:
    center: Station
    institute: Station
    jiaojia: Station
    other_institute: Station
    huangchi: Station
    users: dict[str, User] = field(default_factory=dict)
    outsider: User | None = None
    outside_supervisor: User | None = None

    def user(self, role: str) -> User:
        return self.users[role]


def make_user(phone: str, role: str, station: Station | None, name: str = "") -> User:
    user = account_actions.user_create(phone=phone, password=PASSWORD, name=name, actor=None)
    account_actions.role_grant(user=user, role=role, station=station, actor=None)
    return user


@pytest.fixture
def world(db: Any) -> World:
    center = station_create(
        code="DANGTU", name="当涂县新时代文明实践中心", kind="center", parent=None, actor=None
    )
    institute = station_create(
        code="DANGTU-KFQ", name="开发区实践所", kind="institute", parent=center, actor=None
    )
    jiaojia = station_create(
        code="JIAOJIA", name="焦家社区实践站", kind="station", parent=institute, actor=None
    )
    other_institute = station_create(
        code="DANGTU-GS", name="姑孰镇实践所", kind="institute", parent=center, actor=None
    )
    huangchi = station_create(
        code="HUANGCHI", name="黄池社区实践站", kind="station", parent=other_institute, actor=None
    )
    world = World(center, institute, jiaojia, other_institute, huangchi)
    for index, role in enumerate(Role.values):
        station = None if role == Role.ADMIN else jiaojia
        if role == Role.SUPERVISOR:
            station = institute
        world.users[role] = make_user(f"1380000000{index}", role, station, name=f"{role}-user")
    world.outsider = make_user("13700000001", Role.STATION_STAFF, huangchi, name="外站社工")
    world.outside_supervisor = make_user(
        "13700000002", Role.SUPERVISOR, other_institute, name="外所督导"
    )
    return world


def enrol_totp(user: User) -> Authenticator:
    """A confirmed authenticator for `user`, as if they had finished enrolment."""
    return Authenticator.objects.create(user=user, name="authenticator", confirmed=True)


def totp_now(device: Authenticator) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def signed_in(user: User, *, verified: bool = True) -> Client:
    """A browser session for `user`; staff are passed through TOTP unless `verified=False`."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if verified:
        device = Authenticator.objects.filter(user=user, confirmed=True).first() or enrol_totp(user)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


def api_token(user: User) -> str:
    """A bearer token; staff get an authenticator first, as the API demands under 2FA."""
    if needs_two_factor(user) and not account_actions.has_two_factor(user):
        enrol_totp(user)
    secret, _token = account_actions.token_create(user=user, actor=user)
    return secret


def bearer(secret: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@dataclass
class Registry:
    """Two estates of JIAOJIA with buildings, and a few residents; one estate at HUANGCHI."""

    jinqiao: Any
    jiaojia_estate: Any
    huangchi_estate: Any
    wang: Any  # 王秀梅, 68, living alone, disabled, with an ID number
    li: Any  # 李建国, 45
    child: Any  # 李梓涵, 9, consent by a guardian
    outsider: Any  # a resident of HUANGCHI


WANG_ID = "340521195803121229"  # valid checksum; born 1958-03-12, female


def add_resident(station: Station, name: str, **fields: Any) -> Any:
    from linli.people import actions as people_actions

    consent = fields.pop("consent", None) or people_actions.ConsentInput(
        method="paper", sensitive=True
    )
    data = people_actions.ResidentInput(name=name, **fields)
    return people_actions.resident_create(station=station, data=data, consent=consent, actor=None)


@pytest.fixture
def registry(world: World) -> Registry:
    from datetime import date

    from linli.org.models import Building, Estate
    from linli.people.actions import AddressInput, ConsentInput

    jinqiao = Estate.objects.create(station=world.jiaojia, name="金桥花园")
    jiaojia_estate = Estate.objects.create(station=world.jiaojia, name="焦家小区")
    huangchi_estate = Estate.objects.create(station=world.huangchi, name="黄池新村")
    for number in ("1", "2", "3"):
        Building.objects.create(estate=jinqiao, number=number, unit_count=3)
    Building.objects.create(estate=jiaojia_estate, number="8", unit_count=2)
    Building.objects.create(estate=huangchi_estate, number="1", unit_count=2)
    wang = add_resident(
        world.jiaojia,
        "王秀梅",
        id_number=WANG_ID,
        phone="13855550001",
        address=AddressInput("金桥花园", "3", "2", "502"),
        tags=frozenset({"living_alone", "disabled"}),
        disability_type="肢体",
        disability_grade="二级",
    )
    li = add_resident(
        world.jiaojia,
        "李建国",
        gender="M",
        birth_date=date(1980, 5, 1),
        phone="13855550002",
        address=AddressInput("焦家小区", "8", "1", "101"),
    )
    child = add_resident(
        world.jiaojia,
        "李梓涵",
        gender="F",
        birth_date=timezone.localdate().replace(year=timezone.localdate().year - 9, day=1),
        address=AddressInput("焦家小区", "8", "1", "101"),
        relation="child",
        consent=ConsentInput(
            method="paper", given_by="guardian", guardian_name="李建国", sensitive=True
        ),
    )
    outsider = add_resident(
        world.huangchi,
        "王秀兰",
        gender="F",
        birth_date=date(1950, 1, 1),
        address=AddressInput("黄池新村", "1", "1", "201"),
    )
    return Registry(jinqiao, jiaojia_estate, huangchi_estate, wang, li, child, outsider)


@dataclass
class Corps:
    """Volunteers and teams at JIAOJIA, one team at HUANGCHI (built on the `registry`).

    `leader` is the team_leader user's volunteer record, leading `party_team`; `volunteer` is the
    volunteer user's record, a member of `party_team`; `applicant` is pending; `law_team` needs
    `law_course`; `outsider` is an active volunteer of HUANGCHI in `outsider_team`.
    """

    party_team: Any
    law_team: Any
    law_course: Any
    leader: Any
    volunteer: Any
    applicant: Any
    outsider: Any
    outsider_team: Any


def make_volunteer(
    station: Station,
    user: User | None,
    name: str,
    born: Any,
    sequence: int,
    *,
    approve: bool = True,
    phone: str = "",
) -> Any:
    from linli.core.idcard import make_id_number
    from linli.volunteers.actions.registration import (
        RegistrationInput,
        volunteer_approve,
        volunteer_register,
    )

    data = RegistrationInput(
        name=name,
        id_number=make_id_number("340521", born, sequence, "M" if sequence % 2 else "F"),
        phone=phone,
        password=PASSWORD,
        consent=True,
        categories=frozenset({"community"}),
        availability=0b111,  # Monday, all day
    )
    volunteer = volunteer_register(
        station=station, data=data, channel="staff" if user else "self", user=user
    )
    return volunteer_approve(volunteer=volunteer, actor=None) if approve else volunteer


@pytest.fixture
def corps(registry: Registry, world: World) -> Corps:
    from datetime import date

    from linli.teams.models import Team, TeamMembership
    from linli.volunteers.models import Course

    party_team = Team.objects.create(station=world.jiaojia, name="党员志愿服务队")
    law_team = Team.objects.create(station=world.jiaojia, name="法律援助志愿服务队")
    law_course = Course.objects.create(
        station=world.jiaojia, name="法律援助基础", hours=4, organizer="县司法局"
    )
    law_team.required_courses.add(law_course)
    leader = make_volunteer(
        world.jiaojia, world.user(Role.TEAM_LEADER), "张志强", date(1975, 3, 3), 11
    )
    volunteer = make_volunteer(
        world.jiaojia, world.user(Role.VOLUNTEER), "黄文静", date(1995, 6, 6), 12
    )
    applicant = make_volunteer(
        world.jiaojia, None, "周晓燕", date(2000, 2, 2), 14, approve=False, phone="13811110001"
    )
    outsider_team = Team.objects.create(station=world.huangchi, name="黄池志愿服务队")
    outsider = make_volunteer(
        world.huangchi, None, "钱进", date(1988, 8, 8), 15, phone="13811110002"
    )
    TeamMembership.objects.create(team=party_team, volunteer=leader, role="leader", status="active")
    TeamMembership.objects.create(
        team=party_team, volunteer=volunteer, role="member", status="active"
    )
    TeamMembership.objects.create(
        team=outsider_team, volunteer=outsider, role="member", status="active"
    )
    return Corps(
        party_team, law_team, law_course, leader, volunteer, applicant, outsider, outsider_team
    )


@dataclass
class Menu:
    """JIAOJIA's service menu (built on `corps`): 社区服务 with 水电维修 and 代买代办 served by the
    party team, 助老助残 with 陪同就医, 法律服务 with 法律咨询 (needs `corps.law_course`, served by
    the law team); HUANGCHI has 社区服务 with 水电维修 too."""

    community: Any
    elderly: Any
    legal: Any
    repair: Any  # 水电维修
    errands: Any  # 代买代办
    escort: Any  # 陪同就医
    legal_advice: Any  # 法律咨询, requires the law course
    outsider_repair: Any  # HUANGCHI's 水电维修


@pytest.fixture
def menu(corps: Corps, world: World) -> Menu:
    from linli.assistance.actions import MenuItemInput, menu_category_save, menu_item_save

    community = menu_category_save(
        station=world.jiaojia,
        code="community",
        response_hours=4,
        teams=[corps.party_team],
        actor=None,
    )
    elderly = menu_category_save(
        station=world.jiaojia, code="elderly_disabled", response_hours=2, teams=[], actor=None
    )
    legal = menu_category_save(
        station=world.jiaojia, code="legal", response_hours=24, teams=[corps.law_team], actor=None
    )
    repair = menu_item_save(
        category=community,
        data=MenuItemInput(
            name="水电维修", skills="水电 维修", keywords="漏水 水管 跳闸 停电 水龙头"
        ),
        actor=None,
    )
    errands = menu_item_save(
        category=community,
        data=MenuItemInput(name="代买代办", keywords="代买 买菜 取药 代办"),
        actor=None,
    )
    escort = menu_item_save(
        category=elderly,
        data=MenuItemInput(name="陪同就医", skills="护理", keywords="看病 医院 就医 陪同"),
        actor=None,
    )
    legal_advice = menu_item_save(
        category=legal,
        data=MenuItemInput(
            name="法律咨询",
            skills="法律",
            keywords="法律 律师 纠纷 欠薪",
            required_course_id=corps.law_course.pk,
        ),
        actor=None,
    )
    outside_community = menu_category_save(
        station=world.huangchi, code="community", response_hours=4, teams=[], actor=None
    )
    outsider_repair = menu_item_save(
        category=outside_community, data=MenuItemInput(name="水电维修"), actor=None
    )
    return Menu(community, elderly, legal, repair, errands, escort, legal_advice, outsider_repair)


def submit_request(station: Station, actor: Any = None, **fields: Any) -> Any:
    """A request at `station` (default: 社区服务, "水管漏水", requested by `actor` on the web)."""
    from linli.assistance.actions import RequestInput, request_submit

    channel = fields.pop("channel", "web")
    requester = fields.pop("requester", actor)
    data = RequestInput(
        category=fields.pop("category", "community"),
        description=fields.pop("description", "厨房水管漏水"),
        requester_name=fields.pop("requester_name", "" if requester else "王秀梅"),
        **fields,
    )
    return request_submit(
        station=station, data=data, channel=channel, actor=actor, requester=requester
    )


# Chinese characters and Chinese punctuation (：，。、（）): none may be left in an English text
# once the data it quotes (names, what someone typed) is taken out.
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def reads_in_english(notification: Any) -> str:
    """An inbox row's title and body as an English reader gets them, after checking that they
    are message codes and that nothing Chinese is left once the quoted data is taken out (a
    body with no code is what someone typed, read as it is)."""
    assert notification.title_code, f"{notification.kind} has no message code"
    with translation.override("en"):
        text = notification.shown_title
        if notification.body_code:
            text += "\n" + notification.shown_body
    rest = text
    data = [str(value) for value in notification.params.values() if not isinstance(value, dict)]
    for value in sorted(data, key=len, reverse=True):
        rest = rest.replace(value, "")
    assert not CHINESE.search(rest), text
    return text
