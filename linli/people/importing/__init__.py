"""Residents from the Excel sheets community workers keep: read, check every row, import all or none.

Real sheets are messy: a title row above the header, columns in any order under many names, one
address column or four, an address cell merged down over a whole family, dates typed five ways,
ID numbers that Excel turned into numbers. `read_sheet` copes with all of that; every row then goes
through `people.actions.resident_check`, the same check as the form and the API, and a file is
imported only when every row passed — in one transaction, through `residents_bulk_create`.

An `ImportJob` walks uploaded → checking → checked → committing → done (or failed); the check and
the commit run as background tasks (`people.tasks`) and report progress on the job row.
"""

from linli.people.importing.cells import parse_address, parse_birth_date, parse_id_number
from linli.people.importing.columns import COLUMNS, MAX_ROWS, RowError, chinese_labels
from linli.people.importing.jobs import (
    import_job_commit,
    import_job_create,
    run_import_check,
    run_import_commit,
)
from linli.people.importing.rows import check_sheet
from linli.people.importing.sheet import read_sheet

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "RowError",
    "check_sheet",
    "chinese_labels",
    "import_job_commit",
    "import_job_create",
    "parse_address",
    "parse_birth_date",
    "parse_id_number",
    "read_sheet",
    "run_import_check",
    "run_import_commit",
]
