"""月度结算: a month's meals, price, subsidy and payable amounts per funder and tier, to the fen,
with its downloads (xlsx for a funder, the PDF statement), closing (关账) and corrections booked
into a later month.

Read by those who read the canteen (supervisors too); closed and corrected by station staff or
admin (`access.sets_policy`). The figures are `settlement.settlement_of`, from rows.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.canteen import access
from linli.canteen.actions import settlement_adjust, settlement_close
from linli.canteen.forms import AdjustmentForm
from linli.canteen.models import Funder, SettlementMonth, SubsidyTier
from linli.canteen.settlement import (
    month_ended,
    next_month,
    parse_month,
    previous_month,
    settlement_of,
)
from linli.canteen.views.common import tell_refusal
from linli.core.errors import DomainError
from linli.core.xlsx import xlsx_response
from linli.org.models import Station


def _station(request: HttpRequest) -> Station:
    if not access.can_read_any(request.user):
        raise PermissionDenied("settlement")
    code = request.POST.get("station") or request.GET.get("station")
    return access.get_read_station(request.user, code)


def _month(request: HttpRequest) -> date:
    """The month asked for, else the last one (the one to settle)."""
    chosen = parse_month(request.POST.get("month") or request.GET.get("month") or "")
    return chosen or previous_month(timezone.localdate().replace(day=1))


def _url(station: Station, month: date) -> str:
    return f"{reverse('canteen:settlement')}?station={station.code}&month={month:%Y-%m}"


def _funder_id(request: HttpRequest, station: Station) -> int | None:
    raw = request.GET.get("funder") or ""
    if not raw.isdigit() or len(raw) > 18:
        return None
    found = Funder.objects.filter(pk=int(raw), station=station).values_list("pk", flat=True)
    return found.first()


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def settlement(request: HttpRequest) -> HttpResponse:
    station = _station(request)
    month = _month(request)
    policy = access.sets_policy(request.user, station)
    funders = Funder.objects.filter(station=station).order_by("id")
    tiers = (
        SubsidyTier.objects.filter(station=station)
        .select_related("funder")
        .order_by("funder_id", "min_age", "tag", "effective_from")
    )
    form = AdjustmentForm(
        request.POST if request.method == "POST" else None,
        funders=funders,
        tiers=tiers,
        initial={"corrects_month": f"{previous_month(month):%Y-%m}"},
    )
    if request.method == "POST":
        if not policy:
            raise PermissionDenied("settlement")
        if form.is_valid():
            corrects = parse_month(form.cleaned_data["corrects_month"])
            if corrects is None:
                form.add_error("corrects_month", _("月份请写成 2026-05 这样。"))
            else:
                try:
                    settlement_adjust(
                        station=station,
                        data=form.adjustment_input(month, corrects),
                        actor=request.user,
                    )
                except ValidationError as error:
                    form.attach_errors(error)
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    messages.success(request, _("更正已计入本月。"))
                    return redirect(_url(station, month))
    figures = settlement_of(station, month)
    today = timezone.localdate()
    closed_months = set(
        SettlementMonth.objects.filter(station=station).values_list("month", flat=True)
    )
    return render(
        request,
        "canteen/settlement.html",
        {
            "station": station,
            "stations": list(access.read_stations(request.user).order_by("path", "code")),
            "month": month,
            "previous": previous_month(month),
            "next": next_month(month) if next_month(month) <= today else None,
            "settlement": figures,
            "policy": policy,
            "can_close": policy and figures.closed is None and month_ended(month, today),
            "can_adjust": policy
            and figures.closed is None
            and month <= today.replace(day=1)
            and bool(closed_months),
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@require_POST
@login_required
def settlement_close_view(request: HttpRequest) -> HttpResponse:
    station = _station(request)
    if not access.sets_policy(request.user, station):
        raise PermissionDenied("settlement")
    month = _month(request)
    try:
        settlement_close(station=station, month=month, actor=request.user)
    except DomainError as error:
        tell_refusal(request, error)
    else:
        messages.success(
            request, _("%(month)s 已关账，数字不再变化。") % {"month": f"{month:%Y-%m}"}
        )
    return redirect(_url(station, month))


def _filename(station: Station, month: date, funder_id: int | None, suffix: str) -> str:
    funder = (
        Funder.objects.filter(pk=funder_id).values_list("name", flat=True).first()
        if funder_id is not None
        else None
    )
    who = f"-{funder}" if funder else ""
    return f"{station.name}-助餐结算-{month:%Y-%m}{who}.{suffix}"


@require_safe
@login_required
def settlement_xlsx_view(request: HttpRequest) -> HttpResponse:
    station = _station(request)
    month = _month(request)
    funder_id = _funder_id(request, station)
    from linli.canteen.exports import settlement_xlsx  # openpyxl and ReportLab load on first use

    content = settlement_xlsx(settlement_of(station, month), funder_id=funder_id)
    return xlsx_response(content, _filename(station, month, funder_id, "xlsx"))


@require_safe
@login_required
def settlement_pdf_view(request: HttpRequest) -> HttpResponse:
    station = _station(request)
    month = _month(request)
    funder_id = _funder_id(request, station)
    from linli.canteen.exports import settlement_pdf  # ReportLab and its font load on first use

    content = settlement_pdf(settlement_of(station, month), funder_id=funder_id)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, _filename(station, month, funder_id, "pdf")) or "inline"
    )
    return response
