"""Writing the planned community into the registry, idempotently, with progress."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from linli.org.models import Building, Estate, Grid, Station
from linli.people.actions import (
    AddressBook,
    AddressInput,
    CheckedResident,
    ConsentInput,
    ResidentInput,
    registered_hashes,
    resident_check,
    residents_bulk_create,
)
from linli.people.demo.plan import Person, PlannedHousehold, plan_registry
from linli.people.demo.tables import BATCH_SIZE, ESTATES, GRIDS, STATION_CODE
from linli.people.models import Consent, Household


@transaction.atomic
def seed_addresses(station: Station) -> None:
    """Estates, buildings and grids: reference data, created only where missing, never changed."""
    grid_of_estate = {}
    for grid_name, estate_names in GRIDS:
        grid, _created = Grid.objects.get_or_create(station=station, name=grid_name)
        grid_of_estate.update(dict.fromkeys(estate_names, grid))
    for name, address, buildings, units, floors in ESTATES:
        estate, _created = Estate.objects.get_or_create(
            station=station, name=name, defaults={"address": address}
        )
        existing = set(estate.buildings.values_list("number", flat=True))
        Building.objects.bulk_create(
            Building(
                estate=estate,
                number=str(number),
                grid=grid_of_estate[name],
                unit_count=units,
                floors=floors,
            )
            for number in range(1, buildings + 1)
            if str(number) not in existing
        )


def _resident_input(person: Person, address: AddressInput) -> ResidentInput:
    return ResidentInput(
        name=person.name,
        gender=person.gender,
        birth_date=person.birth_date,
        id_number=person.id_number,
        phone=person.phone,
        address=address,
        relation=person.relation,
        tags=frozenset(person.tags),
        disability_type=person.disability_type,
        disability_grade=person.disability_grade,
    )


def _consent(person: Person) -> ConsentInput:
    if person.guardian_name:
        return ConsentInput(
            method=Consent.Method.PAPER,
            given_by=Consent.GivenBy.GUARDIAN,
            guardian_name=person.guardian_name,
            sensitive=True,
        )
    return ConsentInput(method=Consent.Method.PAPER, sensitive=True)


def _batches(households: list[PlannedHousehold]) -> Iterator[list[PlannedHousehold]]:
    """Whole households, about BATCH_SIZE people at a time: a household is written all or not."""
    batch: list[PlannedHousehold] = []
    people = 0
    for household in households:
        batch.append(household)
        people += len(household.members)
        if people >= BATCH_SIZE:
            yield batch
            batch, people = [], 0
    if batch:
        yield batch


def seed_registry(progress: Callable[[str], None] | None = None) -> int:
    """Register 焦家社区's residents; returns how many were created (0 when all are there).

    A planned household whose room is already registered is skipped, so running again adds
    nothing, and a run interrupted between batches is completed by the next one.
    """
    report = progress or (lambda _message: None)
    station = Station.objects.get(code=STATION_CODE)
    seed_addresses(station)
    registered = {
        AddressInput(*row)
        for row in Household.objects.filter(station=station).values_list(
            "building__estate__name", "building__number", "unit", "room"
        )
    }
    households = [household for household in plan_registry() if household.address not in registered]
    total = sum(len(household.members) for household in households)
    if not total:
        return 0
    addresses = AddressBook(station)
    today = timezone.localdate()
    created = 0
    for batch in _batches(households):
        rows: list[CheckedResident] = []
        consents: list[ConsentInput] = []
        # One query a batch for the ID numbers already on the registry, not one a person.
        known_ids = registered_hashes(
            person.id_number for household in batch for person in household.members
        )
        for household in batch:
            for person in household.members:
                consent = _consent(person)
                try:
                    rows.append(
                        resident_check(
                            station=station,
                            data=_resident_input(person, household.address),
                            consent=consent,
                            addresses=addresses,
                            today=today,
                            registered=known_ids,
                        )
                    )
                except ValidationError as error:
                    raise ValidationError(
                        f"演示居民 {person.name}（{household.address}）未通过登记检查：{error.messages}"
                    ) from error
                consents.append(consent)
        residents_bulk_create(
            station=station, rows=rows, consent=consents, actor=None, audit_each=False
        )
        created += len(rows)
        report(f"    居民 {created}/{total}")
    return created
