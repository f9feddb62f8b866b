"""Residents to Excel: the import template, and the registry list as the same columns.

Both files carry the template's Chinese headers and Chinese values (男/女, 户主, 独居…) whatever the
page's language, so an export reads like the sheets the station keeps and goes back in through
the import. ID numbers are masked unless the reader may see them and asked to; a full export is a
sensitive read, and every export is audited.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core import crypto
from linli.core.xlsx import ColumnFormats, append_row, header_sheet, workbook_bytes
from linli.core.xlsx import template_workbook as build_template
from linli.people import access
from linli.people.importing import COLUMNS, MAX_ROWS, chinese_labels
from linli.people.models import Consent, Gender, Relation, Resident, Tag
from linli.people.queries import (
    ResidentFilter,
    address_of,
    filter_residents,
    resident_tags,
    with_list_relations,
)

HEADERS = tuple(header for _field, header in COLUMNS)
FORMATS = ColumnFormats(
    widths={"姓名": 10, "出生日期": 12, "身份证号码": 22, "联系电话": 14, "住址": 24, "小区": 14,
            "与户主关系": 11, "标签": 14, "健康状况": 16, "备注": 20},
    default_width=9,
    text={"身份证号码", "联系电话", "楼栋", "单元", "房号"},
    dates={"出生日期"},
)  # fmt: skip


# --- the template ----------------------------------------------------------------------------------


def template_help() -> list[tuple[str, str, str]]:
    """(column, required?, what to write) for the template's 填写说明 sheet."""
    relations = "、".join(chinese_labels(Relation))
    tags = "、".join(chinese_labels(Tag))
    required, optional = _("必填"), _("选填")
    return [
        ("姓名", required, _("2–30 个汉字或字母。")),
        ("性别", optional, _("男 或 女（也可写 M/F）。填了身份证号码的可不填，按号码登记。")),
        (
            "出生日期",
            optional,
            _(
                "年月日齐全：1956-03-12、1956.03.12、1956/3/12、19560312、1956年3月12日，或 Excel "
                "日期格式。只有年月（如 1956.3）的不能导入。填了身份证号码的可不填。"
            ),
        ),
        (
            "身份证号码",
            optional,
            _(
                "18 位，最后一位可以是 X。这一列已设为“文本”格式，请勿改为数字格式：Excel 会把"
                "18 位数字的后三位变成 0。"
            ),
        ),
        ("联系电话", optional, _("11 位手机号码，或带区号的固定电话（如 0555-6712345）。")),
        (
            "住址",
            optional,
            _(
                "整个住址写在一格，如“金桥花园3栋2单元502”或“金桥花园 3号楼 2单元 502室”，小区名须"
                "是本站登记的小区。也可以不填这一列，改填后面的小区、楼栋、单元、房号四列。"
            ),
        ),
        ("小区", optional, _("本站登记的小区名称，与楼栋、单元、房号一起填写。")),
        ("楼栋", optional, _("楼栋号，如 3 或 3栋。")),
        ("单元", optional, _("单元号，如 2。")),
        ("房号", optional, _("房号，如 502。")),
        ("与户主关系", optional, _("可填：%(choices)s。不填按户主登记。") % {"choices": relations}),
        (
            "标签",
            optional,
            _("可填：%(choices)s；多个用顿号、逗号或空格隔开。") % {"choices": tags},
        ),
        ("残疾类别", optional, _("如 肢体、视力、听力、言语、智力、精神、多重。")),
        ("残疾等级", optional, _("如 一级、二级、三级、四级。")),
        ("健康状况", optional, _("简要说明，如 高血压、糖尿病。")),
        (
            "监护人",
            _("未满 14 周岁必填"),
            _("签署书面同意书的监护人姓名。未满 14 周岁的儿童必须填写，否则该行不能导入。"),
        ),
        ("备注", optional, _("200 字以内。")),
    ]


def template_workbook() -> bytes:
    """The import template: the 17 headers, text-formatted number columns, drop-down lists, and
    a second sheet saying what each column takes. Re-imported as it is filled in."""
    with translation.override("zh-hans"):
        genders = [str(label) for label in Gender.labels]
        relations = [str(label) for label in Relation.labels]
    return build_template(
        title="居民信息",
        headers=HEADERS,
        formats=FORMATS,
        choices={"性别": genders, "与户主关系": relations},
        max_rows=MAX_ROWS,
        help_rows=template_help(),
        note=_(
            "表头可以不在第一行，列的顺序可以调换；同一户的住址可以合并单元格。一个文件最多 "
            "%(limit)s 行。上传后先逐行检查，全部无误才能确认导入。"
        )
        % {"limit": MAX_ROWS},
    )


# --- the export ------------------------------------------------------------------------------------


def _guardian(resident: Resident) -> str:
    for consent in getattr(resident, "guardian_consents", []):
        return consent.guardian_name
    return ""


def export_row(
    resident: Resident, *, full: bool, labels: Mapping[str, Mapping[str, str]]
) -> list[Any]:
    """One resident as the template's columns; sensitive values only when `full`."""
    address = address_of(resident) or {"estate": "", "building": "", "unit": "", "room": ""}
    whole = (
        f"{address['estate']}{address['building']}栋{address['unit']}单元{address['room']}"
        if resident.household_id
        else ""
    )
    id_number = resident.id_number_masked
    details = {"disability_type": "", "disability_grade": "", "health_notes": ""}
    if full:
        if resident.id_number_cipher:
            id_number = crypto.decrypt(resident.id_number_cipher)
        if resident.sensitive_cipher:
            details.update(json.loads(crypto.decrypt(resident.sensitive_cipher)))
    return [
        resident.name,
        labels["gender"].get(resident.gender, resident.gender),
        resident.birth_date,
        id_number,
        resident.phone,
        whole,
        address["estate"],
        address["building"],
        address["unit"],
        address["room"],
        labels["relation"].get(resident.relation, resident.relation),
        "、".join(labels["tag"].get(tag, tag) for tag in resident_tags(resident)),
        details["disability_type"],
        details["disability_grade"],
        details["health_notes"],
        _guardian(resident) if full else "",
        resident.note,
    ]


def export_residents(*, user: Any, params: Mapping[str, Any]) -> tuple[bytes, int]:
    """The residents the list page would show for `params`, as xlsx bytes; and how many.

    ID numbers, health and disability details and guardians are included in clear only when
    `full=1` was asked for AND the user may reveal them for that resident (the rule of
    `people.access.can_reveal_sensitive`, applied to all rows in one query); every export writes
    one `resident.export` audit row saying how many rows and whether any was unmasked.
    The number of queries does not depend on the number of rows.
    """
    import openpyxl  # type: ignore[import-untyped]

    criteria = ResidentFilter.from_params(params)
    residents = with_list_relations(
        filter_residents(access.residents_for_user(user), criteria)
    ).select_related("station")
    wants_full = str(params.get("full") or "") == "1"
    revealable: set[int] = set()
    if wants_full:
        revealable = set(access.revealable(residents, user).values_list("pk", flat=True))
    if revealable:
        residents = residents.prefetch_related(
            Prefetch(
                "consents",
                queryset=Consent.objects.filter(
                    given_by=Consent.GivenBy.GUARDIAN, withdrawn_at__isnull=True
                ).order_by("-recorded_at"),
                to_attr="guardian_consents",
            )
        )
    labels = {
        "gender": {code: label for label, code in chinese_labels(Gender).items()},
        "relation": {code: label for label, code in chinese_labels(Relation).items()},
        "tag": {code: label for label, code in chinese_labels(Tag).items()},
    }
    workbook = openpyxl.Workbook(write_only=True)
    sheet = header_sheet(workbook, "居民信息", HEADERS, FORMATS)
    count = unmasked = 0
    stations = set()
    for resident in residents:
        full = resident.pk in revealable
        append_row(sheet, HEADERS, export_row(resident, full=full, labels=labels), FORMATS)
        count += 1
        unmasked += int(full)
        stations.add(resident.station)
    audit_record(
        actor=user,
        action="resident.export",
        station=next(iter(stations)) if len(stations) == 1 else None,
        after={
            "count": count,
            "unmasked": unmasked > 0,
            "unmasked_rows": unmasked,
            "full_requested": wants_full,
            "filters": {
                "q": bool(criteria.q),  # what was searched may itself be an ID number: not kept
                "estate": criteria.estate,
                "building": criteria.building,
                "tag": criteria.tag,
                "age_band": criteria.age_band,
                "status": criteria.status,
            },
        },
    )
    return workbook_bytes(workbook), count
