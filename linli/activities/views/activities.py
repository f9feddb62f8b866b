"""Activity pages: the list, an activity's page, sign-up, the roster and the activity's life.

Every check goes through linli.activities.access; every write through an action, whose refusal
(a ValidationError or a DomainError, in Chinese) is shown to the user as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import visible_stations
from linli.activities import access, queries, themes
from linli.activities.actions import lifecycle, signups
from linli.activities.actions.recurrence import activity_create_series
from linli.activities.forms import (
    LOCAL_FORMAT,
    ActivityFilterForm,
    ActivityForm,
    AddVolunteerForm,
    NewActivityForm,
    ReasonForm,
)
from linli.activities.models import Activity, ActivityStatus, Signup, SignupStatus
from linli.core.errors import DomainError
from linli.core.paging import ShapedRows
from linli.org.models import Station
from linli.teams.access import teams_for_user
from linli.teams.models import Team
from linli.teams.queries import team_choices
from linli.volunteers.access import led_team_ids, volunteers_for_user
from linli.volunteers.models import Course, Volunteer

PAGE_SIZE = 20


def refusal(error: ValidationError | DomainError) -> str:
    """An action's refusal as one Chinese sentence for the page."""
    if isinstance(error, DomainError):
        return error.message
    return " ".join(error.messages)


def own_volunteer(request: HttpRequest) -> Volunteer | None:
    return access.own_volunteer(request.user)


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# --- list and detail -------------------------------------------------------------------------------


@require_safe
@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    """The stations' activities (filters: status, team, category, month), or 我的活动."""
    volunteer = own_volunteer(request)
    organiser = access.can_create_activities(request.user)
    # A volunteer opens on what they can sign up for; organisers on every activity.
    tabs = (["open", "mine"] if volunteer is not None else []) + (
        ["all", "history"] if organiser or volunteer is None else ["history"]
    )
    tab = request.GET.get("tab", "")
    if tab not in tabs:
        tab = tabs[0]
    context: dict[str, Any] = {
        "tab": tab,
        "tabs": tabs,
        "volunteer": volunteer,
        "can_create": organiser,
        "today": timezone.localdate(),
    }
    if tab == "mine" and volunteer is not None:
        context["signups"] = queries.my_signups(volunteer)[:100]
        return render(request, "activities/list.html", context)
    if tab == "open" and volunteer is not None:
        context["open_activities"] = list(queries.open_to(volunteer)[:100])
        return render(request, "activities/list.html", context)
    form = ActivityFilterForm(
        request.GET or None,
        teams=teams_for_user(request.user),
        drafts=organiser,
        team_choices=team_choices(
            list(visible_stations(request.user).values_list("pk", flat=True))
        ),
    )
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {name: value for name, value in form.cleaned_data.items() if value}
    rows = ShapedRows(
        queries.activity_list(request.user, history=tab == "history", **filters),
        queries.attach_counts,
    )
    page = Paginator(cast(Any, rows), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context |= {
        "form": form,
        "page": page,
        "rows": [(activity, lifecycle.is_overdue(activity, today)) for activity in page],
    }
    if _is_htmx(request):
        return render(request, "activities/list.html#results", context)
    return render(request, "activities/list.html", context)


@require_safe
@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk)
    volunteer = own_volunteer(request)
    own_signup = (
        Signup.objects.filter(activity=activity, volunteer=volunteer).first()
        if volunteer is not None
        else None
    )
    counts = activity.signups.aggregate(
        confirmed=_count(SignupStatus.CONFIRMED), waitlisted=_count(SignupStatus.WAITLISTED)
    )
    can_manage = access.can_manage_activity(request.user, activity)
    context: dict[str, Any] = {
        "activity": activity,
        "volunteer": volunteer,
        "own_signup": own_signup,
        "own_attendance": (
            activity.attendance.filter(volunteer=volunteer).first() if volunteer else None
        ),
        "position": queries.waitlist_position(own_signup) if own_signup else None,
        "confirmed_count": counts["confirmed"],
        "waitlisted_count": counts["waitlisted"],
        "can_manage": can_manage,
        "open_for_signup": activity.status in signups.OPEN_STATES,
        "editable": activity.status in lifecycle.EDITABLE_STATES,
        "overdue": lifecycle.is_overdue(activity),
        "due": lifecycle.verification_due(activity),
    }
    if can_manage:
        context |= {
            "roster": queries.roster(activity),
            "add_form": AddVolunteerForm(),
            "cancel_form": ReasonForm(),
            "close_question": queries.close_question(activity)
            if activity.status in (ActivityStatus.PUBLISHED, ActivityStatus.ONGOING)
            else "",
        }
    return render(request, "activities/detail.html", context)


def _count(status: str) -> Count:
    return Count("id", filter=Q(status=status))


# --- sign-up ---------------------------------------------------------------------------------------


@require_POST
@login_required
def signup(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed-in volunteer signs up: confirmed, or waitlisted with their position."""
    activity = access.get_activity_for_user(request.user, pk)
    volunteer = own_volunteer(request)
    if volunteer is None:
        messages.error(request, _("只有注册的志愿者可以报名。"))
        return redirect("activities:detail", pk=activity.pk)
    try:
        created = signups.signup_create(activity=activity, volunteer=volunteer, actor=request.user)
    except (ValidationError, DomainError) as error:
        messages.error(request, refusal(error))
    else:
        if created.status == SignupStatus.CONFIRMED:
            messages.success(request, _("报名成功。"))
        else:
            messages.info(request, _("名额已满，您已进入候补名单；有人取消时按顺序转正。"))
    return redirect("activities:detail", pk=activity.pk)


@require_POST
@login_required
def signup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk)
    volunteer = own_volunteer(request)
    own = get_object_or_404(Signup, activity=activity, volunteer=volunteer)
    try:
        signups.signup_cancel(signup=own, actor=request.user)
    except (ValidationError, DomainError) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("已取消报名。"))
    return redirect("activities:detail", pk=activity.pk)


def _find_volunteer(request: HttpRequest, activity: Activity, who: str) -> Volunteer | None:
    """One volunteer of the activity's station in the user's reach, by number or exact name."""
    candidates = volunteers_for_user(request.user).filter(station=activity.station)
    found = list(
        Volunteer.objects.filter(pk__in=candidates.values("pk"))
        .filter(Q(number=who) | Q(person__name=who))
        .select_related("person")[:2]
    )
    return found[0] if len(found) == 1 else None


@require_POST
@login_required
def roster_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff or the team's leader sign someone up (the same rules as signing up oneself)."""
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    form = AddVolunteerForm(request.POST)
    if form.is_valid():
        who = form.cleaned_data["who"].strip()
        volunteer = _find_volunteer(request, activity, who)
        if volunteer is None:
            messages.error(
                request, _("没有找到唯一的志愿者“%(who)s”，请输入志愿者编号。") % {"who": who}
            )
        else:
            try:
                signups.signup_create(activity=activity, volunteer=volunteer, actor=request.user)
            except (ValidationError, DomainError) as error:
                messages.error(request, refusal(error))
            else:
                messages.success(
                    request, _("已为 %(name)s 报名。") % {"name": volunteer.person.name}
                )
    return redirect("activities:detail", pk=activity.pk)


@require_POST
@login_required
def roster_remove(request: HttpRequest, pk: int, signup_id: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    target = get_object_or_404(Signup, activity=activity, pk=signup_id)
    try:
        promoted = signups.signup_cancel(signup=target, actor=request.user)
    except (ValidationError, DomainError) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("已取消该志愿者的报名。"))
        if promoted is not None:
            messages.info(
                request,
                _("候补的 %(name)s 已转正。") % {"name": promoted.volunteer.person.name},
            )
    return redirect("activities:detail", pk=activity.pk)


# --- the activity's life ---------------------------------------------------------------------------

# Lazy: the message is translated when shown, in the language of that request.
MOVES: dict[str, tuple[Callable[..., Activity], Any]] = {
    "publish": (lifecycle.activity_publish, gettext_lazy("活动已发布，志愿者可以报名了。")),
    "start": (lifecycle.activity_start, gettext_lazy("活动已开始。")),
    "close": (lifecycle.activity_close, gettext_lazy("活动已结束，请核对服务时长后核定。")),
}


def _people_served(value: str) -> int | None:
    """The organiser's head count from the closing form: blank is not counted; anything that is
    not a whole number is passed on as -1, which the action refuses with its message."""
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) <= 6 else -1


@require_POST
@login_required
def activity_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    if move not in MOVES:
        raise Http404("move")
    action, done = MOVES[move]
    arguments: dict[str, Any] = {}
    if move == "close":
        arguments["people_served"] = _people_served(request.POST.get("people_served", ""))
    try:
        action(activity=activity, actor=request.user, **arguments)
    except (ValidationError, DomainError) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, str(done))
        if move == "close":
            return redirect("activities:hours", pk=activity.pk)
    return redirect("activities:detail", pk=activity.pk)


@require_POST
@login_required
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    try:
        lifecycle.activity_cancel(
            activity=activity, reason=request.POST.get("reason", ""), actor=request.user
        )
    except (ValidationError, DomainError) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("活动已取消，报名的志愿者会看到取消原因。"))
    return redirect("activities:detail", pk=activity.pk)


# --- new and edit ----------------------------------------------------------------------------------


def _creation_scope(request: HttpRequest) -> tuple[Station | None, QuerySet[Team], bool]:
    """Where the user may create: (station or None for a leader, teams to choose, team required).

    Station staff and admin create for a station they run (`?station=` picks one); a team
    leader only for a team they lead, at that team's station.
    """
    run = access.stations_run_by(request.user)
    code = request.GET.get("station") or request.POST.get("station")
    station = run.filter(code=code).first() if code else run.order_by("code").first()
    if code and station is None:
        raise Http404("station")
    if station is not None:
        return station, Team.objects.filter(station=station).order_by("name"), False
    led = Team.objects.filter(pk__in=led_team_ids(request.user)).order_by("name")
    if not led.exists():
        raise PermissionDenied
    return None, led, True


def _theme_initial(request: HttpRequest) -> tuple[dict[str, Any], Any]:
    theme = themes.BY_KEY.get(request.GET.get("theme", ""))
    if theme is None:
        return {}, None
    today = timezone.localdate()
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else today.year
    if not today.year - 1 <= year <= today.year + 5:
        year = today.year
    day = theme.date_in(year)
    initial: dict[str, Any] = {
        "title": str(theme.title),
        "category": theme.category,
        "description": str(theme.description),
        "partners": theme.partners,
    }
    if day is not None:
        starts_at = timezone.make_aware(datetime.combine(day, theme.starts))
        initial |= {
            "starts_at": starts_at.strftime(LOCAL_FORMAT),
            "ends_at": (starts_at + timedelta(hours=theme.hours)).strftime(LOCAL_FORMAT),
        }
    return initial, theme


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    if not access.can_create_activities(request.user):
        raise PermissionDenied
    station, teams, team_required = _creation_scope(request)
    course_station = station or (teams.first().station if teams.exists() else None)  # type: ignore[union-attr]
    courses = Course.objects.filter(station=course_station).order_by("name")
    initial, theme = _theme_initial(request)
    form = NewActivityForm(
        request.POST or None,
        initial=initial,
        teams=teams,
        courses=courses,
        team_required=team_required,
    )
    if request.method == "POST" and form.is_valid():
        data = form.activity_input()
        target = station or data.team.station  # type: ignore[union-attr]
        try:
            created = activity_create_series(
                station=target,
                data=data,
                rule=form.cleaned_data["repeat"],
                until=form.cleaned_data["repeat_until"],
                actor=request.user,
            )
        except ValidationError as error:
            form.attach_errors(error.message_dict)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if len(created) == 1:
                messages.success(request, _("已建立活动（草稿），核对后请发布。"))
                return redirect("activities:detail", pk=created[0].pk)
            messages.success(
                request,
                _("已建立 %(count)d 个重复活动（草稿），请逐个发布。") % {"count": len(created)},
            )
            return redirect(f"{_list_url()}?status=draft")
    return render(
        request,
        "activities/form.html",
        {
            "form": form,
            "station": station,
            "creating": True,
            "theme": theme,
            "themes": themes.upcoming(timezone.localdate()),
        },
    )


def _list_url() -> str:
    return reverse("activities:list")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    if activity.status not in lifecycle.EDITABLE_STATES:
        messages.error(request, _("活动已开始或已结束，不能再修改。"))
        return redirect("activities:detail", pk=activity.pk)
    if access.runs_station_of(request.user, activity):
        teams = Team.objects.filter(station=activity.station).order_by("name")
        team_required = False
    else:
        teams = Team.objects.filter(pk__in=led_team_ids(request.user)).order_by("name")
        team_required = True
    initial = {name: getattr(activity, name) for name in ActivityForm.INPUT_FIELDS}
    form = ActivityForm(
        request.POST or None,
        initial=initial,
        teams=teams,
        courses=Course.objects.filter(station=activity.station).order_by("name"),
        team_required=team_required,
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if changes:
                lifecycle.activity_update(activity=activity, changes=changes, actor=request.user)
        except ValidationError as error:
            form.attach_errors(error.message_dict)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("activities:detail", pk=activity.pk)
    return render(
        request, "activities/form.html", {"form": form, "activity": activity, "creating": False}
    )
