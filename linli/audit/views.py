"""The audit log: read-only, newest first, in words (登录成功, 确认服务时长, 状态：待审核 → 已派单);
the export carries the action codes and the stored values beside the words, for machines."""

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from linli.accounts import access
from linli.audit import labels
from linli.audit.models import AuditLog
from linli.core.xlsx import ColumnFormats, append_row, header_sheet, workbook_bytes, xlsx_response

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
MAX_FILTER = 64


@dataclass(frozen=True)
class Row:
    entry: AuditLog
    action: str
    changes: list[str]


def _filtered(request: HttpRequest) -> tuple[QuerySet[AuditLog], str, str]:
    if not access.can_read_audit(request.user):
        raise PermissionDenied
    rows = AuditLog.objects.filter(access.audit_station_filter(request.user)).select_related(
        "station"
    )
    action = request.GET.get("action", "").strip()[:MAX_FILTER].replace("\x00", "")
    actor = request.GET.get("actor", "").strip()[:MAX_FILTER].replace("\x00", "")
    if action:
        # The words a reader sees, or the code the export shows.
        codes = [code for code, label in _all_labels() if action in label]
        rows = rows.filter(Q(action__startswith=action) | Q(action__in=codes))
    if actor:
        rows = rows.filter(actor_label__contains=actor)
    return rows, action, actor


def _all_labels() -> list[tuple[str, str]]:
    return [
        *((code, str(label)) for code, label in labels.ACTIONS.items()),
        *((code, str(label)) for code, label in labels.MOVES.items()),
    ]


@require_safe
@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit log, read-only, newest first, filtered by what was done or the actor's phone."""
    rows, action, actor = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "rows": [
            Row(
                entry,
                labels.action_label(entry.action),
                labels.changes(entry.action, entry.before, entry.after),
            )
            for entry in page
        ],
        "action": action,
        "actor": actor,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "audit/audit_list.html#rows", context)
    return render(request, "audit/audit_list.html", context)


HEADERS = [
    "时间",
    "操作人",
    "操作",
    "操作代码",
    "对象类型",
    "对象编号",
    "对象",
    "站点",
    "变更",
    "变更前",
    "变更后",
    "IP",
]
FORMATS = ColumnFormats(
    widths={
        "时间": 18,
        "操作": 20,
        "操作代码": 28,
        "对象": 24,
        "变更": 40,
        "变更前": 30,
        "变更后": 30,
    },
    text=frozenset(HEADERS),
)


@require_safe
@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as xlsx (at most EXPORT_LIMIT rows, newest first): the words and, for
    machines, the action code and the stored before/after JSON."""
    import openpyxl  # type: ignore[import-untyped]  # loads on first use, not in every worker

    rows, _action, _actor = _filtered(request)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = header_sheet(workbook, "审计日志", HEADERS, FORMATS)
    for entry in rows[:EXPORT_LIMIT].iterator(chunk_size=2000):
        append_row(
            sheet,
            HEADERS,
            [
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_label,
                labels.action_label(entry.action),
                entry.action,
                entry.target_type,
                entry.target_id,
                entry.target_repr,
                entry.station.name if entry.station else "",
                "\n".join(labels.changes(entry.action, entry.before, entry.after)),
                json.dumps(entry.before, ensure_ascii=False) if entry.before is not None else "",
                json.dumps(entry.after, ensure_ascii=False) if entry.after is not None else "",
                entry.ip or "",
            ],
            FORMATS,
        )
    return xlsx_response(workbook_bytes(workbook), f"审计日志-{timezone.localdate():%Y%m%d}.xlsx")
