"""Writing the project's Excel files: one look for every header row, cells typed by their column
(ID numbers and phone numbers as text, dates as dates), an import template with its 填写说明
sheet, and the download response.

Values are written as the callers give them: in Chinese, whatever the page's language, as the
stations' own sheets are.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

# openpyxl (some 20 MB once imported) is imported inside the functions that write a sheet, so a
# web or task process that never writes one never holds it.

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def header_style() -> tuple[Any, Any]:
    """The header row's font and fill: white on the site's 文明实践 red."""
    from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]

    return Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="B3261E")


TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "0.00"


@dataclass(frozen=True)
class ColumnFormats:
    """How the columns of a sheet are written, by header: widths, and which hold text (numbers
    Excel must not round, like ID numbers) or dates."""

    widths: Mapping[str, int] = field(default_factory=dict)
    default_width: int = 10
    text: Collection[str] = frozenset()
    dates: Collection[str] = frozenset()
    money: Collection[str] = frozenset()  # yuan to the fen: numbers shown as 0.00

    def number_format(self, header: str) -> str | None:
        if header in self.text:
            return TEXT_FORMAT
        if header in self.dates:
            return DATE_FORMAT
        if header in self.money:
            return MONEY_FORMAT
        return None


def workbook_bytes(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An xlsx file to download, under a (Chinese) file name."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def header_sheet(workbook: Any, title: str, headers: Sequence[str], formats: ColumnFormats) -> Any:
    """A new sheet of a write-only workbook: its column widths and its header row."""
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = formats.widths.get(
            header, formats.default_width
        )
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font, cell.fill = header_style()
        cells.append(cell)
    sheet.append(cells)
    return sheet


# What a spreadsheet program reads as the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def data_cell(sheet: Any, value: Any, number_format: str | None = None) -> Any:
    """The one way a value reaches an exported sheet. Every string is a string cell, never a
    formula, whatever column it sits in: a name or note typed as `=HYPERLINK(…)` (the public
    registration takes them from anyone) is shown as typed. One that starts like a formula is
    also marked as text, so editing the cell in Excel does not turn it into one."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            number_format = TEXT_FORMAT
    if number_format:
        cell.number_format = number_format
    return cell


def append_row(
    sheet: Any, headers: Sequence[str], values: Sequence[Any], formats: ColumnFormats
) -> None:
    """One row of a `header_sheet`, each cell typed by its column; strings through `data_cell`."""
    sheet.append(
        [
            data_cell(sheet, value, formats.number_format(header))
            for header, value in zip(headers, values, strict=True)
        ]
    )


def template_workbook(
    *,
    title: str,
    headers: Sequence[str],
    formats: ColumnFormats,
    choices: Mapping[str, Sequence[str]],
    max_rows: int,
    help_rows: Iterable[tuple[str, str, str]],
    note: str,
) -> bytes:
    """An import template: its headers, typed columns, a drop-down list for each column of
    `choices` (over `max_rows` rows), and a second sheet, 填写说明, saying what each column takes
    (`help_rows`: column, required?, what to write) and then `note`."""
    import openpyxl  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font, cell.fill = header_style()
        cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        column = sheet.column_dimensions[get_column_letter(index)]
        column.width = formats.widths.get(header, formats.default_width)
        number_format = formats.number_format(header)
        if number_format:
            column.number_format = number_format
    for header, values in choices.items():
        letter = get_column_letter(list(headers).index(header) + 1)
        validation = DataValidation(
            type="list", formula1=json.dumps(",".join(values), ensure_ascii=False)
        )
        validation.error = _("请从下拉列表中选择。")
        validation.add(f"{letter}2:{letter}{max_rows + 1}")
        sheet.add_data_validation(validation)

    guide = workbook.create_sheet("填写说明")
    guide.append([_("列名"), _("是否必填"), _("填写说明")])
    for cell in guide[1]:
        cell.font, cell.fill = header_style()
    for row in help_rows:
        guide.append(list(row))
    guide.append([])
    guide.append([_("说明"), "", note])
    guide.column_dimensions["A"].width = 12
    guide.column_dimensions["B"].width = 16
    guide.column_dimensions["C"].width = 90
    for row in guide.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    return workbook_bytes(workbook)
