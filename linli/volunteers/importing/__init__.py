"""Volunteers from the Excel rosters stations keep: a dry run of every row, then all or none.

The sheet is read the way the resident import reads one (`linli.people.importing`: a title row
above the header, columns in any order under many names, merged cells, dates typed five ways, ID
numbers Excel mangled), with the volunteer record's columns (67号令: 政治面貌, 专业技能, 服务类别,
居住区域 …). It also reads back the list export and the national-system export.

Every row goes through `volunteer_register(channel="import")`, the one way a volunteer is created,
with the uploading staff member as actor and their word that the signed undertakings were
collected; with "已审核，直接在册" each row is also approved (`volunteer_approve`). The dry run
registers each row in its own transaction and rolls it back, so it says exactly what the import
would; the import registers every row in ONE transaction and keeps it only if every row passed.
Each row creates an account and a person record, so both steps run as background tasks
(`volunteers.tasks`) and report progress through the cache, which the page polls. Imported
accounts have no password until one is set: nobody can sign in to them before.
"""

from linli.volunteers.importing.cells import parse_availability, parse_categories, parse_political
from linli.volunteers.importing.columns import COLUMNS, MAX_ROWS, read_volunteer_sheet
from linli.volunteers.importing.jobs import (
    run_volunteer_import_check,
    run_volunteer_import_commit,
    volunteer_import_commit,
    volunteer_import_create,
)
from linli.volunteers.importing.rows import parse_row, register_sheet

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "parse_availability",
    "parse_categories",
    "parse_political",
    "parse_row",
    "read_volunteer_sheet",
    "register_sheet",
    "run_volunteer_import_check",
    "run_volunteer_import_commit",
    "volunteer_import_commit",
    "volunteer_import_create",
]
