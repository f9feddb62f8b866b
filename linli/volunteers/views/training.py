"""Training pages (志愿者管理培训制度): courses, their sessions, and the roll of who attended.

Every check goes through linli.volunteers.access: staff and supervisors of a station read its
courses; only staff keep courses, sessions and attendance. A team's required courses are set on
the team's page (`linli.teams.views`).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import role_required
from linli.core.errors import DomainError
from linli.org.models import Station
from linli.volunteers import access
from linli.volunteers.actions import training as training_actions
from linli.volunteers.forms.training import AttendanceForm, CourseForm, NameFilterForm, SessionForm
from linli.volunteers.models import Course, TrainingSession, Volunteer
from linli.volunteers.queries import (
    courses_with_counts,
    name_condition,
    roll_volunteers,
    sessions_with_counts,
)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _writable_station(request: HttpRequest) -> Station:
    """The station a new course goes to: the one the user runs, or `?station=`."""
    code = request.GET.get("station") or request.POST.get("station")
    return access.get_managed_station(request.user, code)


def _courses(request: HttpRequest, *, manage: bool = False) -> QuerySet[Course]:
    return access.staff_reach(Course.objects.select_related("station"), request.user, manage=manage)


@require_safe
@login_required
@role_required(*access.READ_ROLES)
def course_list(request: HttpRequest) -> HttpResponse:
    courses = courses_with_counts(_courses(request)).order_by("station__path", "name")
    return render(
        request,
        "volunteers/course_list.html",
        {"courses": courses, "can_create": access.can_manage_volunteers(request.user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@role_required(*access.WRITE_ROLES)
def course_create(request: HttpRequest) -> HttpResponse:
    station = _writable_station(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = training_actions.course_create(
                station=station,
                name=data["name"],
                hours=data["hours"],
                organizer=data["organizer"],
                content=data["content"],
                actor=request.user,
            )
        except ValidationError as error:
            form.attach_errors(error.message_dict)
        else:
            messages.success(request, _("已添加课程 %(name)s。") % {"name": course.name})
            return redirect("volunteers:course_detail", course_id=course.pk)
    return render(request, "volunteers/course_form.html", {"form": form, "station": station})


@require_safe
@login_required
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_object_or_404(_courses(request), pk=course_id)
    can_manage = _courses(request, manage=True).filter(pk=course.pk).exists()
    return render(
        request,
        "volunteers/course_detail.html",
        {
            "course": course,
            "sessions": sessions_with_counts(course),
            "teams": course.required_by.order_by("name"),
            "can_manage": can_manage,
            "session_form": SessionForm() if can_manage else None,
        },
    )


@require_POST
@login_required
def session_create(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_object_or_404(_courses(request, manage=True), pk=course_id)
    form = SessionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = training_actions.session_create(
                course=course,
                held_on=data["held_on"],
                place=data["place"],
                trainer=data["trainer"],
                actor=request.user,
            )
        except ValidationError as error:
            form.attach_errors(error.message_dict)
        else:
            messages.success(request, _("已添加培训场次。"))
            return redirect("volunteers:session_detail", course_id=course.pk, session_id=session.pk)
    return render(
        request,
        "volunteers/course_detail.html",
        {
            "course": course,
            "sessions": sessions_with_counts(course),
            "teams": course.required_by.order_by("name"),
            "can_manage": True,
            "session_form": form,
        },
        status=422,
    )


def _session(
    request: HttpRequest, course_id: int, session_id: int, *, manage: bool = False
) -> TrainingSession:
    sessions = access.staff_reach(
        TrainingSession.objects.select_related("course__station"),
        request.user,
        manage=manage,
        station_field="course__station",
    )
    return get_object_or_404(sessions, pk=session_id, course_id=course_id)


def _roll_context(
    session: TrainingSession, volunteers: QuerySet[Volunteer], q: str, checked: set[int]
) -> dict[str, Any]:
    """The roll's checkboxes: those matching the filter, with the checked ones outside it kept
    as hidden inputs so filtering never loses a tick."""
    shown = list(volunteers.filter(name_condition(q)) if q else volunteers)
    shown_ids = {volunteer.pk for volunteer in shown}
    return {
        "session": session,
        "shown": shown,
        "checked": checked,
        "hidden_checked": sorted(checked - shown_ids),
        "q": q,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def session_detail(request: HttpRequest, course_id: int, session_id: int) -> HttpResponse:
    """The session and its roll; staff tick who attended (filter by name or pinyin initials)."""
    session = _session(request, course_id, session_id)
    can_manage = access.staff_reach(
        TrainingSession.objects.filter(pk=session.pk),
        request.user,
        manage=True,
        station_field="course__station",
    ).exists()
    if request.method == "POST" and not can_manage:
        raise Http404("session")
    volunteers = roll_volunteers(session)
    attendance = session.attendance.select_related("volunteer__person").order_by(
        "-attended", "volunteer__person__name_pinyin"
    )
    recorded = {row.volunteer_id for row in attendance if row.attended}
    form = AttendanceForm(request.POST or None, volunteers=volunteers)
    q = request.GET.get("q", "").strip()[:30]
    if request.method == "POST":
        if form.is_valid():
            try:
                training_actions.attendance_record(
                    session=session,
                    present=form.cleaned_data["present"],
                    hours=form.cleaned_data["hours"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.attach_errors(error.message_dict)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("已保存出勤记录。"))
                return redirect(
                    "volunteers:session_detail", course_id=course_id, session_id=session.pk
                )
        checked = {int(pk) for pk in request.POST.getlist("present") if pk.isdigit()}
    elif _is_htmx(request):
        checked = {int(pk) for pk in request.GET.getlist("present") if pk.isdigit()}
    else:
        checked = recorded
    context = {
        **_roll_context(session, volunteers, q, checked),
        "course": session.course,
        "attendance": attendance,
        "can_manage": can_manage,
        "form": form,
        "search": NameFilterForm(initial={"q": q}),
    }
    if _is_htmx(request) and request.method == "GET":
        return render(request, "volunteers/session_detail.html#roll", context)
    return render(
        request,
        "volunteers/session_detail.html",
        context,
        status=422 if request.method == "POST" else 200,
    )
