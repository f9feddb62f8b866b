"""The plan of the community: households and people drawn from one seeded random generator."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from linli.core.idcard import make_id_number
from linli.people.actions import (
    AddressInput,
)
from linli.people.demo.tables import (
    CENSUS_DAY,
    DEMO_ACCOUNT_PHONE_PREFIX,
    DISABILITY_GRADES,
    DISABILITY_TYPES,
    DISABLED_RESIDENTS,
    ESTATES,
    GIVEN_NAMES,
    LOW_INCOME_HOUSEHOLDS,
    MOBILE_PREFIXES,
    NEEDY_KINDS,
    RANDOM_SEED,
    REGION_LIST,
    REGION_WEIGHTS,
    SURNAME_LIST,
    SURNAME_WEIGHTS,
    F,
    M,
)
from linli.people.models import Relation, Tag
from linli.people.queries import years_ago


@dataclass
class Person:
    name: str
    surname: str
    gender: str
    age: int  # on CENSUS_DAY
    relation: str
    birth_date: date = CENSUS_DAY
    id_number: str = ""
    phone: str = ""
    tags: set[str] = field(default_factory=set)
    disability_type: str = ""
    disability_grade: str = ""
    guardian_name: str = ""


@dataclass
class PlannedHousehold:
    kind: str
    members: list[Person]
    address: AddressInput


class Planner:
    """Draws people and households from one seeded generator; never the global `random`."""

    def __init__(self, seed: int = RANDOM_SEED, census_day: date = CENSUS_DAY) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (synthetic demo data, not a secret)
        self.census_day = census_day
        self.used_sequences: set[tuple[str, date, int]] = set()
        self.used_phones: set[str] = set()

    # --- one person ------------------------------------------------------------------------------

    def surname(self) -> str:
        return self.rng.choices(SURNAME_LIST, SURNAME_WEIGHTS)[0]

    def person(
        self,
        *,
        age: int,
        gender: str,
        relation: str,
        surname: str = "",
        avoid: set[str] | None = None,
    ) -> Person:
        surname = surname or self.surname()
        birth_year = self.census_day.year - age
        pool = [entry for entry in GIVEN_NAMES if entry[0] <= birth_year][-1]
        given_names = (pool[1] if gender == M else pool[2]).split()
        name = surname + self.rng.choice(given_names)
        while avoid and name in avoid:  # brothers and sisters never share a name
            name = surname + self.rng.choice(given_names)
        return Person(name=name, surname=surname, gender=gender, age=age, relation=relation)

    def couple(
        self, *, ages: tuple[int, int], min_age: int = 0, male_head: float = 0.75
    ) -> tuple[Person, Person]:
        """A head and spouse of opposite gender; the husband is usually a few years older."""
        husband_age = self.rng.randint(*ages)
        wife_age = husband_age - self.rng.choice([-2, -1, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6])
        wife_age = max(wife_age, min_age, 21)
        husband = self.person(age=husband_age, gender=M, relation=Relation.HEAD)
        wife = self.person(age=wife_age, gender=F, relation=Relation.HEAD)
        if self.rng.random() < male_head:
            wife.relation = Relation.SPOUSE
            return husband, wife
        husband.relation = Relation.SPOUSE
        return wife, husband

    def child_of(
        self,
        father: Person | None,
        mother: Person | None,
        *,
        relation: str,
        ages: tuple[int, int] = (0, 40),
        siblings: list[Person] | None = None,
    ) -> Person:
        """A child born when the mother was 21 to 36 and the father 22 to 40."""
        youngest, eldest = 0, 200
        if mother is not None:
            youngest, eldest = mother.age - 36, mother.age - 21
        if father is not None:
            youngest, eldest = max(youngest, father.age - 40), min(eldest, father.age - 22)
        youngest, eldest = max(youngest, ages[0], 0), min(eldest, ages[1])
        age = self.rng.randint(youngest, max(youngest, eldest))
        if father is not None and self.rng.random() < 0.95:
            surname = father.surname
        else:
            surname = mother.surname if mother is not None else self.surname()
        return self.person(
            age=age,
            gender=self.rng.choice([M, F]),
            relation=relation,
            surname=surname,
            avoid={sibling.name for sibling in siblings or []},
        )

    def parent_of(self, head: Person) -> Person:
        gender = M if self.rng.random() < 0.35 else F  # more widowed mothers than fathers
        age = min(head.age + self.rng.randint(23, 32), 98)
        surname = head.surname if gender == M else ""
        return self.person(age=age, gender=gender, relation=Relation.PARENT, surname=surname)

    def elder_age(self, low: int = 60, high: int = 96) -> int:
        """Older people, fewer of them at each age past 70."""
        while True:
            age = self.rng.randint(low, high)
            if self.rng.random() < (1.0 if age < 70 else 0.9 ** ((age - 70) / 2)):
                return age

    # --- one household: (kind, how many, builder) ------------------------------------------------

    def alone_elder(self) -> list[Person]:
        gender = F if self.rng.random() < 0.65 else M
        head = self.person(age=self.elder_age(62), gender=gender, relation=Relation.HEAD)
        head.tags.add(Tag.LIVING_ALONE)
        return [head]

    def bereaved_alone(self) -> list[Person]:
        head = self.person(age=self.elder_age(64, 88), gender=F, relation=Relation.HEAD)
        head.tags |= {Tag.LIVING_ALONE, Tag.BEREAVED_PARENT}
        return [head]

    def single_adult(self) -> list[Person]:
        gender = M if self.rng.random() < 0.55 else F
        return [self.person(age=self.rng.randint(22, 58), gender=gender, relation=Relation.HEAD)]

    def empty_nest(self) -> list[Person]:
        members = list(self.couple(ages=(62, 88), min_age=60))
        for member in members:
            member.tags.add(Tag.EMPTY_NEST)
        return members

    def bereaved_couple(self) -> list[Person]:
        members = list(self.couple(ages=(60, 82), min_age=60))
        for member in members:
            member.tags.add(Tag.BEREAVED_PARENT)
        return members

    def young_couple(self) -> list[Person]:
        return list(self.couple(ages=(24, 40)))

    def single_parent(self) -> list[Person]:
        gender = F if self.rng.random() < 0.7 else M
        head = self.person(age=self.rng.randint(30, 50), gender=gender, relation=Relation.HEAD)
        father, mother = (head, None) if gender == M else (None, head)
        return [head, self.child_of(father, mother, relation=Relation.CHILD, ages=(3, 20))]

    def with_parent(self) -> list[Person]:
        gender = M if self.rng.random() < 0.5 else F
        head = self.person(age=self.rng.randint(40, 57), gender=gender, relation=Relation.HEAD)
        return [head, self.parent_of(head)]

    def grandparent_and_grandchild(self) -> list[Person]:
        gender = F if self.rng.random() < 0.6 else M
        head = self.person(age=self.rng.randint(60, 76), gender=gender, relation=Relation.HEAD)
        grandchild = self.person(
            age=self.rng.randint(3, 14),
            gender=self.rng.choice([M, F]),
            relation=Relation.GRANDCHILD,
            surname=head.surname if gender == M else "",
        )
        head.tags.add(Tag.LEFT_BEHIND)
        grandchild.tags.add(Tag.LEFT_BEHIND)
        return [head, grandchild]

    def nuclear(self, children: int, head_ages: tuple[int, int] = (27, 56)) -> list[Person]:
        head, spouse = self.couple(ages=head_ages)
        father, mother = (head, spouse) if head.gender == M else (spouse, head)
        members = [head, spouse]
        for _ in range(children):
            kids = members[2:]
            members.append(self.child_of(father, mother, relation=Relation.CHILD, siblings=kids))
        return members

    def nuclear_one(self) -> list[Person]:
        return self.nuclear(1)

    def nuclear_two(self) -> list[Person]:
        return self.nuclear(2, head_ages=(29, 50))

    def nuclear_with_parent(self) -> list[Person]:
        members = self.nuclear(1, head_ages=(32, 55))
        return [*members, self.parent_of(members[0])]

    def left_behind(self) -> list[Person]:
        head, spouse = self.couple(ages=(58, 76), min_age=55)
        grandfather = head if head.gender == M else spouse
        grandchild = self.person(
            age=self.rng.randint(2, 15),
            gender=self.rng.choice([M, F]),
            relation=Relation.GRANDCHILD,
            surname=grandfather.surname,
        )
        for member in (head, spouse, grandchild):
            if member is grandchild or member.age >= 60:
                member.tags.add(Tag.LEFT_BEHIND)
        return [head, spouse, grandchild]

    def elders_with_adult_child(self) -> list[Person]:
        head, spouse = self.couple(ages=(58, 82), min_age=56)
        father, mother = (head, spouse) if head.gender == M else (spouse, head)
        return [head, spouse, self.child_of(father, mother, relation=Relation.CHILD, ages=(24, 45))]

    def three_generations(self, grandchildren: int = 1) -> list[Person]:
        """Grandparents at the head, a married child (mostly a son) and their children."""
        head, spouse = self.couple(ages=(52, 78), male_head=0.85)
        father, mother = (head, spouse) if head.gender == M else (spouse, head)
        child = self.child_of(father, mother, relation=Relation.CHILD, ages=(25, 50))
        if child.gender == F and self.rng.random() < 0.6:
            child = self.person(
                age=child.age, gender=M, relation=Relation.CHILD, surname=child.surname
            )
        in_law_gender = F if child.gender == M else M
        in_law_age = child.age + self.rng.randint(-3, 3) * (1 if in_law_gender == M else -1)
        in_law = self.person(
            age=max(in_law_age, 21), gender=in_law_gender, relation=Relation.CHILD_IN_LAW
        )
        young_father, young_mother = (child, in_law) if child.gender == M else (in_law, child)
        members = [head, spouse, child, in_law]
        for _ in range(grandchildren):
            members.append(
                self.child_of(
                    young_father,
                    young_mother,
                    relation=Relation.GRANDCHILD,
                    ages=(0, 20),
                    siblings=members[4:],
                )
            )
        return members

    def three_generations_two(self) -> list[Person]:
        return self.three_generations(grandchildren=2)

    def kinds(self) -> list[tuple[str, int, Callable[[], list[Person]]]]:
        """How many households of each shape: 1,549 households holding 4,318 people."""
        return [
            ("alone_elder", 130, self.alone_elder),
            ("bereaved_alone", 2, self.bereaved_alone),
            ("single_adult", 74, self.single_adult),
            ("empty_nest", 200, self.empty_nest),
            ("bereaved_couple", 5, self.bereaved_couple),
            ("young_couple", 110, self.young_couple),
            ("single_parent", 62, self.single_parent),
            ("with_parent", 58, self.with_parent),
            ("grandparent_and_grandchild", 12, self.grandparent_and_grandchild),
            ("nuclear_one", 408, self.nuclear_one),
            ("left_behind", 34, self.left_behind),
            ("elders_with_adult_child", 62, self.elders_with_adult_child),
            ("nuclear_two", 200, self.nuclear_two),
            ("nuclear_with_parent", 78, self.nuclear_with_parent),
            ("three_generations", 90, self.three_generations),
            ("three_generations_two", 24, self.three_generations_two),
        ]

    # --- what every person gets once the household is drawn --------------------------------------

    def birth_date(self, age: int) -> date:
        anniversary = years_ago(self.census_day, age)
        return anniversary - timedelta(days=self.rng.randint(0, 364))

    def id_number(self, person: Person) -> str:
        weights = REGION_WEIGHTS if person.birth_date.year < 2000 else [90, *[1] * 11]
        region = self.rng.choices(REGION_LIST, weights)[0]
        while True:
            sequence = self.rng.randrange(500)
            key = (region, person.birth_date, sequence)
            if key not in self.used_sequences:
                self.used_sequences.add(key)
                return make_id_number(region, person.birth_date, sequence, person.gender)

    def phone(self) -> str:
        while True:
            number = f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"
            if number not in self.used_phones and not number.startswith(DEMO_ACCOUNT_PHONE_PREFIX):
                self.used_phones.add(number)
                return number

    def has_phone(self, age: int) -> bool:
        if age < 18:
            return False
        chance = 1.0 if age < 60 else 0.85 if age < 80 else 0.45
        return self.rng.random() < chance

    def complete(self, members: list[Person]) -> None:
        for person in members:
            person.birth_date = self.birth_date(person.age)
            person.id_number = self.id_number(person)
            if self.has_phone(person.age):
                person.phone = self.phone()
        for person in members:
            if person.age < 14:
                person.guardian_name = _guardian(person, members).name

    # --- the community ---------------------------------------------------------------------------

    def rooms(self) -> list[AddressInput]:
        return [
            AddressInput(estate=name, building=str(number), unit=str(unit), room=f"{floor}0{flat}")
            for name, _address, buildings, units, floors in ESTATES
            for number in range(1, buildings + 1)
            for unit in range(1, units + 1)
            for floor in range(1, floors + 1)
            for flat in (1, 2)
        ]

    def plan(self) -> list[PlannedHousehold]:
        """Every household at its room, in address order; about three rooms in four are lived in."""
        drawn = [(kind, build()) for kind, count, build in self.kinds() for _ in range(count)]
        self.rng.shuffle(drawn)
        for _kind, members in drawn:
            self.complete(members)
        rooms = self.rooms()
        occupied = sorted(self.rng.sample(range(len(rooms)), len(drawn)))
        households = [
            PlannedHousehold(kind=kind, members=members, address=rooms[index])
            for (kind, members), index in zip(drawn, occupied, strict=True)
        ]
        self.mark_disabled(households)
        self.mark_low_income(households)
        return households

    def mark_disabled(self, households: list[PlannedHousehold]) -> None:
        """Exactly DISABLED_RESIDENTS people, more likely the older they are."""
        people = [person for household in households for person in household.members]

        def weight(person: Person) -> float:
            if person.age < 18:
                return 0.4
            if person.age < 60:
                return 1.0
            return 2.5 if person.age < 80 else 4.0

        # Weighted sampling without replacement (Efraimidis–Spirakis): the largest u^(1/w).
        keyed = sorted(
            (
                (self.rng.random() ** (1 / weight(person)), index)
                for index, person in enumerate(people)
            ),
            reverse=True,
        )
        for _key, index in keyed[:DISABLED_RESIDENTS]:
            person = people[index]
            types = DISABILITY_TYPES
            if person.age < 18:  # children's disabilities are mostly developmental
                types = {"智力": 5, "言语": 3, "肢体": 3, "听力": 2, "多重": 1}
            person.tags.add(Tag.DISABLED)
            person.disability_type = self.rng.choices(list(types), list(types.values()))[0]
            person.disability_grade = self.rng.choices(
                list(DISABILITY_GRADES), list(DISABILITY_GRADES.values())
            )[0]

    def mark_low_income(self, households: list[PlannedHousehold]) -> None:
        """低保 households, most often with a disabled member, an elder alone or a lone parent."""

        def weight(household: PlannedHousehold) -> float:
            disabled = any(Tag.DISABLED in person.tags for person in household.members)
            needy_kind = household.kind in NEEDY_KINDS
            return 1.0 + 6.0 * disabled + 3.0 * needy_kind

        keyed = sorted(
            (
                (self.rng.random() ** (1 / weight(household)), index)
                for index, household in enumerate(households)
            ),
            reverse=True,
        )
        for _key, index in keyed[:LOW_INCOME_HOUSEHOLDS]:
            for person in households[index].members:
                person.tags.add(Tag.LOW_INCOME)


def _guardian(child: Person, members: list[Person]) -> Person:
    """A child's parent in the household; for a left-behind child, the grandparent at the head."""
    if child.relation == Relation.GRANDCHILD:
        parents = [m for m in members if m.relation in (Relation.CHILD, Relation.CHILD_IN_LAW)]
    else:
        parents = [m for m in members if m.relation in (Relation.HEAD, Relation.SPOUSE)]
    parents = [m for m in parents if m.age >= 18] or [members[0]]
    mothers = [m for m in parents if m.gender == F]
    return (mothers or parents)[0]


def plan_registry() -> list[PlannedHousehold]:
    """The whole demo community, the same on every call."""
    return Planner(census_day=min(CENSUS_DAY, timezone.localdate())).plan()


# --- writing it ---------------------------------------------------------------------------------


def describe(households: list[PlannedHousehold]) -> dict[str, int]:
    """Figures of a plan, for the bench and for tuning the household shapes."""
    people = [person for household in households for person in household.members]
    ages = Counter(
        "child" if p.age < 14 else "youth" if p.age < 18 else "adult" if p.age < 60 else "elderly"
        for p in people
    )
    return {
        "households": len(households),
        "residents": len(people),
        **ages,
        "pupils_6_12": sum(6 <= p.age <= 12 for p in people),
        "aged_80_plus": sum(p.age >= 80 for p in people),
        **Counter(tag for p in people for tag in p.tags),
    }
