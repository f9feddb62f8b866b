"""Writing the planned corps, idempotently, with progress.

The volunteers app's actions write it, as the station's staff would: `team_create` and
`team_require_course`, `leader_set`, `course_create`, `session_create` and `attendance_record`,
`award_add` and `evaluation_add`. The actor is None (the system itself). The two parts with
hundreds of rows, the roster import (`volunteer_register` then `volunteer_approve`, `_reject` or
`_leave`, for 672 people) and putting the volunteers into their teams (`member_add`, some 850
times), are written in bulk by roster.py: the same rows and audit rows, a few queries a batch
instead of dozens a person.
Each part first reads what is there and does only what is missing, so a second run adds and
changes nothing, and a run cut short is finished by the next one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core import crypto
from linli.org.models import Station
from linli.people.models import Resident
from linli.teams.actions import leader_set, team_create, team_require_course
from linli.teams.models import Team, TeamMembership
from linli.volunteers.actions.records import award_add, evaluation_add
from linli.volunteers.actions.registration import RegistrationInput
from linli.volunteers.actions.training import attendance_record, course_create, session_create
from linli.volunteers.demo.plan import ADULT, PlannedCorps, PlannedVolunteer, plan_corps
from linli.volunteers.demo.roster import Registration, members_add_in_bulk, register_in_bulk
from linli.volunteers.demo.tables import (
    BATCH_SIZE,
    COURSES,
    DEMO_PEOPLE,
    EPIDEMIC_AWARD,
    EPIDEMIC_AWARD_BY,
    EPIDEMIC_AWARDED_ON,
    REQUIRED_COURSES,
    STATION_CODE,
    TEAMS,
)
from linli.volunteers.models import (
    Course,
    TrainingAttendance,
    TrainingSession,
    Volunteer,
    VolunteerAward,
    VolunteerEvaluation,
)

Progress = Callable[[str], None]


# --- reference data --------------------------------------------------------------------------------


@transaction.atomic
def seed_teams(station: Station) -> tuple[dict[str, Team], int]:
    """The eight teams and the 文体 team's three troupes, with their service categories.

    Only a missing team is created; an existing one is kept as it is, whatever staff changed.
    """
    teams = {team.name: team for team in Team.objects.filter(station=station)}
    created = 0
    for spec in TEAMS:
        if spec.name in teams:
            continue
        teams[spec.name] = team_create(
            station=station,
            name=spec.name,
            parent=teams[spec.parent] if spec.parent else None,
            description=spec.description,
            categories=spec.categories,
            actor=None,
        )
        created += 1
    return teams, created


@transaction.atomic
def seed_courses(station: Station, teams: dict[str, Team]) -> tuple[dict[str, Course], int]:
    """The courses, and the rule that two teams' members must have attended theirs."""
    courses = {course.name: course for course in Course.objects.filter(station=station)}
    created = 0
    for spec in COURSES:
        if spec.name in courses:
            continue
        courses[spec.name] = course_create(
            station=station,
            name=spec.name,
            hours=spec.hours,
            organizer=spec.organizer,
            content=spec.content,
            actor=None,
        )
        created += 1
    for team_name, course_name in REQUIRED_COURSES.items():
        team, course = teams[team_name], courses[course_name]
        if not team.required_courses.filter(pk=course.pk).exists():
            team_require_course(team=team, course=course, actor=None)
    return courses, created


# --- volunteers ------------------------------------------------------------------------------------


def existing_volunteers(corps: PlannedCorps) -> dict[int, int]:
    """Planned volunteer index → the volunteer already registered for that person."""
    planned = corps.volunteers
    by_resident = {v.resident_id: i for i, v in enumerate(planned) if v.resident_id}
    by_hash = {
        digest: i
        for i, v in enumerate(planned)
        if v.id_number
        for digest in crypto.lookup_hashes(v.id_number)
    }
    by_account = {v.account_phone: i for i, v in enumerate(planned) if v.account_phone}
    found: dict[int, int] = {}
    for person_id, pk in Volunteer.objects.filter(person_id__in=by_resident).values_list(
        "person_id", "pk"
    ):
        found[by_resident[person_id]] = pk
    for digest, pk in Volunteer.objects.filter(person__id_number_hash__in=by_hash).values_list(
        "person__id_number_hash", "pk"
    ):
        found[by_hash[digest]] = pk
    for phone, pk in Volunteer.objects.filter(user__phone__in=by_account).values_list(
        "user__phone", "pk"
    ):
        found[by_account[phone]] = pk
    return found


class Registrar:
    """Registers planned volunteers one by one, as the station's roster import would."""

    def __init__(self, station: Station, corps: PlannedCorps, missing: list[int]) -> None:
        self.station = station
        self.corps = corps
        self.today = timezone.localdate()
        self.accounts = {
            user.phone: user
            for user in User.objects.filter(phone__in=[p.phone for p in DEMO_PEOPLE])
        }
        self.phones_in_use = set(User.objects.values_list("phone", flat=True))
        resident_ids = [corps.volunteers[i].resident_id for i in missing]
        # The system reads the ID numbers to register the same person: not a staff read, no audit.
        self.people = {
            pk: (crypto.decrypt(cipher), phone)
            for pk, cipher, phone in Resident.objects.filter(pk__in=resident_ids).values_list(
                "pk", "id_number_cipher", "phone"
            )
        }

    def login_phone(self, planned: PlannedVolunteer, resident_phone: str) -> str:
        """The resident's own mobile when no account has it yet, else the planned spare one."""
        for phone in (resident_phone, planned.spare_phone):
            if phone and phone not in self.phones_in_use:
                self.phones_in_use.add(phone)
                return phone
        raise ValueError(
            f"演示志愿者 {planned.name}：计划的手机号码 {planned.spare_phone} 已被占用"
        )

    def registration(self, planned: PlannedVolunteer) -> Registration:
        """What the roster says of the planned person: their details, the demo account they
        register with (if any) and the status the station brought them to."""
        user = None
        if planned.account_phone:
            user = self.accounts.get(planned.account_phone)
            if user is None:
                raise ValueError(f"演示账户 {planned.account_phone} 不存在，请先写入演示账户")
        if planned.resident_id is not None:
            id_number, resident_phone = self.people[planned.resident_id]
        else:
            id_number, resident_phone = planned.id_number, ""
        data = RegistrationInput(
            name=planned.name,
            id_number=id_number,
            phone="" if user else self.login_phone(planned, resident_phone),
            # Demo people, not demo logins: only the demo accounts (existing users) sign in.
            password="",
            gender=planned.gender,
            birth_date=planned.birth_date,
            skills=planned.skills,
            categories=planned.categories,
            availability=planned.availability,
            residence_area=planned.residence_area,
            occupation=planned.occupation,
            political_status=planned.political_status,
            guardian_name=planned.guardian_name if planned.age(self.today) < ADULT else "",
            consent=True,
        )
        return Registration(data=data, user=user, status=planned.status, reason=planned.reason)


def seed_registrations(
    station: Station, corps: PlannedCorps, report: Progress
) -> tuple[dict[int, int], int]:
    """Register every planned volunteer not yet registered, a batch at a time in bulk (each
    batch commits whole; see roster.py for what is written)."""
    ids = existing_volunteers(corps)
    missing = [index for index in range(len(corps.volunteers)) if index not in ids]
    if not missing:
        return ids, 0
    registrar = Registrar(station, corps, missing)
    done = 0
    for start in range(0, len(missing), BATCH_SIZE):
        batch = missing[start : start + BATCH_SIZE]
        registrations = [registrar.registration(corps.volunteers[index]) for index in batch]
        volunteer_ids = register_in_bulk(station=station, registrations=registrations)
        ids.update(zip(batch, volunteer_ids, strict=True))
        done += len(batch)
        report(f"    志愿者 {done}/{len(missing)}")
    return ids, len(missing)


# --- teams, leaders, training, honours -------------------------------------------------------------


def seed_memberships(
    corps: PlannedCorps, ids: dict[int, int], teams: dict[str, Team], report: Progress
) -> int:
    """Every active volunteer in their one or two teams (and troupe), team by team."""
    existing = set(
        TeamMembership.objects.filter(team__in=teams.values()).values_list(
            "team_id", "volunteer_id"
        )
    )
    added = 0
    for name, team in teams.items():
        missing = [
            ids[index] for index in corps.members(name) if (team.pk, ids[index]) not in existing
        ]
        if not missing:
            continue
        members_add_in_bulk(team=team, volunteer_ids=sorted(missing))
        added += len(missing)
        report(f"    {name}：新增队员 {len(missing)}")
    return added


@transaction.atomic
def seed_leaders(corps: PlannedCorps, ids: dict[int, int], teams: dict[str, Team]) -> int:
    """One leader per team and troupe (who thereby holds the team_leader role at the station);
    a team that has a leader already keeps them."""
    led = set(
        TeamMembership.objects.filter(
            team__in=teams.values(),
            role=TeamMembership.Role.LEADER,
            status=TeamMembership.Status.ACTIVE,
        ).values_list("team_id", flat=True)
    )
    appointed = 0
    for name, index in corps.leaders.items():
        team = teams[name]
        if team.pk not in led:
            leader_set(team=team, volunteer=Volunteer.objects.get(pk=ids[index]), actor=None)
            appointed += 1
    return appointed


@transaction.atomic
def seed_training(
    corps: PlannedCorps, ids: dict[int, int], courses: dict[str, Course]
) -> tuple[int, int]:
    """Sessions since 2021 and their rolls; each attendee is credited the course's hours."""
    sessions = {
        (session.course_id, session.held_on): session
        for session in TrainingSession.objects.filter(course__in=courses.values())
    }
    created = 0
    planned_sessions = []
    for planned in corps.sessions:
        course = courses[planned.course]
        session = sessions.get((course.pk, planned.held_on))
        if session is None:
            session = session_create(
                course=course,
                held_on=planned.held_on,
                place=planned.place,
                trainer=planned.trainer,
                actor=None,
            )
            sessions[(course.pk, planned.held_on)] = session
            created += 1
        planned_sessions.append(session)
    rolls: dict[int, set[int]] = defaultdict(set)
    for session_index, index in corps.attendance:
        rolls[planned_sessions[session_index].pk].add(ids[index])
    present: dict[int, set[int]] = defaultdict(set)
    for session_id, volunteer_id in TrainingAttendance.objects.filter(
        session__in=list(rolls), attended=True
    ).values_list("session_id", "volunteer_id"):
        present[session_id].add(volunteer_id)
    recorded = 0
    by_pk = {session.pk: session for session in planned_sessions}
    for session_id, roll in rolls.items():
        missing = roll - present[session_id]
        if not missing:
            continue
        # The roll is the whole truth of a session: keep everyone already recorded present.
        everyone = Volunteer.objects.filter(pk__in=roll | present[session_id])
        attendance_record(session=by_pk[session_id], present=everyone, actor=None)
        recorded += len(missing)
    return created, recorded


@transaction.atomic
def seed_honours(corps: PlannedCorps, ids: dict[int, int]) -> tuple[int, int]:
    """SPEC §1's 20 社区优秀防疫志愿者 (2022), and yearly evaluations."""
    awarded = set(
        VolunteerAward.objects.filter(
            name=EPIDEMIC_AWARD, awarded_on=EPIDEMIC_AWARDED_ON
        ).values_list("volunteer_id", flat=True)
    )
    evaluated = set(
        VolunteerEvaluation.objects.filter(
            volunteer_id__in=[ids[index] for index, *_rest in corps.evaluations]
        ).values_list("volunteer_id", "evaluated_on")
    )
    wanted = {ids[index] for index in corps.awards} | {
        ids[index] for index, *_rest in corps.evaluations
    }
    # The audit rows name each volunteer (str reads the person): one query, not one each.
    volunteers = Volunteer.objects.select_related("station", "person").in_bulk(wanted)
    awards = 0
    for index in corps.awards:
        if ids[index] not in awarded:
            award_add(
                volunteer=volunteers[ids[index]],
                name=EPIDEMIC_AWARD,
                awarded_on=EPIDEMIC_AWARDED_ON,
                granted_by=EPIDEMIC_AWARD_BY,
                actor=None,
            )
            awards += 1
    evaluations = 0
    for index, evaluated_on, result, comment in corps.evaluations:
        if (ids[index], evaluated_on) not in evaluated:
            evaluation_add(
                volunteer=volunteers[ids[index]],
                evaluated_on=evaluated_on,
                result=result,
                comment=comment,
                actor=None,
            )
            evaluations += 1
    return awards, evaluations


def seed_volunteers(progress: Progress | None = None) -> int:
    """The volunteer corps of 焦家社区; returns how many volunteers were registered (0 when all are).

    Teams and courses first, then the volunteers in batches, then memberships, leaders, training
    and honours.
    """
    report = progress or (lambda _message: None)
    station = Station.objects.get(code=STATION_CODE)
    teams, new_teams = seed_teams(station)
    courses, new_courses = seed_courses(station, teams)
    corps = plan_corps(station, day=timezone.localdate())
    ids, registered = seed_registrations(station, corps, report)
    memberships = seed_memberships(corps, ids, teams, report)
    leaders = seed_leaders(corps, ids, teams)
    sessions, attendance = seed_training(corps, ids, courses)
    awards, evaluations = seed_honours(corps, ids)
    report(
        f"    队伍 {new_teams}，课程 {new_courses}，志愿者 {registered}，入队 {memberships}，"
        f"队长 {leaders}，培训场次 {sessions}，培训出勤 {attendance}，"
        f"荣誉 {awards}，评价 {evaluations}"
    )
    return registered
