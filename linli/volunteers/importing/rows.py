"""One row into a RegistrationInput, and every row of a sheet through `volunteer_register`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.org.models import Station
from linli.people.importing import parse_birth_date, parse_id_number
from linli.people.importing.cells import cell_name, parse_gender
from linli.people.importing.rows import RowCells, row_problem, unread_fields
from linli.people.importing.sheet import Sheet
from linli.volunteers.actions.registration import (
    RegistrationInput,
    volunteer_approve,
    volunteer_register,
)
from linli.volunteers.importing.cells import (
    parse_availability,
    parse_categories,
    parse_political,
)
from linli.volunteers.importing.columns import COLUMNS, FIELD_LIMITS, KEY_FIELDS, PROGRESS_EVERY
from linli.volunteers.models import Volunteer

# --- one row ---------------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    row_number: int
    name: str
    data: RegistrationInput
    errors: dict[str, list[str]]


def parse_row(sheet: Sheet, row_number: int, values: list[Any]) -> ParsedRow:
    """One sheet row as a RegistrationInput, with what could not even be read as errors."""
    cells = RowCells(sheet, values)
    texts = {name: cells.text(name) for name in FIELD_LIMITS}
    for name, limit in FIELD_LIMITS.items():
        if len(texts[name]) > limit:
            cells.add_error(
                name,
                _("%(column)s最多 %(limit)s 个字。")
                % {"column": sheet.label(name), "limit": limit},
            )
    name = cell_name(cells.get("name"))
    data = RegistrationInput(
        name=name,
        id_number=cells.attempt(parse_id_number, "id_number", ""),
        phone=re.sub(r"\s+", "", cells.text("phone")),
        password="",  # no password: the account is unusable until one is set
        gender=cells.attempt(parse_gender, "gender", ""),
        birth_date=cells.attempt(parse_birth_date, "birth_date", None),
        skills=texts["skills"],
        categories=cells.attempt(parse_categories, "categories", frozenset()),
        availability=cells.attempt(parse_availability, "availability", 0),
        residence_area=texts["residence_area"],
        occupation=texts["occupation"],
        political_status=cells.attempt(parse_political, "political_status", ""),
        guardian_name=texts["guardian"],
        # The uploader confirmed that each person (a minor's guardian too) signed the undertaking.
        consent=True,
    )
    return ParsedRow(row_number, name, data, cells.errors)


# --- every row through volunteer_register ----------------------------------------------------------


class _Undo(Exception):
    """Leaves a row's savepoint: the dry run keeps nothing, the import nothing of a bad row."""


@dataclass
class Outcome:
    problems: list[dict[str, Any]]
    registered: int


def register_sheet(
    *,
    station: Station,
    sheet: Sheet,
    actor: Any,
    approve: bool,
    keep: bool,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Try every row through `volunteer_register` (and `volunteer_approve` when `approve`).

    `keep=False` (the dry run): each row in its own transaction, always rolled back. `keep=True`
    (the import): rows stay in the caller's transaction — which must roll back if any row has a
    problem. Every row is tried either way, so the report lists every bad row. A row's problems
    are listed per column, a column's own reading problem in place of what the check then says
    about it; rows repeating an earlier row's ID number or phone are refused here.
    """
    if keep and not connection.in_atomic_block:
        raise RuntimeError("register_sheet(keep=True) needs the caller's transaction")
    first_row_of: dict[tuple[str, str], int] = {}
    problems: list[dict[str, Any]] = []
    registered = 0
    for done, (row_number, values) in enumerate(sheet.rows, start=1):
        parsed = parse_row(sheet, row_number, values)
        errors = parsed.errors
        for name, value, message in (
            ("id_number", parsed.data.id_number, _("与第 %(row)s 行的身份证号码重复。")),
            (
                "phone",
                parsed.data.phone,
                _("与第 %(row)s 行的手机号码相同：每位志愿者须用本人的手机号码注册账户。"),
            ),
        ):
            if value and name not in errors:
                if (name, value) in first_row_of:
                    errors[name] = [message % {"row": first_row_of[name, value]}]
                else:
                    first_row_of[name, value] = row_number
        unread = unread_fields(errors, parsed.data)
        try:
            with transaction.atomic():
                volunteer = volunteer_register(
                    station=station, data=parsed.data, channel=Volunteer.Channel.IMPORT, actor=actor
                )
                if approve:
                    volunteer_approve(volunteer=volunteer, actor=actor)
                if errors or not keep:
                    raise _Undo
        except _Undo:
            pass
        except ValidationError as error:
            found = (
                error.message_dict
                if hasattr(error, "error_dict")
                else {NON_FIELD_ERRORS: error.messages}
            )
            for key, messages in found.items():
                name = KEY_FIELDS.get(key, key)
                if name not in unread:
                    errors.setdefault(name, []).extend(messages)
        except DomainError as error:
            errors.setdefault("status", []).append(error.message)
        if errors:
            problems.append(row_problem(sheet, row_number, parsed.name, errors, COLUMNS))
        else:
            registered += 1
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(sheet.rows)):
            progress(done)
    return Outcome(problems=problems, registered=registered)
