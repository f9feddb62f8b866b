"""The supervisors' roll-up of a 所 or a 中心 and its workbook (admin and supervisors over their
subtree; station staff reach their own station only, which has no roll-up of its own)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from linli.accounts.access import STATS_ROLES, get_stats_station_for_user, role_required
from linli.core.xlsx import xlsx_response
from linli.org.models import Station
from linli.reports import rollup as rolled
from linli.reports.periods import PARTS, period_from, year_choices


@require_safe
@login_required
@role_required(*STATS_ROLES)
def rollup(request: HttpRequest, code: str) -> HttpResponse:
    root = get_stats_station_for_user(request.user, code)
    if root.kind == Station.Kind.STATION:
        return redirect("reports:dashboard", code=root.code)
    period = period_from(request.GET, default_part="month")
    rank_by = request.GET.get("rank", "people_served")
    if rank_by not in rolled.ROLLUP_METRICS:
        raise BadRequest("rank")
    context = {
        "root": root,
        "period": period,
        "years": year_choices(),
        "parts": PARTS,
        "rank_by": rank_by,
        **rolled.rollup_context(root, period, rank_by),
    }
    return render(request, "reports/rollup.html", context)


@require_safe
@login_required
@role_required(*STATS_ROLES)
def rollup_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    root = get_stats_station_for_user(request.user, code)
    period = period_from(request.GET)
    content = rolled.workbook(root, period)
    return xlsx_response(content, f"{root.name}-{period.year}-{period.part}.xlsx")
