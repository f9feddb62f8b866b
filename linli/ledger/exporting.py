"""A period's service records to Excel, laid out for entry into 全国志愿服务信息系统.

One row per hours entry served in the period, reversals included as negative rows so the column
of hours sums to what the ledger says. The national system needs the volunteer's ID number in
full, so only station staff and admin get the file, for the volunteers of the stations they run;
each export is one audited sensitive read with its row count. Supervisors, leaders and volunteers
are refused (PermissionDenied). Values are Chinese whatever the page's language, and the number
of queries does not depend on the number of rows.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from django.core.exceptions import PermissionDenied
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from linli.accounts.access import in_reach
from linli.audit.actions import audit_record
from linli.core import crypto
from linli.ledger.certificates import KIND_LABELS
from linli.ledger.models import Account, LedgerEntry
from linli.people.exporting import HEADER_FILL, HEADER_FONT
from linli.volunteers import access

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ("志愿者姓名", "证件号码", "志愿者编号", "活动名称", "服务日期", "服务地点", "服务内容",
           "服务时长（小时）", "活动组织单位", "活动负责人", "记录类型")  # fmt: skip
TEXT_HEADERS = {"证件号码", "志愿者编号"}
WIDTHS = {"志愿者姓名": 11, "证件号码": 21, "志愿者编号": 18, "活动名称": 24, "服务日期": 12,
          "服务地点": 18, "服务内容": 30, "服务时长（小时）": 10, "活动组织单位": 22,
          "活动负责人": 11, "记录类型": 9}  # fmt: skip


def can_export(user: Any) -> bool:
    """Full ID numbers: station staff and admin only (`volunteers.access.WRITE_ROLES`)."""
    return access.can_manage_volunteers(user)


def export_entries(*, user: Any, period_start: date, period_end: date) -> tuple[bytes, int]:
    """The hours entries served from `period_start` to `period_end` by volunteers of the stations
    the user runs, as xlsx bytes; and how many rows. Anyone but station staff and admin:
    PermissionDenied. One `ledger.export_national` audit row (a sensitive read) per export.
    """
    if not can_export(user):
        raise PermissionDenied
    entries = (
        in_reach(
            LedgerEntry.objects.filter(
                account=Account.HOURS, served_on__range=(period_start, period_end)
            ),
            user,
            roles=access.WRITE_ROLES,
            station_field="volunteer__station",
        )
        .select_related("volunteer__person", "volunteer__station", "activity")
        .order_by("served_on", "volunteer__person__name_pinyin", "id")
    )
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("志愿服务记录")
    sheet.freeze_panes = "A2"
    for index, header in enumerate(HEADERS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(header, 10)
    header_cells = []
    for header in HEADERS:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    count, stations = 0, set()
    for entry in entries:
        volunteer = entry.volunteer
        person = volunteer.person
        activity = entry.activity
        values = [
            person.name,
            crypto.decrypt(person.id_number_cipher) if person.id_number_cipher else "",
            volunteer.number,
            activity.title if activity else KIND_LABELS.get(entry.kind, ""),
            entry.served_on,
            activity.place if activity else "",
            f"{entry.description}（{entry.reason}）" if entry.reason else entry.description,
            float(entry.amount),
            activity.organizer if activity else volunteer.station.name,
            activity.responsible_name if activity else "",
            KIND_LABELS.get(entry.kind, entry.kind),
        ]
        cells = []
        for header, value in zip(HEADERS, values, strict=True):
            cell = WriteOnlyCell(sheet, value=value)
            if header in TEXT_HEADERS:
                cell.number_format = "@"
            elif header == "服务日期":
                cell.number_format = "yyyy-mm-dd"
            elif header == "服务时长（小时）":
                cell.number_format = "0.00"
            cells.append(cell)
        sheet.append(cells)
        count += 1
        stations.add(volunteer.station)
    audit_record(
        actor=user,
        action="ledger.export_national",
        station=next(iter(stations)) if len(stations) == 1 else None,
        after={
            "count": count,
            "unmasked": True,
            "fields": ["id_number"],
            "period": [period_start.isoformat(), period_end.isoformat()],
        },
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count
