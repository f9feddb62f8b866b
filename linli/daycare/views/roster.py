"""The day's roster of a centre (`/daycare/<id>/day/`), made for a phone or a tablet at the door:
one large button per member — a tap checks them in, the next tap out —, the member's card QR
read by a scanner or pasted, and a form for a time by hand. The count of the day updates with
every tap (htmx, out of band); without scripts every button is a plain form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from linli.core.errors import DomainError
from linli.daycare import access
from linli.daycare.actions import attendance
from linli.daycare.forms import ManualForm, ScanForm
from linli.daycare.models import AttendanceMethod, Centre, MemberStatus
from linli.daycare.queries import Day, RosterRow, day_of
from linli.elders.forms import now_local


def _members(centre: Centre) -> Any:
    return (
        centre.members.filter(status=MemberStatus.ACTIVE)
        .select_related("resident")
        .order_by("resident__name_pinyin")
    )


def _context(centre: Centre, day: Day, **extra: Any) -> dict[str, Any]:
    return {"centre": centre, "day": day, **extra}


@require_safe
@login_required
def day_page(request: HttpRequest, centre_id: int) -> HttpResponse:
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="attend")
    day = day_of(centre)
    if request.GET.get("part") == "summary":
        return render(request, "daycare/day.html#summary", _context(centre, day))
    return render(
        request,
        "daycare/day.html",
        _context(
            centre,
            day,
            scan_form=ScanForm(),
            manual_form=ManualForm(members=_members(centre), initial={"at": now_local()}),
        ),
    )


def _tile_response(
    request: HttpRequest, centre: Centre, membership_id: int, note: str = "", error: str = ""
) -> HttpResponse:
    day = day_of(centre)
    row: RosterRow | None = next(
        (row for row in day.rows if row.membership.pk == membership_id), None
    )
    return render(
        request,
        "daycare/day.html#tap",
        _context(centre, day, row=row, note=note, error=error),
    )


@require_POST
@login_required
def tap(request: HttpRequest, centre_id: int, membership_id: int) -> HttpResponse:
    """A tap on a member's button: in if they are out, out if they are in."""
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="attend")
    membership = access.get_membership(centre, membership_id)
    note, error = "", ""
    try:
        recorded = attendance.attendance_toggle(
            centre=centre,
            resident=membership.resident,
            actor=request.user,
            method=AttendanceMethod.ROSTER,
        )
    except DomainError as refused:
        error = refused.message
    else:
        when = timezone.localtime(
            recorded.stay.in_at if recorded.kind == attendance.IN else recorded.stay.out_at
        ).strftime("%H:%M")
        note = (_("%(time)s 签到") if recorded.kind == attendance.IN else _("%(time)s 签退")) % {
            "time": when
        }
    if request.htmx:  # type: ignore[attr-defined]
        return _tile_response(request, centre, membership.pk, note=note, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{membership.resident.name} {note}")
    return redirect("daycare:day", centre_id=centre.pk)


@require_POST
@login_required
def scan(request: HttpRequest, centre_id: int) -> HttpResponse:
    """The member's card QR, read by a scanner into the field (or a pasted card link)."""
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="attend")
    form = ScanForm(request.POST)
    if form.is_valid():
        try:
            recorded = attendance.attendance_by_card(
                centre=centre, scanned=form.cleaned_data["scanned"], actor=request.user
            )
        except DomainError as refused:
            messages.error(request, refused.message)
        else:
            name = recorded.stay.resident.name
            messages.success(
                request,
                (_("%(name)s 已签到") if recorded.kind == attendance.IN else _("%(name)s 已签退"))
                % {"name": name},
            )
    else:
        messages.error(request, _("没有读到居民卡。"))
    return redirect("daycare:day", centre_id=centre.pk)


@require_POST
@login_required
def manual(request: HttpRequest, centre_id: int) -> HttpResponse:
    """By hand with a time (a member who came without their card, a time to put right)."""
    centre, _standing = access.get_centre_for_user(request.user, centre_id, need="attend")
    form = ManualForm(request.POST, members=_members(centre))
    if form.is_valid():
        data = form.cleaned_data
        record = (
            attendance.attendance_check_in
            if data["kind"] == attendance.IN
            else attendance.attendance_check_out
        )
        try:
            record(
                centre=centre,
                resident=data["membership"].resident,
                actor=request.user,
                method=AttendanceMethod.MANUAL,
                at=data["at"],
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        except DomainError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("已登记。"))
    else:
        messages.error(
            request,
            "；".join(str(message) for errors in form.errors.values() for message in errors),
        )
    return redirect("daycare:day", centre_id=centre.pk)


@require_safe
@login_required
def home_card(request: HttpRequest) -> HttpResponse:
    """The caregiver's home card: the day at each centre they work at, with the way to its roster."""
    centre_ids = access.caregiver_centre_ids(request.user)
    centres = Centre.objects.filter(pk__in=centre_ids).order_by("opened_on")
    return render(
        request,
        "daycare/home_card.html",
        {"rows": [(centre, day_of(centre)) for centre in centres]},
    )
