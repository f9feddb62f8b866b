"""One row into a ResidentInput, and every row of a sheet through `resident_check`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.org.models import Station
from linli.people.actions import (
    AddressBook,
    AddressInput,
    CheckedResident,
    ConsentInput,
    ResidentInput,
    resident_check,
)
from linli.people.importing.cells import (
    cell_name,
    cell_text,
    normalized,
    parse_address,
    parse_birth_date,
    parse_gender,
    parse_id_number,
    parse_relation,
    parse_tags,
)
from linli.people.importing.columns import (
    ADDRESS_PARTS,
    CHECK_KEY_FIELDS,
    COLUMNS,
    FIELD_LIMITS,
    HEADERS,
    PROGRESS_EVERY,
    RowError,
)
from linli.people.importing.sheet import Sheet
from linli.people.models import Consent, Relation

# --- one row -----------------------------------------------------------------------------------


class RowCells:
    """One sheet row's cells by field, and what could not even be read, as errors per field."""

    def __init__(self, sheet: Sheet, values: list[Any]) -> None:
        self.sheet = sheet
        self.values = values
        self.errors: dict[str, list[str]] = {}

    def get(self, name: str) -> Any:
        column = self.sheet.columns.get(name)
        return self.values[column] if column is not None and column < len(self.values) else None

    def text(self, name: str) -> str:
        return cell_text(self.get(name))

    def attempt(self, parse: Callable[[Any], Any], name: str, default: Any) -> Any:
        """The cell read by `parse`, or `default` with the reading problem noted."""
        try:
            return parse(self.get(name))
        except RowError as error:
            self.add_error(error.field_name, error.message)
            return default

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def unread_fields(errors: dict[str, list[str]], data: Any) -> set[str]:
    """The fields that could not be read: each has its own message, and what a check then says
    about it (or, for an unreadable ID number, about the birth date and gender it would give
    when the row has none of its own) would only confuse."""
    unread = set(errors)
    if "id_number" in unread:
        unread |= {name for name in ("gender", "birth_date") if not getattr(data, name)}
    return unread


def row_problem(
    sheet: Sheet,
    row_number: int,
    name: str,
    errors: dict[str, list[str]],
    columns: tuple[tuple[str, str], ...],
) -> dict[str, Any]:
    """A bad row as the job's report lists it: its problems per column, in `columns`' order."""
    order = {field: index for index, (field, _header) in enumerate(columns)}
    return {
        "row": row_number,
        "name": name[:30],
        "errors": [
            {"column": sheet.label(field), "messages": errors[field]}
            for field in sorted(errors, key=lambda field: order.get(field, len(order)))
        ],
    }


@dataclass
class ParsedRow:
    row_number: int
    name: str
    data: ResidentInput
    consent: ConsentInput
    errors: dict[str, list[str]]


def parse_row(
    sheet: Sheet, row_number: int, values: list[Any], estates: Iterable[str]
) -> ParsedRow:
    """One sheet row as a ResidentInput, with what could not even be read as errors per field."""
    cells = RowCells(sheet, values)
    name = cell_name(cells.get("name"))
    address: AddressInput | None = None
    parts = {part: cells.text(part) for part in ADDRESS_PARTS}
    whole = cells.text("address")
    try:
        if any(parts[part] for part in ("building", "unit", "room")):
            estate = parts["estate"] or (parse_estate_only(whole, estates) if whole else "")
            address = AddressInput(estate, parts["building"], parts["unit"], parts["room"])
        elif whole:
            address = parse_address(whole, estates)
        elif parts["estate"]:
            address = AddressInput(parts["estate"], "", "", "")
    except RowError as error:
        cells.add_error("address", error.message)
    texts = {column: cells.text(column) for column in ("guardian", "note")}
    if address is not None:
        texts.update(building=address.building, unit=address.unit, room=address.room)
    for limited, limit in FIELD_LIMITS.items():
        if len(texts.get(limited, "")) > limit:
            cells.add_error(
                "address" if limited in ADDRESS_PARTS else limited,
                _("%(column)s最多 %(limit)s 个字。") % {"column": HEADERS[limited], "limit": limit},
            )
    guardian = texts["guardian"]
    data = ResidentInput(
        name=name,
        gender=cells.attempt(parse_gender, "gender", ""),
        birth_date=cells.attempt(parse_birth_date, "birth_date", None),
        id_number=cells.attempt(parse_id_number, "id_number", ""),
        phone=re.sub(r"\s+", "", cells.text("phone")),
        address=address,
        relation=cells.attempt(parse_relation, "relation", Relation.HEAD),
        tags=cells.attempt(parse_tags, "tags", frozenset()),
        note=texts["note"],
        disability_type=cells.text("disability_type"),
        disability_grade=cells.text("disability_grade"),
        health_notes=cells.text("health_notes"),
    )
    # The uploader confirmed that signed paper forms were collected, covering sensitive data too;
    # where a guardian is named, it was the guardian who signed (a child under 14 needs one).
    consent = ConsentInput(
        method=Consent.Method.PAPER,
        given_by=Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.SELF,
        guardian_name=guardian,
        sensitive=True,
    )
    return ParsedRow(row_number, name, data, consent, cells.errors)


def parse_estate_only(text: str, estates: Iterable[str]) -> str:
    """A 住址 column holding just the estate while 楼栋/单元/房号 have their own columns."""
    compact = normalized(text)
    known = {normalized(name): name for name in estates}
    inside = [name for name in known if name in compact]
    return known[max(inside, key=len)] if inside else text.strip()


# --- checking every row ------------------------------------------------------------------------


@dataclass
class CheckResult:
    checked: list[CheckedResident]
    consents: list[ConsentInput]
    problems: list[dict[str, Any]]


def check_sheet(
    *,
    station: Station,
    sheet: Sheet,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
) -> CheckResult:
    """Every row through `resident_check`, plus ID numbers repeated within the file itself.

    Nothing is written. A row's problems are listed per column in the template's column order,
    each column's own reading problem in place of what the check would then say about it.
    """
    addresses = AddressBook(station)
    estates = list(addresses.estates)
    today = today or timezone.localdate()
    result = CheckResult(checked=[], consents=[], problems=[])
    first_row_of: dict[str, int] = {}
    for done, (row_number, values) in enumerate(sheet.rows, start=1):
        parsed = parse_row(sheet, row_number, values, estates)
        errors = parsed.errors
        unread = unread_fields(errors, parsed.data)
        checked = None
        try:
            checked = resident_check(
                station=station,
                data=parsed.data,
                consent=parsed.consent,
                addresses=addresses,
                today=today,
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                name = CHECK_KEY_FIELDS.get(key, key)
                if name not in unread:
                    errors.setdefault(name, []).extend(messages)
        number = parsed.data.id_number
        if number and "id_number" not in errors:
            if number in first_row_of:
                errors.setdefault("id_number", []).append(
                    _("与第 %(row)s 行的身份证号码重复。") % {"row": first_row_of[number]}
                )
            else:
                first_row_of[number] = row_number
        if errors or checked is None:
            result.problems.append(row_problem(sheet, row_number, parsed.name, errors, COLUMNS))
        else:
            result.checked.append(checked)
            result.consents.append(parsed.consent)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    return result
