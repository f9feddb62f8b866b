"""Reading a worksheet as people fill it: title rows, synonyms, merged cells."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.importjobs import ImportFileError
from linli.people.importing.columns import (
    ADDRESS_PARTS,
    BLANK_RUN_LIMIT,
    HEADER_FIELDS,
    HEADER_NOISE,
    HEADER_SEARCH_ROWS,
    HEADERS,
    MAX_ROWS,
    UNREPORTED_HEADERS,
    logger,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- what one import looks for ---------------------------------------------------------------------


@dataclass(frozen=True)
class SheetLayout:
    """What one import looks for in a sheet: its columns under every name they go by, the label
    of each field in its messages, and how much it takes. The resident import's is `RESIDENTS`.
    """

    header_fields: Mapping[str, str]  # a header (spaces, stars and brackets stripped) → field
    labels: Mapping[str, str]  # field → the name its messages give it when the sheet has none
    quiet_headers: frozenset[str]  # columns not imported and not worth a warning
    min_columns: int  # the known columns a header row names, 姓名 among them
    max_rows: int
    too_many_rows: StrOrPromise  # the message, with %(limit)s and %(count)s
    no_header: StrOrPromise

    def header_field(self, value: Any) -> str | None:
        """The field a header cell names, if any."""
        if not isinstance(value, str):
            return None
        return self.header_fields.get(HEADER_NOISE.sub("", unicodedata.normalize("NFKC", value)))


RESIDENTS = SheetLayout(
    header_fields=HEADER_FIELDS,
    labels=HEADERS,
    quiet_headers=UNREPORTED_HEADERS,
    min_columns=2,
    max_rows=MAX_ROWS,
    too_many_rows=gettext_lazy(
        "一个文件最多导入 %(limit)s 行，这个文件有 %(count)s 行。请分成几个文件上传。"
    ),
    no_header=gettext_lazy(
        "没有找到表头。表格中须有一行列名，至少包含“姓名”和另一列（如“身份证号码”“住址”），可参照导入模板。"
    ),
)


# --- reading the sheet -----------------------------------------------------------------------------


@dataclass
class Sheet:
    """The data rows of the first sheet that has a header, merged cells filled, blank rows gone."""

    columns: dict[str, int]  # field → 0-based column index
    headers: dict[str, str]  # field → the header as the sheet writes it
    rows: list[tuple[int, list[Any]]]  # (Excel row number, cell values)
    ignored_columns: list[str] = field(default_factory=list)
    layout: SheetLayout = RESIDENTS

    def label(self, field_name: str) -> str:
        """A field's name in a message: its header in this sheet, else the import's own name."""
        if field_name == "address" and "address" not in self.headers:
            parts = [self.headers[part] for part in ADDRESS_PARTS if part in self.headers]
            if parts:
                return "/".join(parts)
        return self.headers.get(field_name) or self.layout.labels.get(field_name, field_name)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(
    grid: list[list[Any]], layout: SheetLayout
) -> tuple[int, int, dict[str, int], dict[str, str]] | None:
    """The first row naming a 姓名 column and enough other known columns; and a second header
    row below it when there is one (住址 over 小区/楼栋/单元/房号).

    Returns the indexes of the first and last header rows, field → column, field → header as
    written.
    """
    candidates = (
        (index, [layout.header_field(value) for value in row])
        for index, row in enumerate(grid[:HEADER_SEARCH_ROWS])
    )
    found = next(
        (
            (index, fields)
            for index, fields in candidates
            if "name" in fields and sum(map(bool, fields)) >= layout.min_columns
        ),
        None,
    )
    if found is None:
        return None
    first, fields = found
    row = grid[first]
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for column, name in enumerate(fields):
        if name and name not in columns:
            columns[name] = column
            headers[name] = str(row[column]).strip()
    last = first
    below = grid[first + 1] if first + 1 < len(grid) else []
    sub_headers = {
        column: name for column, value in enumerate(below) if (name := layout.header_field(value))
    }
    if len(sub_headers) >= 2 and all(
        is_blank(value) or column in sub_headers for column, value in enumerate(below)
    ):
        for column, name in sub_headers.items():
            for other in [other for other, at in columns.items() if at == column]:
                del columns[other], headers[other]
            columns.setdefault(name, column)
            headers.setdefault(name, str(below[column]).strip())
        last += 1
    return first, last, columns, headers


def _fill_merged(grid: list[list[Any]], worksheet: Any) -> None:
    """A merged cell holds its value only in its top-left cell: give every cell of it the value.

    (A family's members listed under one address cell merged down over their rows.)
    """
    for merged in worksheet.merged_cells.ranges:
        if merged.min_row > len(grid):
            continue
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for row in grid[merged.min_row - 1 : merged.max_row]:
            for column in range(merged.min_col - 1, min(merged.max_col, len(row))):
                row[column] = value


def _cell_rows(worksheet: Any) -> list[list[Any]]:
    """The sheet's values, row by row, up to a long run of blank rows (formatting down to row
    1,048,576 is common and holds nothing)."""
    grid: list[list[Any]] = []
    blank_run = 0
    for values in worksheet.iter_rows(min_row=1, values_only=True):
        grid.append(list(values))
        blank_run = blank_run + 1 if all(is_blank(value) for value in values) else 0
        if blank_run > BLANK_RUN_LIMIT:
            break
    return grid


def read_sheet(stream: IO[bytes], layout: SheetLayout = RESIDENTS) -> Sheet:
    """Find the header (wherever it is) and the data rows of the first sheet that has one."""
    import openpyxl  # type: ignore[import-untyped]

    try:
        workbook = openpyxl.load_workbook(stream, data_only=True)
    except Exception as error:  # a zip, XML or openpyxl error: all mean "not a readable xlsx"
        logger.info("unreadable import file: %r", error)
        raise ImportFileError(
            _("无法读取这个文件。请上传 Excel 的 .xlsx 文件（旧的 .xls 文件请先“另存为” .xlsx）。")
        ) from error
    for worksheet in workbook.worksheets:
        grid = _cell_rows(worksheet)
        found = _find_header(grid, layout)
        if found is None:
            continue
        first_header, last_header, columns, headers = found
        used = sorted(set(columns.values()))
        ignored = list(
            dict.fromkeys(
                str(value).strip()
                for row in grid[first_header : last_header + 1]
                for column, value in enumerate(row)
                if column not in used
                and not is_blank(value)
                and str(value).strip() not in layout.quiet_headers
            )
        )
        # Blank before merged cells are filled in: a row that only a merged cell reaches into is
        # still a blank row.
        data = [
            index
            for index in range(last_header + 1, len(grid))
            if not all(
                is_blank(grid[index][column]) for column in used if column < len(grid[index])
            )
        ]
        if len(data) > layout.max_rows:
            raise ImportFileError(
                str(layout.too_many_rows) % {"limit": layout.max_rows, "count": len(data)}
            )
        _fill_merged(grid, worksheet)
        rows = [(index + 1, grid[index]) for index in data]
        return Sheet(
            columns=columns, headers=headers, rows=rows, ignored_columns=ignored, layout=layout
        )
    raise ImportFileError(str(layout.no_header))
