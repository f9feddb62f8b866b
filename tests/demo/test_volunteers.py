"""`linli demo --seed-only` builds 焦家社区's volunteer corps as its report describes it (SPEC §1)."""

from collections import Counter, defaultdict

from django.conf import settings
from django.test import Client

from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.models import AuditLog
from linli.core import crypto
from linli.org.models import Station
from linli.people.demo import CENSUS_DAY
from linli.people.models import Consent, Resident
from linli.people.queries import registry_counts
from linli.teams.models import Team, TeamCategory, TeamMembership
from linli.volunteers.demo import plan_corps
from linli.volunteers.models import (
    Course,
    TrainingAttendance,
    TrainingSession,
    Volunteer,
    VolunteerAward,
    VolunteerCategory,
    VolunteerEvaluation,
)
from tests.conftest import api_token, bearer
from tests.demo.conftest import SeededDemo, run_seed

TEAM_NAMES = {
    "党员志愿服务队",
    '"百姓保姆"志愿服务队',
    "巾帼志愿服务队",
    "科普宣传志愿服务队",
    "妇女计生志愿服务队",
    "法律援助志愿服务队",
    "助残帮困志愿服务队",
    "文体志愿服务队",
}
TROUPES = {"舞龙队", "腰鼓队", "民歌合唱队"}


def snapshot() -> dict[str, object]:
    return {
        "volunteers": list(
            Volunteer.objects.order_by("pk").values_list("pk", "status", "number", "decided_at")
        ),
        "categories": VolunteerCategory.objects.count(),
        "users": list(User.objects.order_by("pk").values_list("pk", "phone", "password")),
        "roles": RoleAssignment.objects.count(),
        "people": list(Resident.objects.order_by("pk").values_list("pk", "user_id", "updated_at")),
        "consents": Consent.objects.count(),
        "teams": list(Team.objects.order_by("pk").values_list("pk", "name", "parent_id")),
        "team_categories": TeamCategory.objects.count(),
        "required": list(Team.required_courses.through.objects.values_list("pk", flat=True)),
        "memberships": list(
            TeamMembership.objects.order_by("pk").values_list("pk", "role", "status")
        ),
        "courses": Course.objects.count(),
        "sessions": TrainingSession.objects.count(),
        "attendance": list(
            TrainingAttendance.objects.order_by("pk").values_list("pk", "attended", "hours")
        ),
        "awards": VolunteerAward.objects.count(),
        "evaluations": VolunteerEvaluation.objects.count(),
        "audit": AuditLog.objects.count(),
    }


def test_demo_corps_reproduces_the_report_once(demo: SeededDemo):
    first = demo.output
    assert "志愿者 672/672" in first
    jiaojia = Station.objects.get(code="JIAOJIA")

    # 660 active volunteers and 8 teams, counted from rows and reported by the summary API.
    active = Volunteer.objects.filter(station=jiaojia, status=Volunteer.Status.ACTIVE)
    teams = Team.objects.filter(station=jiaojia, parent__isnull=True)
    assert active.count() == 660
    assert set(teams.values_list("name", flat=True)) == TEAM_NAMES
    statuses = Counter(Volunteer.objects.values_list("status", flat=True))
    assert 0 < statuses["pending"] <= 10 and statuses["rejected"] + statuses["left"] <= 10
    staff = User.objects.get(phone="13900000002")
    summary = Client().get("/api/v1/stats/summary", **bearer(api_token(staff))).json()
    assert (summary["volunteers"], summary["teams"]) == (660, 8)
    assert summary["residents"] == 4318

    # The 文体 team's three troupes hang under it; every team has categories and a description.
    wenti = teams.get(name="文体志愿服务队")
    assert set(wenti.subgroups.values_list("name", flat=True)) == TROUPES
    for team in Team.objects.filter(station=jiaojia):
        assert team.description and team.categories.exists(), team.name

    # Every active volunteer is in one or two teams; each team has 30–150 members; troupe
    # members are members of the 文体 team.
    top_teams: dict[int, set[int]] = defaultdict(set)
    members: dict[int, set[int]] = defaultdict(set)
    for team_id, parent_id, volunteer_id in TeamMembership.objects.filter(
        status=TeamMembership.Status.ACTIVE
    ).values_list("team_id", "team__parent_id", "volunteer_id"):
        members[team_id].add(volunteer_id)
        if parent_id is None:
            top_teams[volunteer_id].add(team_id)
    assert set(top_teams) == set(active.values_list("pk", flat=True))
    assert {len(joined) for joined in top_teams.values()} == {1, 2}
    for team in teams:
        assert 30 <= len(members[team.pk]) <= 150, team.name
    for troupe in wenti.subgroups.all():
        assert members[troupe.pk] and members[troupe.pk] <= members[wenti.pk], troupe.name

    # One leader per team and troupe, holding the team_leader role at JIAOJIA.
    for team in Team.objects.filter(station=jiaojia):
        leaders = team.memberships.filter(role="leader", status="active").select_related(
            "volunteer__user"
        )
        assert len(leaders) == 1, team.name
        assert RoleAssignment.objects.filter(
            user=leaders[0].volunteer.user, role=Role.TEAM_LEADER, station=jiaojia
        ).exists()

    # The demo accounts: 张志强 leads the Party members' team, 黄文静 serves in one or two teams.
    leader = Volunteer.objects.select_related("person").get(user__phone="13900000003")
    assert leader.person.name == leader.user.name == "张志强"
    assert leader.status == Volunteer.Status.ACTIVE
    assert leader.memberships.get(team__name="党员志愿服务队").role == "leader"
    volunteer = Volunteer.objects.select_related("person").get(user__phone="13900000004")
    assert volunteer.person.name == "黄文静" and volunteer.status == Volunteer.Status.ACTIVE
    assert 1 <= volunteer.memberships.filter(status="active", team__parent=None).count() <= 2

    # The training rule: every member of the two teams has attended the course they require.
    for name in ("法律援助志愿服务队", "助残帮困志愿服务队"):
        team = teams.get(name=name)
        required = list(team.required_courses.all())
        assert len(required) == 1, name
        trained = set(
            TrainingAttendance.objects.filter(
                session__course=required[0], attended=True
            ).values_list("volunteer_id", flat=True)
        )
        assert members[team.pk] <= trained, name

    # Most volunteers are the registry's residents, as the same person; the registry still
    # counts its 4,318 residents (outsiders are person records, not residents).
    registry_people = active.filter(person__household__isnull=False).count()
    assert registry_people >= 600
    assert registry_counts([jiaojia.pk])["residents"] == 4318
    assert (
        Resident.objects.filter(status="external").count()
        == Volunteer.objects.filter(person__household__isnull=True).count()
    )

    # The plan drawn now (over a registry that has volunteers) is the one that was seeded, the
    # same on every call; and a second run adds and changes nothing.
    plan = plan_corps(jiaojia, day=CENSUS_DAY)
    again = plan_corps(jiaojia, day=CENSUS_DAY)
    assert [(v.name, v.resident_id, v.id_number, v.teams) for v in plan.volunteers] == [
        (v.name, v.resident_id, v.id_number, v.teams) for v in again.volunteers
    ]
    assert {v.resident_id for v in plan.volunteers if v.resident_id} == set(
        Volunteer.objects.filter(person__household__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    before = snapshot()
    second = run_seed()
    assert "志愿者、队伍与培训: 新增 0" in second
    assert snapshot() == before


def test_demo_volunteers_are_coherent(demo: SeededDemo):
    volunteers = list(
        Volunteer.objects.select_related("person", "user").prefetch_related(
            "memberships__team", "categories"
        )
    )
    teams_of = {
        v.pk: {m.team.name for m in v.memberships.all() if m.status == "active"} for v in volunteers
    }

    # Registry residents keep their name and ID number; ages 16–75 (on the census day),
    # a guardian's consent under 18, outsiders from the partners of the report.
    for volunteer in volunteers:
        person = volunteer.person
        assert volunteer.user.name == person.name
        assert crypto.decrypt(person.id_number_cipher)[6:14] == f"{person.birth_date:%Y%m%d}"
        if person.household_id is not None:
            assert 16 <= person.age(CENSUS_DAY) <= 75, person.name
        if person.age() < 18:
            assert volunteer.guardian_name, person.name
    outsiders = Counter(
        v.occupation
        for v in volunteers
        if v.person.household_id is None and v.user.name != "黄文静"
    )
    assert outsiders == {"大学生": 25, "医生": 12}

    # Phones: one account each, never a demo account's number but for the two demo people;
    # only the demo accounts can sign in (the others are demo people, not demo logins).
    phones = [v.user.phone for v in volunteers]
    assert len(phones) == len(set(phones))
    demo_phones = {"13900000003", "13900000004"}
    assert {phone for phone in phones if phone.startswith("139000000")} == demo_phones
    for volunteer in volunteers:
        assert volunteer.user.has_usable_password() == (volunteer.user.phone in demo_phones)
        assert volunteer.user.phone[:2] in {"13", "15", "18"}
    response = Client().post(
        "/api/v1/auth/token",
        {"phone": "13900000003", "password": settings.DEMO_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert {role["role"] for role in response.json()["user"]["roles"]} == {
        Role.TEAM_LEADER,
        Role.VOLUNTEER,
    }

    # Profiles fit the teams: the Party team mostly Party members, the 百姓保姆 built on the
    # property company's staff, the 巾帼 and 腰鼓 women, every volunteer with categories.
    def in_team(name: str) -> list[Volunteer]:
        return [v for v in volunteers if name in teams_of[v.pk]]

    party = in_team("党员志愿服务队")
    assert sum(v.political_status == "party" for v in party) / len(party) > 0.8
    baomu = Counter(v.occupation for v in in_team('"百姓保姆"志愿服务队'))
    assert baomu.most_common(1)[0][0] == "物业公司员工"
    assert {v.person.gender for v in in_team("巾帼志愿服务队")} == {"F"}
    assert {v.person.gender for v in in_team("腰鼓队")} == {"F"}
    assert all(v.categories.all() and v.skills and v.availability for v in volunteers)

    # Honours: SPEC §1's 20 社区优秀防疫志愿者 of 2022, and some yearly evaluations.
    awards = VolunteerAward.objects.filter(name="社区优秀防疫志愿者")
    assert awards.count() == 20
    assert set(awards.values_list("awarded_on__year", "granted_by")) == {(2022, "当涂经济开发区")}
    assert VolunteerEvaluation.objects.values("evaluated_on__year").distinct().count() >= 2

    # Training since 2021, hours from the course.
    sessions = TrainingSession.objects.select_related("course")
    assert min(session.held_on.year for session in sessions) == 2021
    for row in TrainingAttendance.objects.select_related("session__course")[:200]:
        assert row.hours == row.session.course.hours
    assert {
        "法律援助实务",
        "助残服务与康复护理基础",
        "应急救护（心肺复苏）",
        "防疫知识",
    } <= set(Course.objects.values_list("name", flat=True))
