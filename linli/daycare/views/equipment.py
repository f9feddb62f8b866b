"""The centre's rehabilitation equipment and beds: who has what, since when, overdue or not."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.daycare import access, queries
from linli.daycare.actions.centres import equipment_add, equipment_lend, equipment_return
from linli.daycare.forms import EquipmentForm, LendForm
from linli.daycare.models import Equipment, EquipmentLoan
from linli.people.models import Resident


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def equipment_page(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre, standing = access.get_centre_for_user(request.user, centre_id, need="care")
    form = EquipmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            equipment_add(centre=centre, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.attach_errors(error)
        else:
            messages.success(request, _("器材已登记。"))
            return redirect("daycare:equipment", centre_id=centre.pk)
    rows = queries.equipment_rows(centre)
    return render(
        request,
        "daycare/equipment.html",
        {
            "centre": centre,
            "standing": standing,
            "rows": rows,
            "form": form,
            "out": sum(row.loan is not None for row in rows),
            "overdue": sum(row.overdue for row in rows),
        },
    )


@require_POST
@login_required
def lend(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="care")
    form = LendForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "；".join(str(m) for errors in form.errors.values() for m in errors)
        )
        return redirect("daycare:equipment", centre_id=centre.pk)
    equipment = Equipment.objects.filter(centre=centre, pk=form.cleaned_data["equipment"]).first()
    if equipment is None:
        raise Http404("equipment")
    matches = list(
        Resident.objects.filter(
            station=centre.station,
            name=form.cleaned_data["name"].strip(),
            status=Resident.Status.LIVING,
        )[:2]
    )
    try:
        if len(matches) != 1:
            raise ValidationError(
                _("本站没有这位居民。")
                if not matches
                else _("有多位同名居民，请在托管对象页借出。")
            )
        equipment_lend(
            equipment=equipment,
            resident=matches[0],
            due_on=form.cleaned_data["due_on"],
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已借出。"))
    return redirect("daycare:equipment", centre_id=centre.pk)


@require_POST
@login_required
def give_back(request: HttpRequest, centre_id: int, loan_id: int) -> HttpResponse:
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="care")
    loan = EquipmentLoan.objects.filter(equipment__centre=centre, pk=loan_id).first()
    if loan is None:
        raise Http404("loan")
    try:
        equipment_return(loan=loan, actor=request.user)
    except (ValidationError, DomainError) as error:
        messages.error(request, getattr(error, "message", None) or "；".join(error.messages))  # type: ignore[union-attr]
    else:
        messages.success(request, _("已归还。"))
    return redirect("daycare:equipment", centre_id=centre.pk)
