"""The plan of the volunteer corps: who volunteers, in which teams, what training and honours.

Drawn from one seeded generator over the registry as it stands (read in a fixed order), so every
run plans the same people; the plan is pure once the residents are read.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from linli.accounts.models import User
from linli.core.idcard import make_id_number
from linli.org.models import Station
from linli.people.demo.tables import (
    CENSUS_DAY,
    DEMO_ACCOUNT_PHONE_PREFIX,
    GIVEN_NAMES,
    MOBILE_PREFIXES,
    SURNAME_LIST,
    SURNAME_WEIGHTS,
    F,
    M,
)
from linli.people.models import Relation, Resident
from linli.volunteers.demo.tables import (
    ACTIVE_VOLUNTEERS,
    AFTER_WORK,
    COURSES,
    DEMO_PEOPLE,
    DRUM,
    EPIDEMIC,
    EPIDEMIC_AWARDEES,
    EVALUATED_EACH_YEAR,
    EVALUATION_COMMENTS,
    EVALUATION_RESULTS,
    EVALUATION_YEARS,
    EXTERNAL_AREAS,
    EXTERNAL_REGIONS,
    FUNU,
    INACTIVE,
    JINGUO,
    KINDS,
    LEADER_PHONE,
    ON_DUTY,
    PARTY,
    PRIMARY,
    RANDOM_SEED,
    REQUIRED_COURSES,
    SECONDARY,
    TEAMS,
    TRAINING_MIX,
    WEEKDAY_DAYTIME,
    WEEKENDS,
    DemoPerson,
    Kind,
)

VOLUNTEER_AGES = (16, 75)
ADULT = 18
WOMENS_TEAMS = frozenset({JINGUO, FUNU})
TEAM_CATEGORIES = {team.name: team.categories for team in TEAMS}
TROUPE_PARENT = {team.name: team.parent for team in TEAMS if team.parent}

# Availability: the (weekday, slot) pairs a pattern offers; slot 0/1/2 = morning/afternoon/evening.
PATTERNS: dict[str, list[tuple[int, int]]] = {
    WEEKDAY_DAYTIME: [(day, slot) for day in range(5) for slot in (0, 1)] + [(5, 0)],
    AFTER_WORK: [(day, 2) for day in range(5)] + [(day, slot) for day in (5, 6) for slot in (0, 1)],
    ON_DUTY: [(day, slot) for day in range(6) for slot in (0, 1)] + [(2, 2), (4, 2)],
    WEEKENDS: [(day, slot) for day in (5, 6) for slot in (0, 1)] + [(5, 2)],
}


@dataclass(frozen=True)
class ResidentRow:
    """What the plan needs of a registry resident (the ID number is read only when registering)."""

    pk: int
    name: str
    gender: str
    birth_date: date
    phone: str
    household_id: int
    relation: str
    estate: str
    linked_elsewhere: bool  # has an account but no volunteer record: someone else's login


@dataclass
class PlannedVolunteer:
    name: str
    gender: str
    birth_date: date
    kind: str
    status: str = "active"
    resident_id: int | None = None  # the registry's person record; None: a new person record
    id_number: str = ""  # for a new person only; a resident's is read from the registry
    account_phone: str = ""  # a demo account's phone: register with that account
    spare_phone: str = ""  # the login phone when the resident has none (or it is taken)
    occupation: str = ""
    political_status: str = ""
    skills: str = ""
    categories: frozenset[str] = frozenset()
    availability: int = 0
    residence_area: str = ""
    guardian_name: str = ""
    reason: str = ""
    teams: list[str] = field(default_factory=list)  # top-level teams, the first is the main one
    troupe: str = ""

    def age(self, on: date) -> int:
        before = (on.month, on.day) < (self.birth_date.month, self.birth_date.day)
        return on.year - self.birth_date.year - int(before)


@dataclass
class PlannedSession:
    course: str
    held_on: date
    place: str
    trainer: str


@dataclass
class PlannedCorps:
    volunteers: list[PlannedVolunteer]
    leaders: dict[str, int]  # team name → index into volunteers
    sessions: list[PlannedSession]
    attendance: list[tuple[int, int]]  # (session index, volunteer index) of who attended
    awards: list[int]  # volunteer indexes named 社区优秀防疫志愿者
    evaluations: list[tuple[int, date, str, str]]  # (volunteer index, date, result, comment)

    def members(self, team: str) -> list[int]:
        return [
            index
            for index, volunteer in enumerate(self.volunteers)
            if volunteer.status == "active" and team in (*volunteer.teams, volunteer.troupe)
        ]


def _age(birth_date: date, on: date) -> int:
    before = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before)


class CorpsPlanner:
    """Draws the corps from one seeded generator; never the global `random`."""

    def __init__(self, residents: list[ResidentRow], *, day: date, seed: int = RANDOM_SEED) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (synthetic demo data, not a secret)
        self.day = day
        self.residents = residents
        self.households: dict[int, list[ResidentRow]] = defaultdict(list)
        for row in residents:
            self.households[row.household_id].append(row)
        self.taken: set[int] = set()
        self.registry_phones = {row.phone for row in residents if row.phone}
        self.spare_phones: set[str] = set()
        self.id_numbers: set[str] = set()
        self.volunteers: list[PlannedVolunteer] = []

    # --- people ----------------------------------------------------------------------------------

    def phone(self) -> str:
        """A mobile number no resident has and no demo account could have."""
        while True:
            number = f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"
            if (
                number not in self.registry_phones
                and number not in self.spare_phones
                and not number.startswith(DEMO_ACCOUNT_PHONE_PREFIX)
            ):
                self.spare_phones.add(number)
                return number

    def outsider_name(self, gender: str, birth_year: int) -> str:
        surname = self.rng.choices(SURNAME_LIST, SURNAME_WEIGHTS)[0]
        pool = [entry for entry in GIVEN_NAMES if entry[0] <= birth_year][-1]
        return surname + self.rng.choice((pool[1] if gender == M else pool[2]).split())

    def outsider_id_number(self, birth_date: date, gender: str) -> str:
        while True:
            region = self.rng.choice(EXTERNAL_REGIONS)
            number = make_id_number(region, birth_date, self.rng.randrange(500), gender)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def guardian(self, row: ResidentRow) -> str:
        """A minor's parent in the household (the mother first); for a grandchild, the parents."""
        members = [m for m in self.households[row.household_id] if m.pk != row.pk]
        if row.relation == Relation.GRANDCHILD:
            parents = [m for m in members if m.relation in (Relation.CHILD, Relation.CHILD_IN_LAW)]
        else:
            parents = [m for m in members if m.relation in (Relation.HEAD, Relation.SPOUSE)]
        adults = [m for m in parents or members if _age(m.birth_date, self.day) >= ADULT + 4]
        mothers = [m for m in adults if m.gender == F]
        return (mothers or adults)[0].name if adults else ""

    def availability(self, pattern: str) -> int:
        slots = PATTERNS[pattern]
        kept = [slot for slot in slots if self.rng.random() < 0.7] or [self.rng.choice(slots)]
        return sum(1 << (day * 3 + slot) for day, slot in kept)

    def political(self, kind: Kind, age: int) -> str:
        if self.rng.random() < kind.party:
            return "party"
        if age <= 28 and self.rng.random() < 0.7:
            return "league"
        return "masses"

    def occupation(self, kind: Kind, gender: str, age: int) -> str:
        retired = age >= (55 if gender == F else 60)
        fitting = [job for job in kind.occupations if job.startswith("退休") == retired]
        return self.rng.choice(fitting or kind.occupations)

    def profile(self, volunteer: PlannedVolunteer, kind: Kind) -> None:
        age = volunteer.age(self.day)
        volunteer.occupation = self.occupation(kind, volunteer.gender, age)
        volunteer.political_status = self.political(kind, age)
        volunteer.skills = "、".join(
            self.rng.sample(kind.skills, self.rng.randint(1, min(3, len(kind.skills))))
        )
        volunteer.availability = self.availability(kind.availability)

    def categories(self, volunteer: PlannedVolunteer) -> frozenset[str]:
        """The main team's first category and one or two more of their teams'."""
        offered = sorted({code for team in volunteer.teams for code in TEAM_CATEGORIES[team]})
        main = TEAM_CATEGORIES[volunteer.teams[0]][0]
        extra = self.rng.sample(offered, min(len(offered), self.rng.randint(0, 2)))
        return frozenset({main, *extra})

    # --- choosing people -------------------------------------------------------------------------

    def fitting(self, kind: Kind, gender: str) -> list[ResidentRow]:
        """Residents of the kind's ages (within 16–75); a minor only with a parent at home."""
        low, high = max(kind.ages[0], VOLUNTEER_AGES[0]), min(kind.ages[1], VOLUNTEER_AGES[1])
        return [
            row
            for row in self.residents
            if row.pk not in self.taken
            and row.gender == gender
            and low <= (age := _age(row.birth_date, self.day)) <= high
            and (age >= ADULT or self.guardian(row))
        ]

    def draw(self, kind: Kind, count: int) -> list[PlannedVolunteer]:
        """`count` people of `kind`: residents, or outsiders from the kind's institution."""
        drawn = []
        pools = {M: self.fitting(kind, M), F: self.fitting(kind, F)}
        for pool in pools.values():
            self.rng.shuffle(pool)
        for _ in range(count):
            gender = F if self.rng.random() < kind.women else M
            if kind.external:
                drawn.append(self.outsider(kind, gender))
                continue
            pool = pools[gender] or pools[M if gender == F else F]
            while pool and pool[-1].pk in self.taken:
                pool.pop()
            if not pool:
                raise ValueError(f"演示志愿者：{kind.code} 没有足够的合适居民")
            drawn.append(self.resident(pool.pop(), kind))
        return drawn

    def resident(self, row: ResidentRow, kind: Kind) -> PlannedVolunteer:
        self.taken.add(row.pk)
        volunteer = PlannedVolunteer(
            name=row.name,
            gender=row.gender,
            birth_date=row.birth_date,
            kind=kind.code,
            resident_id=row.pk,
            spare_phone=self.phone(),
            residence_area=f"焦家社区{row.estate}",
        )
        if _age(row.birth_date, self.day) < ADULT:
            volunteer.guardian_name = self.guardian(row)
        self.profile(volunteer, kind)
        return volunteer

    def outsider(self, kind: Kind, gender: str) -> PlannedVolunteer:
        low, high = kind.ages
        age = self.rng.randint(low, high)
        birth_date = date(self.day.year - age - 1, self.rng.randint(1, 12), self.rng.randint(1, 28))
        volunteer = PlannedVolunteer(
            name=self.outsider_name(gender, birth_date.year),
            gender=gender,
            birth_date=birth_date,
            kind=kind.code,
            id_number=self.outsider_id_number(birth_date, gender),
            spare_phone=self.phone(),
            residence_area=EXTERNAL_AREAS[kind.external],
        )
        self.profile(volunteer, kind)
        return volunteer

    def demo_person(self, person: DemoPerson) -> PlannedVolunteer:
        """A demo account's person: the registry's resident of that name, or a new record."""
        match = next(
            (
                row
                for row in self.residents
                if row.name == person.name
                and row.gender == person.gender
                and ADULT <= _age(row.birth_date, self.day) <= VOLUNTEER_AGES[1]
                and row.pk not in self.taken
            ),
            None,
        )
        volunteer = PlannedVolunteer(
            name=person.name,
            gender=person.gender,
            birth_date=match.birth_date if match else person.birth_date,
            kind="demo",
            account_phone=person.phone,
            occupation=person.occupation,
            political_status=person.political_status,
            skills=person.skills,
            availability=self.availability(AFTER_WORK),
            teams=list(person.teams),
        )
        if match is not None:
            self.taken.add(match.pk)
            volunteer.resident_id = match.pk
            volunteer.residence_area = f"焦家社区{match.estate}"
        else:
            volunteer.id_number = self.outsider_id_number(person.birth_date, person.gender)
            volunteer.residence_area = person.residence_area
        return volunteer

    # --- the corps -------------------------------------------------------------------------------

    def plan(self) -> PlannedCorps:
        # Someone else's login on a resident: leave them be (their own account would be needed).
        self.taken |= {row.pk for row in self.residents if row.linked_elsewhere}
        volunteers = self.volunteers
        volunteers.extend(self.demo_person(person) for person in DEMO_PEOPLE)
        for team, code, count in PRIMARY:
            for volunteer in self.draw(KINDS[code], count):
                volunteer.teams = [team]
                volunteer.troupe = KINDS[code].troupe
                volunteers.append(volunteer)
        if len(volunteers) != ACTIVE_VOLUNTEERS:
            raise ValueError(f"演示志愿者计划为 {len(volunteers)} 人，应为 {ACTIVE_VOLUNTEERS} 人")
        self.add_second_teams()
        for status, code, count, reason in INACTIVE:
            for volunteer in self.draw(KINDS[code], count):
                volunteer.status, volunteer.reason = status, reason
                volunteer.teams = [self.main_team(code)]
                volunteers.append(volunteer)
        for volunteer in volunteers:
            if not volunteer.categories:
                volunteer.categories = self.categories(volunteer)
        leaders = self.leaders()
        sessions, attendance = self.training()
        return PlannedCorps(
            volunteers=volunteers,
            leaders=leaders,
            sessions=sessions,
            attendance=attendance,
            awards=self.awards(sessions, attendance),
            evaluations=self.evaluations(),
        )

    @staticmethod
    def main_team(code: str) -> str:
        return next(team for team, kind, _count in PRIMARY if kind == code)

    def add_second_teams(self) -> None:
        for code, team, count, troupe in SECONDARY:
            candidates = [
                volunteer
                for volunteer in self.volunteers
                if volunteer.kind == code
                and len(volunteer.teams) == 1
                and team not in volunteer.teams
                and (volunteer.gender == F or (team not in WOMENS_TEAMS and troupe != DRUM))
            ]
            for volunteer in self.rng.sample(candidates, count):
                volunteer.teams.append(team)
                volunteer.troupe = volunteer.troupe or troupe

    def leaders(self) -> dict[str, int]:
        """One leader per team and troupe: a member in their prime, a Party member where one is."""
        # The team_leader demo account, 张志强, leads the Party members' team.
        leaders = {
            PARTY: next(i for i, v in enumerate(self.volunteers) if v.account_phone == LEADER_PHONE)
        }
        for team in TEAMS:
            if team.name in leaders:
                continue
            members = [
                index
                for index, volunteer in enumerate(self.volunteers)
                if volunteer.status == "active"
                and (volunteer.teams[:1] == [team.name] or volunteer.troupe == team.name)
                and volunteer.resident_id is not None  # a resident, not a visiting doctor
                and not volunteer.account_phone
                and 35 <= volunteer.age(self.day) <= 62
                and index not in leaders.values()
            ]
            party = [
                index for index in members if self.volunteers[index].political_status == "party"
            ]
            leaders[team.name] = self.rng.choice(party or members)
        return leaders

    def training(self) -> tuple[list[PlannedSession], list[tuple[int, int]]]:
        sessions: list[PlannedSession] = []
        by_course: dict[str, list[int]] = defaultdict(list)
        for spec in COURSES:
            for year, month in spec.sessions:
                held_on = date(year, month, self.rng.randint(6, 26))
                if held_on > self.day:
                    continue
                by_course[spec.name].append(len(sessions))
                sessions.append(
                    PlannedSession(spec.name, held_on, spec.place, self.rng.choice(spec.trainers))
                )
        attendance: list[tuple[int, int]] = []
        required = {course: team for team, course in REQUIRED_COURSES.items()}
        for index, volunteer in enumerate(self.volunteers):
            if volunteer.status != "active":
                continue
            names = [name for name, team in required.items() if team in volunteer.teams]
            for name, teams, chance in TRAINING_MIX:
                joined = teams is None or any(team in volunteer.teams for team in teams)
                if joined and name not in names and self.rng.random() < chance:
                    names.append(name)
            attendance.extend((self.rng.choice(by_course[name]), index) for name in names)
        return sessions, attendance

    def awards(
        self, sessions: list[PlannedSession], attendance: list[tuple[int, int]]
    ) -> list[int]:
        """SPEC §1: 20 社区优秀防疫志愿者, from the active volunteers trained for the epidemic."""
        trained = sorted(
            {
                index
                for session, index in attendance
                if sessions[session].course == EPIDEMIC
                and self.volunteers[index].status == "active"
                and self.volunteers[index].age(self.day) >= ADULT + 4
            }
        )
        return sorted(self.rng.sample(trained, EPIDEMIC_AWARDEES))

    def evaluations(self) -> list[tuple[int, date, str, str]]:
        active = [i for i, volunteer in enumerate(self.volunteers) if volunteer.status == "active"]
        results, weights = list(EVALUATION_RESULTS), list(EVALUATION_RESULTS.values())
        rows = []
        for year in EVALUATION_YEARS:
            evaluated_on = date(year, 12, 25)
            if evaluated_on > self.day:
                continue
            for index in sorted(self.rng.sample(active, EVALUATED_EACH_YEAR)):
                result = self.rng.choices(results, weights)[0]
                comment = self.rng.choice(EVALUATION_COMMENTS[result])
                rows.append((index, evaluated_on, result, comment))
        return rows


def registry_rows(station: Station) -> list[ResidentRow]:
    """The station's registry residents (people with a household) who could register as
    volunteers, in a fixed order. Registration takes an ID number, so a resident recorded
    without one (staff may register a person that way) is never drawn: drawing one crashed a
    second `linli demo` reading the number (an empty cipher, InvalidToken)."""
    volunteer_people = set(
        Resident.objects.filter(station=station, volunteer__isnull=False).values_list(
            "pk", flat=True
        )
    )
    rows = (
        Resident.objects.filter(station=station, household__isnull=False)
        .exclude(id_number_cipher="")
        .order_by(
            "household__building__estate__name",
            "household__building__number",
            "household__unit",
            "household__room",
            "birth_date",
            "name",
            "pk",
        )
        .values_list(
            "pk",
            "name",
            "gender",
            "birth_date",
            "phone",
            "household_id",
            "relation",
            "household__building__estate__name",
            "user_id",
        )
    )
    return [
        ResidentRow(
            pk=pk,
            name=name,
            gender=gender,
            birth_date=birth_date,
            phone=phone,
            household_id=household_id,
            relation=relation,
            estate=estate,
            linked_elsewhere=user_id is not None and pk not in volunteer_people,
        )
        for pk, name, gender, birth_date, phone, household_id, relation, estate, user_id in rows
    ]


def plan_corps(station: Station, *, day: date) -> PlannedCorps:
    """The whole corps, the same on every call for the same registry."""
    residents = registry_rows(station)
    # Every demo account (13900000000 … 07): the resident's is linked to her person record by a
    # later step (the canteen's), and the plan must not change when it is.
    demo_users = set(
        User.objects.filter(phone__startswith=DEMO_ACCOUNT_PHONE_PREFIX).values_list(
            "pk", flat=True
        )
    )
    if demo_users:  # a demo account's own person record is not "someone else's login"
        linked = set(Resident.objects.filter(user_id__in=demo_users).values_list("pk", flat=True))
        residents = [
            replace(row, linked_elsewhere=False) if row.pk in linked else row for row in residents
        ]
    return CorpsPlanner(residents, day=min(CENSUS_DAY, day)).plan()
