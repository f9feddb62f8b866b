"""Volunteers to Excel: the import template, the filtered list, and the roster laid out for entry
into 全国志愿服务信息系统 (the national volunteer-service information system).

Values are written in Chinese (男/女, 中共党员, 社区服务) whatever the page's language, as the
station's own sheets are. The list export masks ID numbers; the national export carries them in
full, so only station staff and admin get it, for the stations they run, and each is audited as a
sensitive read. Query counts do not depend on the number of rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.audit.actions import audit_record
from linli.core import crypto
from linli.core.categories import ServiceCategory
from linli.core.xlsx import ColumnFormats, append_row, header_sheet, workbook_bytes
from linli.core.xlsx import template_workbook as build_template
from linli.people.importing import chinese_labels
from linli.people.models import Gender
from linli.volunteers import access
from linli.volunteers.importing import COLUMNS, MAX_ROWS
from linli.volunteers.models import Volunteer
from linli.volunteers.queries import (
    VolunteerFilter,
    active_memberships,
    availability_text,
    category_codes,
    filter_volunteers,
    with_list_relations,
)

LIST_HEADERS = ("志愿者编号", "姓名", "性别", "出生日期", "身份证号码", "手机号码", "政治面貌",
                "职业", "专业技能", "服务类别", "可服务时间", "居住区域", "所属队伍", "状态",
                "注册日期")  # fmt: skip
NATIONAL_HEADERS = ("姓名", "证件类型", "证件号码", "性别", "出生日期", "手机号码", "政治面貌",
                    "专业技能", "服务类别", "居住区域", "注册日期", "志愿者编号")  # fmt: skip
ID_CARD = "居民身份证"
FORMATS = ColumnFormats(
    widths={"志愿者编号": 18, "身份证号码": 21, "证件号码": 21, "手机号码": 13, "出生日期": 12,
            "注册日期": 12, "专业技能": 18, "服务类别": 22, "可服务时间": 24, "居住区域": 16,
            "所属队伍": 20, "证件类型": 11},
    default_width=10,
    text={"志愿者编号", "身份证号码", "证件号码", "手机号码"},
    dates={"出生日期", "注册日期"},
)  # fmt: skip


def _labels() -> dict[str, dict[str, str]]:
    """Code → Chinese label for each coded column, whatever the active language."""
    return {
        name: {code: label for label, code in chinese_labels(choices).items()}
        for name, choices in (
            ("gender", Gender),
            ("political", Volunteer.Political),
            ("category", ServiceCategory),
            ("status", Volunteer.Status),
        )
    }


def _categories(volunteer: Volunteer, labels: Mapping[str, str]) -> str:
    return "、".join(labels.get(code, code) for code in category_codes(volunteer))


def _single_station(stations: set[Any]) -> Any:
    return next(iter(stations)) if len(stations) == 1 else None


# --- the filtered list ----------------------------------------------------------------------------


def export_volunteers(*, user: Any, params: Mapping[str, Any]) -> tuple[bytes, int]:
    """The volunteers the list page shows the user for `params`, as xlsx; and how many.
    ID numbers masked. Audited (`volunteer.export`) with the count and the filters."""
    import openpyxl  # type: ignore[import-untyped]

    if not access.can_browse_volunteers(user):
        raise PermissionDenied
    criteria = VolunteerFilter.from_params(params)
    volunteers = with_list_relations(filter_volunteers(access.volunteers_for_user(user), criteria))
    labels = _labels()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = header_sheet(workbook, "志愿者名册", LIST_HEADERS, FORMATS)
    count, stations = 0, set()
    with translation.override("zh-hans"):
        for volunteer in volunteers:
            person = volunteer.person
            teams = "、".join(
                membership.team.name + ("（队长）" if membership.role == "leader" else "")
                for membership in active_memberships(volunteer)
            )
            append_row(
                sheet,
                LIST_HEADERS,
                [
                    volunteer.number,
                    person.name,
                    labels["gender"].get(person.gender, person.gender),
                    person.birth_date,
                    person.id_number_masked,
                    person.phone,
                    labels["political"].get(volunteer.political_status, ""),
                    volunteer.occupation,
                    volunteer.skills,
                    _categories(volunteer, labels["category"]),
                    availability_text(volunteer.availability),
                    volunteer.residence_area,
                    teams,
                    labels["status"].get(volunteer.status, volunteer.status),
                    timezone.localtime(volunteer.registered_at).date(),
                ],
                FORMATS,
            )
            count += 1
            stations.add(volunteer.station)
    audit_record(
        actor=user,
        action="volunteer.export",
        station=_single_station(stations),
        after={"count": count, "unmasked": False, "filters": criteria.audit_summary()},
    )
    return workbook_bytes(workbook), count


# --- 全国志愿服务信息系统 ---------------------------------------------------------------------------


def export_national(*, user: Any, params: Mapping[str, Any]) -> tuple[bytes, int]:
    """The volunteers of the stations the user runs (station staff; admin all), filtered like the
    list, in the national system's entry order with FULL ID numbers. Anyone else: PermissionDenied.

    A sensitive read of every row: one `volunteer.export_national` audit row with the count.
    """
    import openpyxl

    if not access.can_manage_volunteers(user):
        raise PermissionDenied
    criteria = VolunteerFilter.from_params(params)
    volunteers = with_list_relations(
        filter_volunteers(access.volunteers_managed_by(user), criteria)
    )
    labels = _labels()
    workbook = openpyxl.Workbook(write_only=True)
    sheet = header_sheet(workbook, "志愿者信息", NATIONAL_HEADERS, FORMATS)
    count, stations = 0, set()
    for volunteer in volunteers:
        person = volunteer.person
        id_number = crypto.decrypt(person.id_number_cipher) if person.id_number_cipher else ""
        append_row(
            sheet,
            NATIONAL_HEADERS,
            [
                person.name,
                ID_CARD,
                id_number,
                labels["gender"].get(person.gender, person.gender),
                person.birth_date,
                person.phone,
                labels["political"].get(volunteer.political_status, ""),
                volunteer.skills,
                _categories(volunteer, labels["category"]),
                volunteer.residence_area,
                timezone.localtime(volunteer.registered_at).date(),
                volunteer.number,
            ],
            FORMATS,
        )
        count += 1
        stations.add(volunteer.station)
    audit_record(
        actor=user,
        action="volunteer.export_national",
        station=_single_station(stations),
        after={
            "count": count,
            "unmasked": True,
            "fields": ["id_number"],
            "filters": criteria.audit_summary(),
        },
    )
    return workbook_bytes(workbook), count


# --- the import template ---------------------------------------------------------------------------


def template_help() -> list[tuple[str, str, str]]:
    """(column, required?, what to write) for the template's 填写说明 sheet."""
    required, optional = _("必填"), _("选填")
    political = "、".join(chinese_labels(Volunteer.Political))
    categories = "、".join(chinese_labels(ServiceCategory))
    return [
        ("姓名", required, _("与身份证一致。")),
        ("性别", optional, _("男 或 女；不填按身份证号码登记。")),
        ("出生日期", optional, _("如 1975-03-03；不填按身份证号码登记，填了须与号码一致。")),
        (
            "身份证号码",
            required,
            _("18 位，最后一位可以是 X。这一列已设为“文本”格式，请勿改为数字格式。"),
        ),
        ("手机号码", required, _("本人的 11 位手机号码，作为登录账户；每人一个，不能重复。")),
        ("政治面貌", optional, _("可填：%(choices)s。") % {"choices": political}),
        ("职业", optional, _("50 字以内。")),
        ("专业技能", optional, _("如 理发、法律咨询、电脑维修；200 字以内。")),
        (
            "服务类别",
            optional,
            _("可填：%(choices)s；多个用顿号隔开。") % {"choices": categories},
        ),
        (
            "可服务时间",
            optional,
            _("如“周一上午、周三全天、周末、工作日晚上、周一至周五下午”或“不限”。"),
        ),
        ("居住区域", optional, _("如 金桥花园；100 字以内。")),
        (
            "监护人",
            _("未满 18 周岁必填"),
            _("未满 18 周岁的志愿者须经监护人同意，填写签署承诺书的监护人姓名。"),
        ),
    ]


def template_workbook() -> bytes:
    """The import template: its headers, text-formatted number columns, drop-down lists, and a
    second sheet saying what each column takes. Re-imported as it is filled in."""
    with translation.override("zh-hans"):
        genders = [str(label) for label in Gender.labels]
        political = [str(label) for label in Volunteer.Political.labels]
    return build_template(
        title="志愿者信息",
        headers=[header for _field, header in COLUMNS],
        formats=dataclasses.replace(FORMATS, default_width=11),
        choices={"性别": genders, "政治面貌": political},
        max_rows=MAX_ROWS,
        help_rows=template_help(),
        note=_(
            "表头可以不在第一行，列的顺序可以调换。一个文件最多 %(limit)s 人。上传后先逐行检查"
            "（不写入任何数据），全部无误才能确认导入，所有人一次导入。每位志愿者须已签署"
            "《志愿者注册承诺书及个人信息处理告知》。"
        )
        % {"limit": MAX_ROWS},
    )
