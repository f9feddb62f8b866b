"""`linli demo --seed-only` registers 焦家社区 as its report describes it (SPEC §1), once."""

import json
from collections import Counter, defaultdict
from datetime import date

from django.test import Client
from django.utils import timezone

from linli.accounts.models import User
from linli.audit.models import AuditLog
from linli.core import crypto
from linli.org.models import Building, Estate, Grid, Station
from linli.people.demo import (
    CENSUS_DAY,
    DISABILITY_GRADES,
    DISABILITY_TYPES,
    plan_registry,
)
from linli.people.models import Consent, Household, Relation, Resident, ResidentTag, Tag
from linli.people.queries import registry_counts, years_ago
from tests.conftest import api_token, bearer
from tests.demo.conftest import SeededDemo, run_seed


def snapshot() -> dict[str, object]:
    return {
        "estates": list(Estate.objects.values_list("pk", "name", "address")),
        "buildings": list(Building.objects.values_list("pk", "number", "grid_id", "floors")),
        "grids": list(Grid.objects.values_list("pk", "name")),
        "households": Household.objects.count(),
        "residents": list(
            Resident.objects.order_by("pk").values_list("pk", "name", "phone", "updated_at")
        ),
        "tags": ResidentTag.objects.count(),
        "consents": Consent.objects.count(),
        "audit": AuditLog.objects.count(),
    }


def test_demo_registry_reproduces_the_report_once(demo: SeededDemo):
    first = demo.output
    assert "社区居民登记: 新增 4318" in first
    assert "居民 4318/4318" in first
    jiaojia = Station.objects.get(code="JIAOJIA")
    counted = {
        "estates": Estate.objects.filter(station=jiaojia).count(),
        "buildings": Building.objects.filter(estate__station=jiaojia).count(),
        "households": Household.objects.filter(station=jiaojia).count(),
        "residents": Resident.objects.filter(station=jiaojia, status="living").count(),
    }
    expected = {"estates": 9, "buildings": 89, "households": 1549, "residents": 4318}
    assert counted == expected
    assert registry_counts([jiaojia.pk]) == expected
    # The summary API reports the community's figures, counted from rows.
    staff = User.objects.get(phone="13900000002")
    summary = Client().get("/api/v1/stats/summary", **bearer(api_token(staff))).json()
    assert {key: summary[key] for key in expected} == expected
    assert Grid.objects.filter(station=jiaojia).count() >= 3
    assert not Building.objects.filter(estate__station=jiaojia, grid=None).exists()

    before = snapshot()
    second = run_seed()
    assert "社区居民登记: 新增 0" in second
    assert snapshot() == before


def test_demo_residents_are_coherent_and_consented(demo: SeededDemo):
    # The registry's residents; volunteers from outside the community are person records too.
    residents = list(
        Resident.objects.filter(status=Resident.Status.LIVING)
        .select_related("household")
        .prefetch_related("tags", "consents")
    )
    members = defaultdict(list)
    for resident in residents:
        members[resident.household_id].append(resident)
    tags = {resident.pk: {row.tag for row in resident.tags.all()} for resident in residents}

    # Every ID number valid, encrypted and unique; ages as planned on the census day.
    hashes = [resident.id_number_hash for resident in residents]
    assert all(hashes) and len(set(hashes)) == len(residents) == 4318
    ages = [resident.age(CENSUS_DAY) for resident in residents]
    assert min(ages) < 6 and max(ages) >= 80
    assert 0.22 <= sum(age >= 60 for age in ages) / len(ages) <= 0.25
    assert sum(6 <= age <= 12 for age in ages) > 200

    # Exactly 104 disabled residents, each with encrypted type and grade.
    disabled = [resident for resident in residents if Tag.DISABLED in tags[resident.pk]]
    assert len(disabled) == ResidentTag.objects.filter(tag=Tag.DISABLED).count() == 104
    for resident in disabled:
        details = json.loads(crypto.decrypt(resident.sensitive_cipher))
        assert details["disability_type"] in DISABILITY_TYPES
        assert details["disability_grade"] in DISABILITY_GRADES
    assert not ResidentTag.objects.filter(tag=Tag.MINOR).exists()

    # Households: one head each, 1 to 6 people, spouses of opposite gender, tags that fit.
    for household_members in members.values():
        assert 1 <= len(household_members) <= 6
        relations = Counter(member.relation for member in household_members)
        assert relations[Relation.HEAD] == 1
        head = next(m for m in household_members if m.relation == Relation.HEAD)
        for member in household_members:
            if member.relation == Relation.SPOUSE:
                assert member.gender != head.gender
                assert abs(member.age(CENSUS_DAY) - head.age(CENSUS_DAY)) <= 8
            if member.relation == Relation.CHILD:
                assert 20 <= head.age(CENSUS_DAY) - member.age(CENSUS_DAY) <= 42
        low_income = [Tag.LOW_INCOME in tags[member.pk] for member in household_members]
        assert all(low_income) or not any(low_income)
    living_alone = [resident for resident in residents if Tag.LIVING_ALONE in tags[resident.pk]]
    assert living_alone
    for resident in living_alone:
        assert len(members[resident.household_id]) == 1
        assert resident.age(CENSUS_DAY) >= 60
    for resident in residents:
        if Tag.EMPTY_NEST in tags[resident.pk]:
            couple = members[resident.household_id]
            assert len(couple) == 2 and all(m.age(CENSUS_DAY) >= 60 for m in couple)
    for tag in (Tag.BEREAVED_PARENT, Tag.LEFT_BEHIND, Tag.LOW_INCOME):
        assert any(tag in resident_tags for resident_tags in tags.values()), tag

    # Adults have mobiles, children none; never a demo account's number.
    phones = [resident.phone for resident in residents if resident.phone]
    assert len(phones) == len(set(phones))
    assert not any(phone.startswith("139000000") for phone in phones)
    for resident, age in zip(residents, ages, strict=True):
        if age < 18:
            assert not resident.phone
        elif age < 60:
            assert resident.phone[:2] in {"13", "15", "18"} and len(resident.phone) == 11

    # Every resident consented on paper, sensitive data separately; a child under 14 (today)
    # through a guardian who lives in the same household.
    child_born_after = years_ago(timezone.localdate(), 14)
    for resident in residents:
        consents = list(resident.consents.all())
        assert {c.scope for c in consents} == {Consent.Scope.PERSONAL, Consent.Scope.SENSITIVE}
        assert {c.method for c in consents} == {Consent.Method.PAPER}
        if resident.birth_date > child_born_after:
            household_names = {m.name for m in members[resident.household_id] if m != resident}
            for consent in consents:
                assert consent.given_by == Consent.GivenBy.GUARDIAN
                assert consent.guardian_name in household_names


def test_the_plan_is_the_same_every_time():
    first, second = plan_registry(), plan_registry()
    assert [(h.address, [(p.name, p.id_number) for p in h.members]) for h in first] == [
        (h.address, [(p.name, p.id_number) for p in h.members]) for h in second
    ]


def test_a_rerun_after_staff_registered_a_resident_without_an_id_number(demo: SeededDemo):
    """Staff may record a resident without an ID number; the next `linli demo` must not try to
    read one (it crashed with InvalidToken) nor draw that resident as a demo volunteer."""
    from linli.org.models import Station
    from linli.people import actions as people_actions
    from linli.people.models import Resident
    from linli.volunteers.demo.plan import registry_rows

    station = Station.objects.get(code="JIAOJIA")
    household = Resident.objects.filter(station=station, household__isnull=False).first()
    assert household is not None and household.household is not None
    building = household.household.building
    resident = people_actions.resident_create(
        station=station,
        data=people_actions.ResidentInput(
            name="无证居民",
            gender="F",
            birth_date=date(1990, 5, 5),
            address=people_actions.AddressInput(
                estate=building.estate.name, building=building.number, unit="9", room="909"
            ),
        ),
        consent=people_actions.ConsentInput(method="paper"),
        actor=None,
    )
    assert resident.id_number_cipher == ""
    assert resident.pk not in {row.pk for row in registry_rows(station)}
    run_seed()
