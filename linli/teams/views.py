"""Team pages: the teams of a station, a team's roster and its training rule.

Every check goes through linli.teams.access: anyone in reach reads a team; its leader and
station staff manage its roster (htmx fragments of team_detail.html); only staff create teams
and set the training rule and the leader. Courses and their sessions are the volunteers' training
pages (`linli.volunteers.views.training`).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import role_required
from linli.core.errors import DomainError
from linli.org.models import Station
from linli.teams import access
from linli.teams import actions as team_actions
from linli.teams.actions.troupes import TroupeEventInput, troupe_event_create
from linli.teams.forms import (
    CourseChoiceForm,
    DecisionForm,
    TeamForm,
    TroupeEventForm,
    VolunteerChoiceForm,
)
from linli.teams.models import Team, TeamMembership
from linli.teams.qualification import missing_courses
from linli.teams.queries import (
    add_candidates,
    leader_of,
    qualified_member_ids,
    roster,
    team_tree,
    with_team_relations,
)
from linli.volunteers import access as volunteer_access
from linli.volunteers.forms.training import NameFilterForm
from linli.volunteers.models import Course, Volunteer

CANDIDATE_LIMIT = 30


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _writable_station(request: HttpRequest) -> Station:
    """The station a new team goes to: the one the user runs, or `?station=`."""
    code = request.GET.get("station") or request.POST.get("station")
    return volunteer_access.get_managed_station(request.user, code)


def _staff_team(request: HttpRequest, team_id: int) -> Team:
    """A team whose station the user runs as staff (or admin); 404 otherwise."""
    teams = Team.objects.select_related("station", "parent")
    return get_object_or_404(
        volunteer_access.staff_reach(teams, request.user, manage=True), pk=team_id
    )


def _own_volunteer(request: HttpRequest) -> Volunteer | None:
    return getattr(request.user, "volunteer", None)


# --- teams -----------------------------------------------------------------------------------------


@require_safe
@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    """The teams of the user's stations, each with its sub-groups, leader, members and rule."""
    teams = access.teams_for_user(request.user)
    return render(
        request,
        "teams/team_list.html",
        {
            "stations": team_tree(teams),
            "can_create": volunteer_access.can_manage_volunteers(request.user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@role_required(*volunteer_access.WRITE_ROLES)
def team_create(request: HttpRequest) -> HttpResponse:
    station = _writable_station(request)
    parents = Team.objects.filter(station=station, parent__isnull=True).order_by("name")
    form = TeamForm(request.POST or None, parents=parents, initial=request.GET.dict() or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = team_actions.team_create(
                station=station,
                name=data["name"],
                parent=data["parent"],
                description=data["description"],
                categories=data["categories"],
                actor=request.user,
            )
        except ValidationError as error:
            form.attach_errors(error.message_dict)
        else:
            messages.success(request, _("已建立 %(name)s。") % {"name": team.name})
            return redirect("teams:team_detail", team_id=team.pk)
    return render(
        request, "teams/team_form.html", {"form": form, "station": station, "creating": True}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    team = _staff_team(request, team_id)
    parents = (
        Team.objects.filter(station=team.station, parent__isnull=True)
        .exclude(pk=team.pk)
        .order_by("name")
    )
    initial = {
        "name": team.name,
        "parent": team.parent_id,
        "description": team.description,
        "categories": list(team.categories.values_list("category", flat=True)),
    }
    form = TeamForm(request.POST or None, parents=parents, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            team_actions.team_update(team=team, changes=changes, actor=request.user)
        except ValidationError as error:
            form.attach_errors(error.message_dict)
        else:
            messages.success(request, _("已保存。"))
            return redirect("teams:team_detail", team_id=team.pk)
    return render(
        request, "teams/team_form.html", {"form": form, "station": team.station, "team": team}
    )


def _roster_context(request: HttpRequest, team: Team, **extra: Any) -> dict[str, Any]:
    """What the roster fragment shows: for managers and staff readers, the people; else nothing."""
    user = request.user
    can_manage = access.can_manage_team(user, team)
    is_staff = access.is_team_staff(user, team, manage=True)
    can_read = can_manage or access.is_team_staff(user, team)
    context: dict[str, Any] = {
        "team": team,
        "can_manage": can_manage,
        "is_staff": is_staff,
        "can_read_roster": can_read,
        **extra,
    }
    if can_read:
        rows = roster(team)
        context["members"] = [row for row in rows if row.status == TeamMembership.Status.ACTIVE]
        context["requests"] = [row for row in rows if row.status == TeamMembership.Status.REQUESTED]
        context["qualified_ids"] = qualified_member_ids(team)
    return context


def _join_context(request: HttpRequest, team: Team, **extra: Any) -> dict[str, Any]:
    """What the signed-in volunteer sees: their place in the team and the training they lack."""
    volunteer = _own_volunteer(request)
    context: dict[str, Any] = {"team": team, "own_volunteer": None, **extra}
    if volunteer is None or volunteer.station_id != team.station_id:
        return context
    context["own_volunteer"] = volunteer
    context["own_membership"] = TeamMembership.objects.filter(
        team=team, volunteer=volunteer
    ).first()
    context["own_missing"] = missing_courses(volunteer, team)
    return context


def _rule_context(request: HttpRequest, team: Team, **extra: Any) -> dict[str, Any]:
    own = list(team.required_courses.order_by("name"))
    inherited = list(team.parent.required_courses.order_by("name")) if team.parent else []
    context: dict[str, Any] = {
        "team": team,
        "own_courses": own,
        "inherited_courses": inherited,
        "rule_editable": access.is_team_staff(request.user, team, manage=True),
        **extra,
    }
    if context["rule_editable"]:
        choices = Course.objects.filter(station=team.station).exclude(
            pk__in=[course.pk for course in own]
        )
        context["rule_form"] = CourseChoiceForm(courses=choices)
    return context


@require_safe
@login_required
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    team = access.get_team_for_user(request.user, team_id)
    loaded = with_team_relations(Team.objects.filter(pk=team.pk)).get()
    subgroups = with_team_relations(team.subgroups.all()).order_by("name")
    context = {
        **_rule_context(request, team),
        **_join_context(request, team),
        **_roster_context(request, team),
        "team": loaded,
        "leader": leader_of(loaded),
        "subgroups": subgroups,
        **_programme_context(request, team),
    }
    return render(request, "teams/team_detail.html", context)


def _roster_response(request: HttpRequest, team: Team, **extra: Any) -> HttpResponse:
    if _is_htmx(request):
        return render(
            request, "teams/team_detail.html#roster", _roster_context(request, team, **extra)
        )
    if extra.get("error"):
        messages.error(request, extra["error"])
    elif extra.get("notice"):
        messages.success(request, extra["notice"])
    return redirect("teams:team_detail", team_id=team.pk)


@require_POST
@login_required
def team_join(request: HttpRequest, team_id: int) -> HttpResponse:
    """A volunteer asks to join (申请加入); the leader decides on the roster."""
    team = access.get_team_for_user(request.user, team_id)
    volunteer = _own_volunteer(request)
    if volunteer is None:
        raise PermissionDenied
    extra: dict[str, Any] = {}
    try:
        team_actions.membership_request(team=team, volunteer=volunteer, actor=request.user)
    except (DomainError, ValidationError) as error:
        extra["error"] = _message(error)
    else:
        extra["notice"] = _("已提交申请，请等待队长审核。")
    if _is_htmx(request):
        return render(request, "teams/team_detail.html#join", _join_context(request, team, **extra))
    if extra.get("error"):
        messages.error(request, extra["error"])
    else:
        messages.success(request, extra["notice"])
    return redirect("teams:team_detail", team_id=team.pk)


def _message(error: DomainError | ValidationError) -> str:
    if isinstance(error, DomainError):
        return error.message
    return " ".join(error.messages)


def _managed_membership(request: HttpRequest, team_id: int, membership_id: int) -> TeamMembership:
    team = access.get_team_for_user(request.user, team_id, manage=True)
    return get_object_or_404(
        TeamMembership.objects.select_related("team__station", "volunteer__person"),
        pk=membership_id,
        team=team,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def member_add(request: HttpRequest, team_id: int) -> HttpResponse:
    """GET: volunteers to add, found by name or pinyin initials; POST: add one to the roster."""
    team = access.get_team_for_user(request.user, team_id, manage=True)
    if request.method == "GET":
        search = NameFilterForm(request.GET)
        q = search.cleaned_data["q"] if search.is_valid() else ""
        candidates = list(add_candidates(team, q)[:CANDIDATE_LIMIT]) if q else []
        return render(
            request,
            "teams/team_detail.html#candidates",
            {"team": team, "candidates": candidates, "searched": bool(q)},
        )
    form = VolunteerChoiceForm(request.POST, volunteers=add_candidates(team))
    if not form.is_valid():
        return _roster_response(request, team, error=_("请选择本站在册、尚未入队的志愿者。"))
    volunteer = form.cleaned_data["volunteer"]
    try:
        team_actions.member_add(team=team, volunteer=volunteer, actor=request.user)
    except (DomainError, ValidationError) as error:
        return _roster_response(request, team, error=_message(error))
    return _roster_response(
        request, team, notice=_("已将 %(name)s 加入本队。") % {"name": volunteer.person.name}
    )


@require_POST
@login_required
def member_decide(request: HttpRequest, team_id: int, membership_id: int) -> HttpResponse:
    membership = _managed_membership(request, team_id, membership_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _roster_response(request, membership.team, error=_("请选择通过或不通过。"))
    approve = form.cleaned_data["decision"] == "approve"
    try:
        team_actions.membership_decide(
            membership=membership,
            approve=approve,
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except (DomainError, ValidationError) as error:
        return _roster_response(request, membership.team, error=_message(error))
    name = membership.volunteer.person.name
    notice = _("已同意 %(name)s 入队。") if approve else _("已婉拒 %(name)s 的申请。")
    return _roster_response(request, membership.team, notice=notice % {"name": name})


@require_POST
@login_required
def member_remove(request: HttpRequest, team_id: int, membership_id: int) -> HttpResponse:
    membership = _managed_membership(request, team_id, membership_id)
    try:
        team_actions.member_remove(membership=membership, actor=request.user)
    except (DomainError, ValidationError) as error:
        return _roster_response(request, membership.team, error=_message(error))
    return _roster_response(
        request,
        membership.team,
        notice=_("已将 %(name)s 移出本队。") % {"name": membership.volunteer.person.name},
    )


@require_POST
@login_required
def leader_set(request: HttpRequest, team_id: int, membership_id: int) -> HttpResponse:
    """Staff only: make a member the team's leader (and give them the team_leader role)."""
    team = _staff_team(request, team_id)
    membership = get_object_or_404(
        TeamMembership.objects.select_related("volunteer__person"), pk=membership_id, team=team
    )
    try:
        team_actions.leader_set(team=team, volunteer=membership.volunteer, actor=request.user)
    except (DomainError, ValidationError) as error:
        return _roster_response(request, team, error=_message(error))
    return _roster_response(
        request,
        team,
        notice=_("已任命 %(name)s 为队长。") % {"name": membership.volunteer.person.name},
    )


@require_POST
@login_required
def leader_unset(request: HttpRequest, team_id: int) -> HttpResponse:
    team = _staff_team(request, team_id)
    try:
        team_actions.leader_unset(team=team, actor=request.user)
    except (DomainError, ValidationError) as error:
        return _roster_response(request, team, error=_message(error))
    return _roster_response(request, team, notice=_("已撤销队长职务。"))


def _rule_response(request: HttpRequest, team: Team, **extra: Any) -> HttpResponse:
    if _is_htmx(request):
        return render(request, "teams/team_detail.html#rule", _rule_context(request, team, **extra))
    if extra.get("error"):
        messages.error(request, extra["error"])
    return redirect("teams:team_detail", team_id=team.pk)


@require_POST
@login_required
def team_course_add(request: HttpRequest, team_id: int) -> HttpResponse:
    """Staff add a course to the team's training rule."""
    team = _staff_team(request, team_id)
    form = CourseChoiceForm(request.POST, courses=Course.objects.filter(station=team.station))
    if not form.is_valid():
        return _rule_response(request, team, error=_("请选择本站的培训课程。"))
    try:
        team_actions.team_require_course(
            team=team, course=form.cleaned_data["course"], actor=request.user
        )
    except (DomainError, ValidationError) as error:
        return _rule_response(request, team, error=_message(error))
    return _rule_response(request, team)


@require_POST
@login_required
def team_course_remove(request: HttpRequest, team_id: int, course_id: int) -> HttpResponse:
    team = _staff_team(request, team_id)
    course = get_object_or_404(Course, pk=course_id, station=team.station)
    try:
        team_actions.team_unrequire_course(team=team, course=course, actor=request.user)
    except DomainError as error:
        return _rule_response(request, team, error=error.message)
    return _rule_response(request, team)


def _programme_context(request: HttpRequest, team: Team, **extra: Any) -> dict[str, Any]:
    """A troupe's rehearsals and performances, and the form for its leader or staff."""
    if team.parent_id is None:
        return {}
    events = team.troupe_events.select_related("activity").order_by("-activity__starts_at")[:20]
    manages = access.can_manage_team(request.user, team)
    return {
        "troupe_events": events,
        "troupe_form": extra.get("troupe_form") or (TroupeEventForm() if manages else None),
    }


@require_POST
@login_required
def troupe_event_new(request: HttpRequest, team_id: int) -> HttpResponse:
    """A troupe's leader or staff put a rehearsal or a performance on its programme."""
    team = access.get_team_for_user(request.user, team_id)
    if not access.can_manage_team(request.user, team):
        raise PermissionDenied
    form = TroupeEventForm(request.POST)
    if form.is_valid():
        try:
            troupe_event_create(
                troupe=team, data=TroupeEventInput(**form.cleaned_data), actor=request.user
            )
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, _("已发布。"))
    else:
        messages.error(
            request, "；".join(str(m) for errors in form.errors.values() for m in errors)
        )
    return redirect("teams:team_detail", team_id=team.pk)
