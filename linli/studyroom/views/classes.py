"""Interest classes (`/study-room/<id>/classes/`): the classes and, on a class's page, its
pupils, enrolment (staff) and the day's register (staff and the tutor on duty)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.core.errors import DomainError
from linli.studyroom import access
from linli.studyroom.actions import classes
from linli.studyroom.forms import ClassForm
from linli.studyroom.models import ClassAttendance, InterestClass, PupilStatus, StudyRoom
from linli.studyroom.views.rota import tutors_of


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def class_list(request: HttpRequest, room_id: int) -> HttpResponse:
    room, standing = access.get_room_for_user(request.user, room_id, need="day")
    form = ClassForm(request.POST or None, tutors=tutors_of(room)) if standing.manages else None
    if request.method == "POST":
        if form is None:
            raise Http404("room")
        if form.is_valid():
            data = form.cleaned_data
            try:
                classes.class_create(
                    room=room,
                    data=classes.ClassInput(
                        data["kind"], data["name"], data["weekday"], data["starts"],
                        data["ends"], data["capacity"], data["tutor"],
                    ),
                    actor=request.user,
                )  # fmt: skip
            except ValidationError as error:
                form.add_error(None, "；".join(error.messages))
            else:
                messages.success(request, _("已新建兴趣班。"))
                return redirect("studyroom:classes", room_id=room.pk)
    rows = (
        InterestClass.objects.filter(room=room, active=True)
        .select_related("tutor__person")
        .annotate(enrolled=Count("enrolments", filter=Q(enrolments__left_on__isnull=True)))
    )
    return render(
        request,
        "studyroom/classes.html",
        {"room": room, "standing": standing, "form": form, "classes": rows},
    )


def _last_session(weekday: int) -> date:
    today = timezone.localdate()
    return today - timedelta(days=(today.weekday() - weekday) % 7)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def class_page(request: HttpRequest, room_id: int, class_id: int) -> HttpResponse:
    room, standing = access.get_room_for_user(request.user, room_id, need="day")
    interest_class = _class(room, class_id)
    session = _last_session(interest_class.weekday)
    if request.method == "POST":
        present = [int(value) for value in request.POST.getlist("present") if value.isdigit()
                   and len(value) <= 18]  # fmt: skip
        try:
            came = classes.class_attendance_record(
                interest_class=interest_class, day=session, present=present, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("已记录出勤：%(count)s 人。") % {"count": came})
        return redirect("studyroom:class", room_id=room.pk, class_id=interest_class.pk)
    enrolments = (
        interest_class.enrolments.filter(left_on__isnull=True, pupil__status=PupilStatus.ACTIVE)
        .select_related("pupil__resident")
        .order_by("pupil__resident__name_pinyin")
    )
    marked = set(
        ClassAttendance.objects.filter(
            interest_class=interest_class, day=session, present=True
        ).values_list("pupil_id", flat=True)
    )
    others = (
        room.pupils.filter(status=PupilStatus.ACTIVE)
        .exclude(pk__in=enrolments.values("pupil_id"))
        .select_related("resident")
        .order_by("resident__name_pinyin")
        if standing.manages
        else []
    )
    sessions = (
        ClassAttendance.objects.filter(interest_class=interest_class)
        .values("day")
        .annotate(came=Count("pk", filter=Q(present=True)), listed=Count("pk"))
        .order_by("-day")[:12]
    )
    return render(
        request,
        "studyroom/class.html",
        {"room": room, "standing": standing, "class": interest_class, "session": session,
         "enrolments": enrolments, "marked": marked, "others": others, "sessions": sessions},
    )  # fmt: skip


def _class(room: StudyRoom, class_id: int) -> InterestClass:
    found = (
        InterestClass.objects.select_related("tutor__person").filter(room=room, pk=class_id).first()
    )
    if found is None:
        raise Http404("class")
    return found


@login_required
@require_POST
def class_enrol(request: HttpRequest, room_id: int, class_id: int) -> HttpResponse:
    room, _standing = access.get_room_for_user(request.user, room_id, need="manage")
    interest_class = _class(room, class_id)
    pupil_id = request.POST.get("pupil", "")
    if not pupil_id.isdigit() or len(pupil_id) > 18:
        raise Http404("pupil")
    pupil = access.get_pupil(room, int(pupil_id))
    try:
        classes.class_enrol(interest_class=interest_class, pupil=pupil, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("已报名。"))
    return redirect("studyroom:class", room_id=room.pk, class_id=interest_class.pk)
