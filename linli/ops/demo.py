"""The demo community: 焦家社区, its station tree, one account per role and its residents (SPEC §1, §6).

Every step is idempotent: running the seed again finds what is there and adds only what is missing.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from linli.accounts import actions as account_actions
from linli.accounts.models import Role, RoleAssignment, User
from linli.activities.demo import seed_activities
from linli.assistance.demo import seed_requests
from linli.canteen.demo import seed_canteen
from linli.daycare.demo import seed_daycare
from linli.elders.demo import seed_elders
from linli.health.demo import seed_health
from linli.incentives.demo import seed_incentives
from linli.ledger.actions import ledger_history
from linli.org.actions import station_create, station_set_delegation
from linli.org.models import Station
from linli.partners.demo import seed_partners
from linli.people.demo import seed_registry
from linli.reports import monthly
from linli.stats.rollups import rollups_paused
from linli.studyroom.demo import seed_study_room
from linli.teams.demo import seed_troupes
from linli.volunteers.demo import seed_volunteers

Progress = Callable[[str], None]

STATION_TREE = [
    ("DANGTU", "当涂县新时代文明实践中心", Station.Kind.CENTER, None),
    ("DANGTU-KFQ", "当涂经济开发区新时代文明实践所", Station.Kind.INSTITUTE, "DANGTU"),
    ("JIAOJIA", "焦家社区新时代文明实践站", Station.Kind.STATION, "DANGTU-KFQ"),
]

# The county's 中心 lets its own staff (the demo supervisor) open, move and close the stations
# under it; set once, when the seed creates it, so a later change by admin stays.
DELEGATING = {"DANGTU"}

# The station's phone the sign-in page gives as whom to call (LINLI_STATION_PHONE): invented,
# like every number of the demo; a phone set in the environment wins.
STATION_PHONE = "0555-6712345"

# (phone, name, role, station code): SPEC §6's demo accounts.
DEMO_ACCOUNTS = [
    ("13900000000", "系统管理员", Role.ADMIN, None),
    ("13900000001", "陈建国", Role.SUPERVISOR, "DANGTU"),
    ("13900000002", "王秀梅", Role.STATION_STAFF, "JIAOJIA"),
    ("13900000003", "张志强", Role.TEAM_LEADER, "JIAOJIA"),
    ("13900000004", "黄文静", Role.VOLUNTEER, "JIAOJIA"),
    ("13900000005", "李桂英", Role.RESIDENT, "JIAOJIA"),
    ("13900000006", "刘红霞", Role.CANTEEN_OPERATOR, "JIAOJIA"),
    ("13900000007", "赵兰芳", Role.CAREGIVER, "JIAOJIA"),
]


@transaction.atomic
def seed_stations(progress: Progress) -> int:
    created = 0
    for code, name, kind, parent_code in STATION_TREE:
        if Station.objects.filter(code=code).exists():
            continue
        parent = Station.objects.get(code=parent_code) if parent_code else None
        station = station_create(code=code, name=name, kind=kind, parent=parent, actor=None)
        if code in DELEGATING:
            station_set_delegation(station=station, delegates=True, actor=None)
        created += 1
    return created


@transaction.atomic
def seed_accounts(progress: Progress) -> int:
    """SPEC §6's demo accounts, all with the one demo password.

    argon2 is slow on purpose (~0.1 s a hash), and eight hashes of the same password were most
    of this step: the first account is created with the password, the others without one and
    then given the first one's hash. They share its salt, which is harmless for a password the
    README prints for everyone, and only here: real accounts each get their own hash.
    """
    created = 0
    shared_hash = ""
    for phone, name, role, station_code in DEMO_ACCOUNTS:
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = account_actions.user_create(
                phone=phone,
                password=None if shared_hash else settings.DEMO_PASSWORD,
                name=name,
                actor=None,
            )
            if shared_hash:
                user.password = shared_hash
                user.save(update_fields=["password"])
            shared_hash = user.password
            created += 1
        station = Station.objects.get(code=station_code) if station_code else None
        if not RoleAssignment.objects.filter(user=user, role=role, station=station).exists():
            account_actions.role_grant(user=user, role=role, station=station, actor=None)
    return created


# Each part of the platform appends its step here, in dependency order. A step returns how many
# rows it created and may report progress on long work through `progress`.
STEPS: list[tuple[str, Callable[[Progress], int]]] = [
    ("站点组织架构", seed_stations),
    ("演示账户", seed_accounts),
    ("社区居民登记", seed_registry),
    ("志愿者、队伍与培训", seed_volunteers),
    ("志愿活动与服务时长", seed_activities),
    ("群众点单", seed_requests),
    ("银龄关爱：老人档案与走访", seed_elders),
    ("日间照料中心", seed_daycare),
    ("健康服务：免费体检与健康记录", seed_health),
    ("银龄爱心食堂", seed_canteen),
    ("文体队伍：排练与演出", seed_troupes),
    ("共建单位", seed_partners),
    ("午间微学堂", seed_study_room),
    ("激励嘉许和回馈：积分、爱心超市、时间银行与表彰", seed_incentives),
]


def seed(progress: Progress) -> None:
    # The seed is a history recorded afterwards: points and star levels of its hours are settled
    # in bulk by the incentives step, from the entries; the summary's rollups are recounted once
    # after it (every station is marked stale when it ends), not marked row by row.
    with ledger_history(), rollups_paused():
        for label, step in STEPS:
            progress(f"  {label} …")
            created = step(progress)
            progress(f"  {label}: 新增 {created}")
    # Some steps insert in bulk, past the signals that keep the kept monthly figures current.
    monthly.mark_stale(
        (station_id, None) for station_id in Station.objects.values_list("pk", flat=True)
    )
