"""The study room's pages for staff and guardians: the room, enrolment, a pupil's page."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import visible_stations
from linli.org.models import Station
from linli.people.models import Resident
from linli.studyroom import access, queries
from linli.studyroom.actions import pupils
from linli.studyroom.actions.rooms import RoomInput, room_create, room_update
from linli.studyroom.forms import (
    EnrolForm,
    GuardianForm,
    PickerForm,
    RoomForm,
    RoomSettingsForm,
)
from linli.studyroom.models import Guardian, Pupil, PupilStatus, StudyRoom


def _born_between(oldest: int, youngest: int) -> dict[str, date]:
    today = timezone.localdate()
    return {
        "birth_date__gt": today.replace(year=today.year - oldest - 1),
        "birth_date__lte": today.replace(year=today.year - youngest, day=min(today.day, 28)),
    }


def _errors(error: ValidationError) -> str:
    return "；".join(error.messages)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def room_list(request: HttpRequest) -> HttpResponse:
    """The rooms in reach; a guardian sees their children and the way to enrol; the staff of a
    station without a room open it here."""
    rooms = list(access.rooms_for_user(request.user).select_related("station"))
    on_duty = sorted(access.duty_room_ids(request.user))
    if on_duty and not any(access.standing_of(request.user, room).reads for room in rooms):
        return redirect("studyroom:duty", room_id=on_duty[0])
    if len(rooms) == 1 and not access.guardian_pupils(request.user).exists():
        return redirect("studyroom:room", room_id=rooms[0].pk)
    person = access.guardian_of(request.user)
    own_room = StudyRoom.objects.filter(station_id=person.station_id).first() if person else None
    children = access.guardian_pupils(request.user).select_related("resident", "room")
    runs = visible_stations(request.user, roles=access.RUN_ROLES).filter(
        kind=Station.Kind.STATION, study_room__isnull=True
    )
    station = runs.first() if runs.count() == 1 else None
    form = RoomForm(request.POST or None) if station is not None else None
    if request.method == "POST":
        if form is None or station is None:
            raise Http404("station")
        if form.is_valid():
            try:
                room = room_create(
                    station=station,
                    data=RoomInput(form.cleaned_data["name"], form.cleaned_data["place"]),
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, _errors(error))
            else:
                return redirect("studyroom:room", room_id=room.pk)
    return render(
        request,
        "studyroom/rooms.html",
        {"rooms": rooms, "own_room": own_room, "children": children, "form": form,
         "station": station},
    )  # fmt: skip


@login_required
def room_page(request: HttpRequest, room_id: int) -> HttpResponse:
    room, standing = access.get_room_for_user(request.user, room_id)
    board = queries.board_of(room) if standing.sees_pupils else None
    return render(
        request,
        "studyroom/room.html",
        {
            "room": room,
            "standing": standing,
            "board": board,
            "pupil_count": queries.pupil_count([room.station_id]),
            "year_days": queries.stays_in([room.station_id], timezone.localdate().year).count(),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def room_settings(request: HttpRequest, room_id: int) -> HttpResponse:
    """The room's times and retention period, kept by the station's staff."""
    room, standing = access.get_room_for_user(request.user, room_id, need="manage")
    initial = {name: getattr(room, name) for name in RoomSettingsForm.base_fields}
    form = RoomSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            room_update(room=room, data=RoomInput(**form.cleaned_data), actor=request.user)
        except ValidationError as error:
            form.attach_errors(error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("studyroom:room", room_id=room.pk)
    return render(
        request, "studyroom/settings.html", {"room": room, "standing": standing, "form": form}
    )


def _enrol_choices(
    request: HttpRequest, room: StudyRoom, manages: bool
) -> tuple[QuerySet[Resident], QuerySet[Resident]]:
    """Children the form offers, and the adults of the chosen child's household (for a
    guardian: their own household's children and adults)."""
    living = Resident.objects.filter(station=room.station, status=Resident.Status.LIVING)
    enrolled = Pupil.objects.filter(room=room, status=PupilStatus.ACTIVE).values("resident_id")
    if manages:
        children = living.filter(**_born_between(16, 5)).exclude(pk__in=enrolled)
        chosen = request.GET.get("child") or request.POST.get("child") or ""
        child_id = int(chosen) if chosen.isdigit() and len(chosen) <= 18 else 0
        household_id = living.filter(pk=child_id).values_list("household_id", flat=True).first()
    else:
        person = access.guardian_of(request.user)
        if person is None or person.station_id != room.station_id:
            raise Http404("room")
        household_id = person.household_id
        homes = [person.household_id] if person.household_id else []
        children = living.filter(household_id__in=homes, **_born_between(16, 5)).exclude(
            pk__in=enrolled
        )
    homes = [household_id] if household_id else []
    adults = living.filter(household_id__in=homes, **_born_between(120, 18))
    return children.order_by("name_pinyin"), adults.order_by("name_pinyin")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enrol(request: HttpRequest, room_id: int) -> HttpResponse:
    """Staff enter a paper form; a guardian enrols their own child online."""
    room = StudyRoom.objects.select_related("station").filter(pk=room_id).first()
    if room is None:
        raise Http404("room")
    manages = access.standing_of(request.user, room).manages
    children, adults = _enrol_choices(request, room, manages)
    form = EnrolForm(
        request.POST or None,
        children=children,
        adults=adults,
        initial={"child": request.GET.get("child")},
        picked=manages,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pupil = pupils.pupil_enrol(
                room=room,
                data=pupils.PupilInput(
                    child=data["child"],
                    guardians=list(data["guardians"]),
                    school=data["school"],
                    grade=data["grade"],
                    consent=data["consent"],
                    allergies=data["allergies"],
                    health_notes=data["health_notes"],
                    photo_consent=data["photo_consent"],
                    relation=data["relation"],
                ),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        except PermissionDenied as error:
            raise Http404("room") from error
        else:
            messages.success(request, _("已报名。"))
            if manages:
                return redirect("studyroom:pupil", room_id=room.pk, pupil_id=pupil.pk)
            return redirect("studyroom:list")
    chosen = str(form["child"].value() or "") if manages else ""
    child = (
        children.filter(pk=int(chosen)).first() if chosen.isdigit() and len(chosen) <= 18 else None
    )
    return render(
        request,
        "studyroom/enrol.html",
        {"room": room, "form": form, "manages": manages, "child": child},
    )


@login_required
@require_safe
def enrol_search(request: HttpRequest, room_id: int) -> HttpResponse:
    """htmx: the station's children not yet enrolled whose name, pinyin, ID tail or household
    phone matches `q` — the staff's picker on the paper-form enrolment page."""
    room, _standing = access.get_room_for_user(request.user, room_id, need="manage")
    form = PickerForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    children, _adults = _enrol_choices(request, room, manages=True)
    found = queries.enrol_candidates(children, q) if q else []
    return render(
        request,
        "studyroom/enrol.html#picker",
        {"room": room, "q": q, "found": found, "invalid": not form.is_valid()},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pupil_page(request: HttpRequest, room_id: int, pupil_id: int) -> HttpResponse:
    """A pupil: guardians (staff add and remove them), health notes (a button reads them, and
    the read is audited), leaving."""
    room = StudyRoom.objects.select_related("station").filter(pk=room_id).first()
    if room is None:
        raise Http404("room")
    pupil = access.get_pupil(room, pupil_id)
    if not access.may_read_pupil(request.user, pupil):
        raise Http404("pupil")
    standing = access.standing_of(request.user, room)
    health: dict[str, str] | None = None
    if request.method == "POST" and request.POST.get("reveal") and standing.sees_health:
        health = pupils.pupil_health_read(pupil=pupil, actor=request.user)
    adults = Resident.objects.filter(
        station=room.station,
        status=Resident.Status.LIVING,
        household_id__in=[pupil.resident.household_id if pupil.resident else 0],
    )
    return render(
        request,
        "studyroom/pupil.html",
        {
            "room": room,
            "pupil": pupil,
            "standing": standing,
            "health": health,
            "guardians": pupil.guardians.select_related("resident").order_by("added_at"),
            "guardian_form": GuardianForm(adults=adults) if standing.manages else None,
            "stays": pupil.stays.select_related("picked_up_by").order_by("-day")[:20],
        },
    )


def _managed_pupil(request: HttpRequest, room_id: int, pupil_id: int) -> Pupil:
    room, _standing = access.get_room_for_user(request.user, room_id, need="manage")
    return access.get_pupil(room, pupil_id)


@login_required
@require_POST
def guardian_add(request: HttpRequest, room_id: int, pupil_id: int) -> HttpResponse:
    pupil = _managed_pupil(request, room_id, pupil_id)
    adults = Resident.objects.filter(station=pupil.room.station, status=Resident.Status.LIVING)
    form = GuardianForm(request.POST, adults=adults)
    if form.is_valid():
        try:
            pupils.guardian_add(
                pupil=pupil,
                person=form.cleaned_data["person"],
                relation=form.cleaned_data["relation"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, _("已加入接送人名单。"))
    else:
        messages.error(request, _("请选择接送人。"))
    return redirect("studyroom:pupil", room_id=room_id, pupil_id=pupil.pk)


@login_required
@require_POST
def guardian_remove(
    request: HttpRequest, room_id: int, pupil_id: int, guardian_id: int
) -> HttpResponse:
    pupil = _managed_pupil(request, room_id, pupil_id)
    guardian = Guardian.objects.filter(pupil=pupil, pk=guardian_id).first()
    if guardian is None:
        raise Http404("guardian")
    try:
        pupils.guardian_remove(guardian=guardian, actor=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("已移出接送人名单，此人从现在起不能接走孩子。"))
    return redirect("studyroom:pupil", room_id=room_id, pupil_id=pupil.pk)


@login_required
@require_POST
def pupil_leave(request: HttpRequest, room_id: int, pupil_id: int) -> HttpResponse:
    pupil = _managed_pupil(request, room_id, pupil_id)
    try:
        left = pupils.pupil_leave(pupil=pupil, actor=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(
            request,
            _("已办理离开。孩子的信息将保留到 %(date)s，之后自动匿名化。")
            % {"date": left.purge_on.isoformat() if left.purge_on else ""},
        )
    return redirect("studyroom:room", room_id=room_id)
