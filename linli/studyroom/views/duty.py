"""The tutor on duty's phone page (`/study-room/<id>/duty/`): who is in, who has left and with
whom, who has not come. One large button checks a pupil in; a pupil who is in shows their
guardians as buttons — a tap hands the pupil over — and a field for the guardian's card QR.
Anyone not on the list is refused there and then, and the staff are told. Every button is a
plain form; with htmx the pupil's tile and the counts are swapped in place.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from linli.core.errors import DomainError
from linli.people.models import Resident
from linli.studyroom import access, queries
from linli.studyroom.actions import day
from linli.studyroom.forms import ScanForm
from linli.studyroom.models import PickupMethod, Pupil, StudyRoom
from linli.studyroom.queries import Board


def _context(room: StudyRoom, board: Board, **extra: Any) -> dict[str, Any]:
    return {"room": room, "board": board, "scan_form": ScanForm(), **extra}


@require_safe
@login_required
def duty_page(request: HttpRequest, room_id: int) -> HttpResponse:
    room, standing = access.get_room_for_user(request.user, room_id, need="day")
    board = queries.board_of(room)
    return render(request, "studyroom/duty.html", _context(room, board, standing=standing))


def _respond(
    request: HttpRequest, room: StudyRoom, pupil: Pupil, note: str = "", error: str = ""
) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        board = queries.board_of(room)
        row = next((row for row in board.rows if row.pupil.pk == pupil.pk), None)
        return render(
            request,
            "studyroom/duty.html#tap",
            _context(room, board, row=row, note=note, error=error),
        )
    if error:
        messages.error(request, error)
    elif note:
        messages.success(request, note)
    return redirect("studyroom:duty", room_id=room.pk)


def _day_pupil(request: HttpRequest, room_id: int, pupil_id: int) -> tuple[StudyRoom, Pupil]:
    room, _standing = access.get_room_for_user(request.user, room_id, need="day")
    return room, access.get_pupil(room, pupil_id)


@require_POST
@login_required
def check_in(request: HttpRequest, room_id: int, pupil_id: int) -> HttpResponse:
    room, pupil = _day_pupil(request, room_id, pupil_id)
    name = pupil.resident.name if pupil.resident else ""
    try:
        day.stay_check_in(room=room, pupil=pupil, actor=request.user)
    except (DomainError, ValidationError) as refused:
        return _respond(request, room, pupil, error=_message(refused))
    return _respond(request, room, pupil, note=_("%(name)s 已到") % {"name": name})


def _message(refused: DomainError | ValidationError) -> str:
    if isinstance(refused, DomainError):
        return refused.message
    return "；".join(refused.messages)


@require_POST
@login_required
def pick_up(request: HttpRequest, room_id: int, pupil_id: int) -> HttpResponse:
    """A guardian chosen from the pupil's list (`person`), or their card scanned (`scanned`)."""
    room, pupil = _day_pupil(request, room_id, pupil_id)
    name = pupil.resident.name if pupil.resident else ""
    scanned = request.POST.get("scanned", "")
    try:
        if scanned:
            form = ScanForm(request.POST)
            if not form.is_valid():
                raise DomainError("card_invalid", _("没有读到居民卡。"), status=400)
            stay = day.stay_pick_up_by_card(
                room=room, pupil=pupil, scanned=form.cleaned_data["scanned"], actor=request.user
            )
        else:
            person_id = request.POST.get("person", "")
            person = (
                Resident.objects.filter(pk=int(person_id)).first()
                if person_id.isdigit() and len(person_id) <= 18
                else None
            )
            stay = day.stay_pick_up(
                room=room, pupil=pupil, person=person, actor=request.user,
                method=PickupMethod.CHOSEN,
            )  # fmt: skip
    except (DomainError, ValidationError) as refused:
        return _respond(request, room, pupil, error=_message(refused))
    taker = stay.picked_up_by.name if stay.picked_up_by else ""
    return _respond(
        request,
        room,
        pupil,
        note=_("%(name)s 已由 %(taker)s 接走") % {"name": name, "taker": taker},
    )


@require_safe
@login_required
def duty_home(request: HttpRequest) -> HttpResponse:
    """The tutor's way in: today's room, if they are on duty."""
    room_ids = sorted(access.duty_room_ids(request.user))
    if not room_ids:
        raise Http404("duty")
    return redirect("studyroom:duty", room_id=room_ids[0])
