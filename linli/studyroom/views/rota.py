"""The tutors' rota (`/study-room/<id>/rota/`): the coming weeks' shifts, who is on duty today,
and confirming the shifts served (their hours go to the ledger)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.core.categories import ServiceCategory
from linli.core.errors import DomainError
from linli.studyroom import access
from linli.studyroom.actions import rota
from linli.studyroom.forms import ShiftForm
from linli.studyroom.models import Shift, StudyRoom
from linli.volunteers.models import Volunteer


def tutors_of(room: StudyRoom) -> object:
    return (
        Volunteer.objects.filter(
            station=room.station,
            status=Volunteer.Status.ACTIVE,
            categories__category=ServiceCategory.EDUCATION,
        )
        .select_related("person")
        .order_by("person__name_pinyin")
        .distinct()
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rota_page(request: HttpRequest, room_id: int) -> HttpResponse:
    room, standing = access.get_room_for_user(request.user, room_id, need="manage")
    form = ShiftForm(request.POST or None, tutors=tutors_of(room))
    if request.method == "POST" and form.is_valid():
        try:
            rota.shift_add(
                room=room,
                volunteer=form.cleaned_data["volunteer"],
                day=form.cleaned_data["day"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, "；".join(error.messages))
        else:
            messages.success(request, _("已排班。"))
            return redirect("studyroom:rota", room_id=room.pk)
    today = timezone.localdate()
    shifts = (
        Shift.objects.filter(room=room, day__gte=today - timedelta(days=14))
        .filter(day__lte=today + timedelta(days=28))
        .select_related("volunteer__person", "ledger_entry")
        .order_by("day", "starts_at")
    )
    return render(
        request,
        "studyroom/rota.html",
        {"room": room, "standing": standing, "form": form, "shifts": shifts, "today": today,
         "now": timezone.now()},
    )  # fmt: skip


def _shift(request: HttpRequest, room_id: int, shift_id: int) -> Shift:
    room, _standing = access.get_room_for_user(request.user, room_id, need="manage")
    shift = (
        Shift.objects.select_related("room__station", "volunteer")
        .filter(room=room, pk=shift_id)
        .first()
    )
    if shift is None:
        raise Http404("shift")
    return shift


@login_required
@require_POST
def shift_confirm(request: HttpRequest, room_id: int, shift_id: int) -> HttpResponse:
    shift = _shift(request, room_id, shift_id)
    try:
        rota.shift_confirm(shift=shift, actor=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已确认，时长记入服务记录。"))
    return redirect("studyroom:rota", room_id=room_id)


@login_required
@require_POST
def shift_remove(request: HttpRequest, room_id: int, shift_id: int) -> HttpResponse:
    shift = _shift(request, room_id, shift_id)
    try:
        rota.shift_remove(shift=shift, actor=request.user)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已取消这次值班。"))
    return redirect("studyroom:rota", room_id=room_id)
