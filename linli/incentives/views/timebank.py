"""时间银行 pages: the volunteer's passbook (存入 / 取出 / 转赠 / 结余) with the forms to deposit
verified hours, give hours to a family member and donate to the pool, and the passbook as PDF;
for staff the station's pool (公益池): its balance and entries, its decisions, and a request
found as you type paid from it after a question."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from linli.core.confirm import hours_text, pool_question
from linli.core.errors import DomainError
from linli.incentives import access
from linli.incentives.actions.timebank import (
    DONE_STATUSES,
    depositable_hours,
    timebank_deposit,
    timebank_donate,
    timebank_pool_pay,
    timebank_transfer,
)
from linli.incentives.forms import HoursForm, PoolPayForm, SearchForm, TransferForm
from linli.incentives.queries import passbook, pool_balance, pool_payments, pool_requests
from linli.incentives.views.common import refusal_text, refused_message, station_code
from linli.ledger.models import Account, LedgerEntry
from linli.org.models import Station
from linli.volunteers.models import Volunteer

POOL_TEMPLATE = "incentives/pool.html"


def family_accounts(volunteer: Volunteer) -> list[Volunteer]:
    household = volunteer.person.household_id
    if household is None:
        return []
    return list(
        Volunteer.objects.filter(person__household_id=household, status=Volunteer.Status.ACTIVE)
        .exclude(pk=volunteer.pk)
        .select_related("person")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def timebank(request: HttpRequest) -> HttpResponse:
    volunteer = access.own_volunteer(request.user)
    family = family_accounts(volunteer)
    if request.method == "POST":
        what = request.POST.get("form")
        try:
            if what == "transfer":
                form = TransferForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("请填写正确的时长和家庭成员。"))
                receiver = next(
                    (m for m in family if m.pk == form.cleaned_data["to_volunteer"]), None
                )
                if receiver is None:
                    raise ValidationError(_("时间只能转赠给同户的家庭成员。"))
                timebank_transfer(
                    giver=volunteer,
                    receiver=receiver,
                    hours=form.cleaned_data["hours"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
                messages.success(request, _("已转赠。"))
            elif what in ("deposit", "donate"):
                hours_form = HoursForm(request.POST)
                if not hours_form.is_valid():
                    raise ValidationError(_("时长须大于 0，最多两位小数。"))
                hours = hours_form.cleaned_data["hours"]
                if what == "deposit":
                    timebank_deposit(volunteer=volunteer, hours=hours, actor=request.user)
                    messages.success(request, _("已存入时间银行。"))
                else:
                    timebank_donate(volunteer=volunteer, hours=hours, actor=request.user)
                    messages.success(request, _("已捐入本站公益池，谢谢您！"))
        except (DomainError, ValidationError) as error:
            refused_message(request, error)
        return redirect("incentives:timebank")
    return render(
        request,
        "incentives/timebank.html",
        {
            "volunteer": volunteer,
            "book": passbook(volunteer),
            "depositable": depositable_hours(volunteer),
            "cap": settings.TIMEBANK_CAP_HOURS,
            "family": family,
            "pool": pool_balance(volunteer.station),
        },
    )


@login_required
@require_safe
def timebank_pdf(request: HttpRequest) -> HttpResponse:
    from linli.incentives.exports import passbook_pdf  # ReportLab loads on first use

    volunteer = access.own_volunteer(request.user)
    response = HttpResponse(passbook_pdf(volunteer), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, f"时间银行存折-{volunteer.person.name}.pdf") or "inline"
    )
    return response


def _pool_context(request: HttpRequest, station: Station, q: str) -> dict[str, Any]:
    """The pool's balance, entries and decisions, and the requests the search finds, each with
    the question its button asks (the hours it will take, read from the rows)."""
    held = pool_balance(station)
    found = pool_requests(station, q)
    return {
        "station": station,
        "stations": access.run_stations(request.user),
        "pool": held,
        "q": q,
        "searched": bool(q),
        "entries": LedgerEntry.objects.filter(
            station=station, account=Account.TIMEBANK_POOL
        ).order_by("-served_on", "-pk")[:20],
        "payments": pool_payments(station)[:20],
        "found": [
            (
                service_request,
                pool_question(
                    number=service_request.pk,
                    name=service_request.requester_name,
                    pool=held,
                    hours=service_request.hours
                    if service_request.status in DONE_STATUSES
                    else None,
                ),
            )
            for service_request in found
        ],
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pool(request: HttpRequest) -> HttpResponse:
    """公益池, staff who run the station: GET `q` finds its requests the pool may pay for
    (htmx: the list only); POST `service_request` lets the pool pay, through the action the API
    calls (htmx: the page's pool section with what happened)."""
    if not access.can_run_any(request.user):
        raise PermissionDenied("pool")
    station = access.get_run_station(request.user, station_code(request))
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    search = SearchForm(request.POST if request.method == "POST" else request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    if request.method != "POST":
        context = _pool_context(request, station, q)
        return render(request, f"{POOL_TEMPLATE}#found" if htmx else POOL_TEMPLATE, context)
    done = error = ""
    form = PoolPayForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择要支付的点单。"))
        found = access.get_pool_request(request.user, form.cleaned_data["service_request"])
        if found.station_id != station.pk:
            raise Http404("service_request")
        payment = timebank_pool_pay(service_request=found, actor=request.user)
    except (DomainError, ValidationError) as refused:
        error = refusal_text(refused)
    else:
        if payment.hours_paid is not None:
            done = _("已从公益池支付第%(number)s号点单 %(hours)s 小时。") % {
                "number": found.pk,
                "hours": hours_text(payment.hours_paid),
            }
        else:
            done = _("已决定由公益池支付第%(number)s号点单，服务完成时扣除。") % {
                "number": found.pk
            }
    if not htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect(f"{request.path}?station={station.code}")
    context = _pool_context(request, station, q) | {"done": done, "error": error}
    return render(request, f"{POOL_TEMPLATE}#pool", context)
