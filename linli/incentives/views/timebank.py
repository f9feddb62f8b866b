"""时间银行 pages: the volunteer's passbook (存入 / 取出 / 转赠 / 结余) with the forms to deposit
verified hours, give hours to a family member and donate to the pool, and the passbook as PDF."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from linli.core.errors import DomainError
from linli.incentives import access
from linli.incentives.actions.timebank import (
    depositable_hours,
    timebank_deposit,
    timebank_donate,
    timebank_transfer,
)
from linli.incentives.exports import passbook_pdf
from linli.incentives.forms import HoursForm, TransferForm
from linli.incentives.queries import passbook, pool_balance
from linli.incentives.views.common import refused_message
from linli.volunteers.models import Volunteer


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
    volunteer = access.own_volunteer(request.user)
    response = HttpResponse(passbook_pdf(volunteer), content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, f"时间银行存折-{volunteer.person.name}.pdf") or "inline"
    )
    return response
