"""A period's service records to Excel, laid out for entry into 全国志愿服务信息系统.

One row per hours entry served in the period, reversals included as negative rows so the column
of hours sums to what the ledger says. The national system needs the volunteer's ID number in
full, so only station staff and admin get the file, for the volunteers of the stations they run;
each export is one audited sensitive read with its row count. Supervisors, leaders and volunteers
are refused (PermissionDenied). Values are Chinese whatever the page's language, and the number
of queries does not depend on the number of rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied

from linli.audit.actions import audit_record
from linli.core import crypto
from linli.core.xlsx import ColumnFormats, data_cell, header_sheet, workbook_bytes
from linli.ledger import access
from linli.ledger.certificates import KIND_LABELS
from linli.ledger.models import Account

HEADERS = ("志愿者姓名", "证件号码", "志愿者编号", "活动名称", "服务日期", "服务地点", "服务内容",
           "服务时长（小时）", "活动组织单位", "活动负责人", "记录类型")  # fmt: skip
HOURS = "服务时长（小时）"
FORMATS = ColumnFormats(
    widths={"志愿者姓名": 11, "证件号码": 21, "志愿者编号": 18, "活动名称": 24, "服务日期": 12,
            "服务地点": 18, "服务内容": 30, HOURS: 10, "活动组织单位": 22, "活动负责人": 11,
            "记录类型": 9},
    text={"证件号码", "志愿者编号"},
    dates={"服务日期"},
)  # fmt: skip


def export_entries(*, user: Any, period_start: date, period_end: date) -> tuple[bytes, int]:
    """The hours entries served from `period_start` to `period_end` by volunteers of the stations
    the user runs, as xlsx bytes; and how many rows. Anyone but station staff and admin:
    PermissionDenied. One `ledger.export_national` audit row (a sensitive read) per export.
    """
    import openpyxl  # type: ignore[import-untyped]

    if not access.can_keep_records(user):
        raise PermissionDenied
    entries = (
        access.exportable_entries(user)
        .filter(account=Account.HOURS, served_on__range=(period_start, period_end))
        .select_related("volunteer__person", "volunteer__station", "activity")
        .order_by("served_on", "volunteer__person__name_pinyin", "id")
    )
    workbook = openpyxl.Workbook(write_only=True)
    sheet = header_sheet(workbook, "志愿服务记录", HEADERS, FORMATS)
    count, stations = 0, set()
    for entry in entries:
        volunteer = entry.volunteer
        if volunteer is None:  # a station's own account (pool, clearing) is not a service record
            continue
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
        sheet.append(
            [
                data_cell(
                    sheet, value, "0.00" if header == HOURS else FORMATS.number_format(header)
                )
                for header, value in zip(HEADERS, values, strict=True)
            ]
        )
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
    return workbook_bytes(workbook), count
