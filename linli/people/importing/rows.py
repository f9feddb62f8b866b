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
    errors: dict[str, list[str]] = {}

    def cell(name: str) -> Any:
        column = sheet.columns.get(name)
        return values[column] if column is not None and column < len(values) else None

    def attempt(parse: Callable[[Any], Any], name: str, default: Any) -> Any:
        try:
            return parse(cell(name))
        except RowError as error:
            errors.setdefault(error.field_name, []).append(error.message)
            return default

    name = cell_name(cell("name"))
    address: AddressInput | None = None
    parts = {part: cell_text(cell(part)) for part in ADDRESS_PARTS}
    whole = cell_text(cell("address"))
    try:
        if any(parts[part] for part in ("building", "unit", "room")):
            estate = parts["estate"] or (parse_estate_only(whole, estates) if whole else "")
            address = AddressInput(estate, parts["building"], parts["unit"], parts["room"])
        elif whole:
            address = parse_address(whole, estates)
        elif parts["estate"]:
            address = AddressInput(parts["estate"], "", "", "")
    except RowError as error:
        errors.setdefault("address", []).append(error.message)
    texts = {column: cell_text(cell(column)) for column in ("guardian", "note")}
    if address is not None:
        texts.update(building=address.building, unit=address.unit, room=address.room)
    for limited, limit in FIELD_LIMITS.items():
        if len(texts.get(limited, "")) > limit:
            target = "address" if limited in ADDRESS_PARTS else limited
            errors.setdefault(target, []).append(
                _("%(column)s最多 %(limit)s 个字。") % {"column": HEADERS[limited], "limit": limit}
            )
    guardian = texts["guardian"]
    data = ResidentInput(
        name=name,
        gender=attempt(parse_gender, "gender", ""),
        birth_date=attempt(parse_birth_date, "birth_date", None),
        id_number=attempt(parse_id_number, "id_number", ""),
        phone=re.sub(r"\s+", "", cell_text(cell("phone"))),
        address=address,
        relation=attempt(parse_relation, "relation", Relation.HEAD),
        tags=attempt(parse_tags, "tags", frozenset()),
        note=texts["note"],
        disability_type=cell_text(cell("disability_type")),
        disability_grade=cell_text(cell("disability_grade")),
        health_notes=cell_text(cell("health_notes")),
    )
    # The uploader confirmed that signed paper forms were collected, covering sensitive data too;
    # where a guardian is named, it was the guardian who signed (a child under 14 needs one).
    consent = ConsentInput(
        method=Consent.Method.PAPER,
        given_by=Consent.GivenBy.GUARDIAN if guardian else Consent.GivenBy.SELF,
        guardian_name=guardian,
        sensitive=True,
    )
    return ParsedRow(row_number, name, data, consent, errors)


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
    order = {name: index for index, (name, _header) in enumerate(COLUMNS)}
    for done, (row_number, values) in enumerate(sheet.rows, start=1):
        parsed = parse_row(sheet, row_number, values, estates)
        errors = parsed.errors
        # A column that could not be read has its own message; what the check then says about
        # it (or, for an unreadable ID number, about the birth date and gender it would give)
        # would only confuse.
        unread = set(errors)
        if "id_number" in unread:
            unread |= {"gender", "birth_date"} - {
                name for name in ("gender", "birth_date") if getattr(parsed.data, name)
            }
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
            result.problems.append(
                {
                    "row": row_number,
                    "name": parsed.name[:30],
                    "errors": [
                        {"column": sheet.label(name), "messages": errors[name]}
                        for name in sorted(errors, key=lambda name: order.get(name, len(order)))
                    ],
                }
            )
        else:
            result.checked.append(checked)
            result.consents.append(parsed.consent)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    return result
