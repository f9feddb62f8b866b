"""Station pages: the tree, one station with its places, and a new station's onboarding.

Every check is the gate's (`accounts.access`): reading follows reach; the tree is changed by
admin or a supervisor whose station delegates administration; places by the station's own staff
as well; a closed station reads but takes no writes (its forms are not offered, and a POST is
refused by the gate).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts import access
from linli.accounts.models import Role, RoleAssignment
from linli.assistance.actions.menu import menu_copy
from linli.assistance.models import MenuCategory, MenuItem
from linli.core.errors import DomainError
from linli.org import access as org_access
from linli.org import actions
from linli.org.forms import (
    BuildingForm,
    EstateForm,
    GridForm,
    MenuCopyForm,
    StaffAccountForm,
    StationCreateForm,
    StationEditForm,
)
from linli.org.models import Building, Estate, Grid, Station
from linli.people import access as people_access
from linli.people.models import ImportJob, Resident
from linli.teams.models import Team


def refusals_as_pages(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A write the gate refuses with a reason (a closed station: 409) answers a page saying so."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            context = {"status": error.status, "message": error.message}
            return render(request, "org/refused.html", context, status=error.status)

    return wrapped


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def station_list(request: HttpRequest) -> HttpResponse:
    """The tree the user reaches; administrators also open a new 中心, 所 or 站 here."""
    user = request.user
    administers = access.can_administer_stations(user)
    form = None
    status = 200
    if administers:
        form = StationCreateForm(
            request.POST or None, parents=access.parent_choices(user).order_by("path")
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            parent = data["parent"]
            try:
                if parent is None and not access.is_admin(user):
                    raise ValidationError({"parent": [_("请选择上级站点。")]})
                station = actions.station_create(
                    code=data["code"],
                    name=data["name"],
                    kind=data["kind"],
                    parent=parent,
                    actor=user,
                )
            except (ValidationError, DomainError) as error:
                form.attach_errors(error)
            else:
                messages.success(request, _("站点已建立，请按清单完成开通。"))
                return redirect("org:station_onboarding", station.code)
        status = 422
    stations = access.visible_stations(user).select_related("parent")
    return render(
        request,
        "org/station_list.html",
        {"stations": stations, "form": form},
        status=status,
    )


def _may_change_places(user: Any, station: Station) -> bool:
    try:
        access.get_station_for_places(user, station.code, write=True)
    except (PermissionDenied, Http404, DomainError):
        return False
    return True


def _administers(user: Any, station: Station) -> bool:
    return access.administered_stations(user).filter(pk=station.pk).exists()


def _detail_page(
    request: HttpRequest,
    station: Station,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    staff = (
        RoleAssignment.objects.filter(station=station)
        .exclude(role__in=[Role.VOLUNTEER, Role.RESIDENT])
        .select_related("user")
        .order_by("role", "user__name")
    )
    children = access.visible_stations(user).filter(parent=station)
    estates = (
        Estate.objects.filter(station=station)
        .prefetch_related(
            Prefetch(
                "buildings", queryset=Building.objects.select_related("grid").order_by("number")
            )
        )
        .order_by("name")
    )
    grids = Grid.objects.filter(station=station).select_related("worker").order_by("name")
    administers = _administers(user, station)
    places = _may_change_places(user, station)
    edit_form = None
    if administers:
        edit_form = bound.get("edit") or StationEditForm(
            initial={
                "name": station.name,
                "parent": station.parent.code if station.parent else None,
            },
            parents=access.parent_choices(user).exclude(path__startswith=station.path),
        )
    return render(
        request,
        "org/station_detail.html",
        {
            "station": station,
            "staff": staff,
            "children": children,
            "estates": estates,
            "grids": grids,
            "administers": administers,
            "places": places,
            "edit_form": edit_form,
            "estate_form": bound.get("estate") or EstateForm(),
            "grid_form": bound.get("grid") or GridForm(),
            "building_form": bound.get("building"),
            "blank_building_form": BuildingForm(station=station, auto_id=False),
            "building_estate": bound.get("building_estate"),
        },
        status=status,
    )


@require_safe
def station_public(request: HttpRequest, code: str) -> HttpResponse:
    """A station's public page (no sign-in): whom to call and the ways in — 点单 without an
    account, volunteer registration, signing in. Names no person and no figure."""
    station = get_object_or_404(Station, code=code[:32], kind=Station.Kind.STATION)
    return render(
        request,
        "org/station_public.html",
        {"station": station},
    )


@login_required
def station_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A station, its place in the tree, who works there and its places; 404 outside reach."""
    station = access.get_station_for_user(request.user, code)
    return _detail_page(request, station)


@require_POST
@login_required
@refusals_as_pages
def station_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Rename or move a station (`action=save`), close it or reopen it."""
    user = request.user
    station = access.get_administered_station(user, code)
    verb = request.POST.get("action", "save")
    try:
        if verb == "close":
            actions.station_close(station=station, actor=user)
            messages.success(request, _("站点已关闭，记录保留为只读。"))
        elif verb == "reopen":
            actions.station_reopen(station=station, actor=user)
            messages.success(request, _("站点已重新开放。"))
        else:
            form = StationEditForm(
                request.POST,
                parents=access.parent_choices(user).exclude(path__startswith=station.path),
            )
            if not form.is_valid():
                return _detail_page(request, station, bound={"edit": form}, status=422)
            try:
                actions.station_update(
                    station=station,
                    actor=user,
                    name=form.cleaned_data["name"],
                    parent=form.cleaned_data["parent"],
                )
            except (ValidationError, DomainError) as error:
                form.attach_errors(error)
                return _detail_page(request, station, bound={"edit": form}, status=422)
            messages.success(request, _("站点已保存。"))
    except DomainError as error:
        messages.error(request, error.message)
        return _detail_page(request, station, status=error.status)
    return redirect("org:station_detail", station.code)


def _place_saved(
    request: HttpRequest,
    station: Station,
    form: Any,
    *,
    save: Callable[[dict[str, Any]], object],
    done: str,
    bound: dict[str, Any],
) -> HttpResponse:
    """The one shape of every place form (estate, grid, building; added or edited): a valid
    form goes to its action; the action's refusal or an invalid form shows the station page
    again with the form bound (422), success goes back to the places with a message."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except (ValidationError, DomainError) as error:
            form.attach_errors(error)
        else:
            messages.success(request, done)
            return redirect(reverse("org:station_detail", args=[station.code]) + "#places")
    return _detail_page(request, station, bound=bound, status=422)


@require_POST
@login_required
@refusals_as_pages
def estate_add(request: HttpRequest, code: str) -> HttpResponse:
    station = access.get_station_for_places(request.user, code, write=True)
    form = EstateForm(request.POST)
    return _place_saved(
        request,
        station,
        form,
        save=lambda data: actions.estate_save(
            station=station, name=data["name"], address=data["address"], actor=request.user
        ),
        done=_("小区已添加。"),
        bound={"estate": form},
    )


@require_POST
@login_required
@refusals_as_pages
def grid_add(request: HttpRequest, code: str) -> HttpResponse:
    station = access.get_station_for_places(request.user, code, write=True)
    form = GridForm(request.POST)
    return _place_saved(
        request,
        station,
        form,
        save=lambda data: actions.grid_save(station=station, name=data["name"], actor=request.user),
        done=_("网格已添加。"),
        bound={"grid": form},
    )


@require_POST
@login_required
@refusals_as_pages
def building_add(request: HttpRequest, estate_id: int) -> HttpResponse:
    estate = org_access.get_estate_for_user(request.user, estate_id, write=True)
    form = BuildingForm(request.POST, station=estate.station)
    return _place_saved(
        request,
        estate.station,
        form,
        save=lambda data: actions.building_save(
            estate=estate,
            number=data["number"],
            unit_count=data["unit_count"],
            floors=data["floors"],
            grid=data["grid"],
            actor=request.user,
        ),
        done=_("楼栋已添加。"),
        bound={"building": form, "building_estate": estate.pk},
    )


@require_POST
@login_required
@refusals_as_pages
def estate_edit(request: HttpRequest, estate_id: int) -> HttpResponse:
    """Rename an estate or change its address."""
    estate = org_access.get_estate_for_user(request.user, estate_id, write=True)
    form = EstateForm(request.POST)
    return _place_saved(
        request,
        estate.station,
        form,
        save=lambda data: actions.estate_save(
            station=estate.station,
            name=data["name"],
            address=data["address"],
            actor=request.user,
            estate=estate,
        ),
        done=_("小区已保存。"),
        bound={"estate": form},
    )


@require_POST
@login_required
@refusals_as_pages
def grid_edit(request: HttpRequest, grid_id: int) -> HttpResponse:
    """Rename a grid (its grid worker is kept)."""
    grid = org_access.get_grid_for_user(request.user, grid_id, write=True)
    form = GridForm(request.POST)
    return _place_saved(
        request,
        grid.station,
        form,
        save=lambda data: actions.grid_save(
            station=grid.station,
            name=data["name"],
            worker=grid.worker,
            actor=request.user,
            grid=grid,
        ),
        done=_("网格已保存。"),
        bound={"grid": form},
    )


# --- onboarding ---------------------------------------------------------------------------------


def _checklist(station: Station) -> list[dict[str, Any]]:
    """Each onboarding step, done when its rows exist (figures counted, never stored)."""
    staff = RoleAssignment.objects.filter(station=station, role=Role.STATION_STAFF).count()
    estates = Estate.objects.filter(station=station).aggregate(
        estates=Count("pk", distinct=True), buildings=Count("buildings", distinct=True)
    )
    grids = Grid.objects.filter(station=station).count()
    categories = MenuCategory.objects.filter(station=station).count()
    items = MenuItem.objects.filter(category__station=station).count()
    residents = Resident.objects.filter(station=station).count()
    imports = ImportJob.objects.filter(station=station, status=ImportJob.Status.DONE).count()
    teams = Team.objects.filter(station=station).count()
    return [
        {
            "key": "staff",
            "title": _("站点社工账号"),
            "done": staff > 0,
            "figure": _("%(count)d 名社工") % {"count": staff},
        },
        {
            "key": "places",
            "title": _("小区、楼栋和网格"),
            "done": estates["estates"] > 0 and estates["buildings"] > 0,
            "figure": _("%(estates)d 个小区，%(buildings)d 栋楼，%(grids)d 个网格")
            % {"estates": estates["estates"], "buildings": estates["buildings"], "grids": grids},
        },
        {
            "key": "menu",
            "title": _("服务清单（从模板复制）"),
            "done": items > 0,
            "figure": _("%(categories)d 个类别，%(items)d 个服务项目")
            % {"categories": categories, "items": items},
        },
        {
            "key": "registry",
            "title": _("居民名册（xlsx 导入）"),
            "done": residents > 0,
            "figure": _("%(residents)d 位居民，%(imports)d 次导入完成")
            % {"residents": residents, "imports": imports},
        },
        {
            "key": "teams",
            "title": _("志愿服务队"),
            "done": teams > 0,
            "figure": _("%(count)d 支队伍") % {"count": teams},
        },
    ]


def _menu_sources(user: Any, station: Station) -> Any:
    """Stations whose menu may serve as the template: those in reach that have one."""
    return (
        access.visible_stations(user)
        .exclude(pk=station.pk)
        .filter(menu_categories__items__isnull=False)
        .distinct()
        .order_by("path")
    )


def _onboarding_page(
    request: HttpRequest,
    station: Station,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    bound = bound or {}
    steps = _checklist(station)
    runs = station.kind == Station.Kind.STATION and _may_change_places(user, station)
    registry = people_access.writable_stations(user).filter(pk=station.pk).exists()
    administers = _administers(user, station) and not station.is_closed
    return render(
        request,
        "org/station_onboarding.html",
        {
            "station": station,
            "steps": steps,
            "done": sum(1 for step in steps if step["done"]),
            "runs": runs,
            "registry": registry,
            "administers": administers,
            "staff_form": bound.get("staff") or StaffAccountForm(),
            "menu_form": bound.get("menu") or MenuCopyForm(sources=_menu_sources(user, station)),
            "staff": RoleAssignment.objects.filter(station=station, role=Role.STATION_STAFF)
            .select_related("user")
            .order_by("user__name"),
        },
        status=status,
    )


def _onboarding_station(request: HttpRequest, code: str) -> Station:
    """Who sees a station's checklist: its administrators and its own staff."""
    station = access.get_station_for_user(request.user, code)
    if _administers(request.user, station):
        return station
    if (
        station.kind == Station.Kind.STATION
        and access.visible_stations(request.user, roles={Role.ADMIN, Role.STATION_STAFF})
        .filter(pk=station.pk)
        .exists()
    ):
        return station
    raise PermissionDenied


@require_safe
@login_required
def station_onboarding(request: HttpRequest, code: str) -> HttpResponse:
    """A new station's checklist: staff accounts, places, service menu, registry, teams."""
    return _onboarding_page(request, _onboarding_station(request, code))


@require_POST
@login_required
@refusals_as_pages
def onboarding_staff(request: HttpRequest, code: str) -> HttpResponse:
    """Give the station a social worker (administrators only)."""
    station = access.get_administered_station(request.user, code)
    form = StaffAccountForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.station_staff_add(
                station=station,
                phone=data["phone"],
                name=data["name"],
                password=data["password"] or None,
                actor=request.user,
            )
        except (ValidationError, DomainError) as error:
            form.attach_errors(error)
        else:
            messages.success(request, _("社工账号已开通。"))
            return redirect("org:station_onboarding", station.code)
    return _onboarding_page(request, station, bound={"staff": form}, status=422)


@require_POST
@login_required
@refusals_as_pages
def onboarding_menu(request: HttpRequest, code: str) -> HttpResponse:
    """Copy a template station's service menu onto this one."""
    station = access.get_station_for_places(request.user, code, write=True)
    form = MenuCopyForm(request.POST, sources=_menu_sources(request.user, station))
    if form.is_valid():
        try:
            copied = menu_copy(
                source=form.cleaned_data["source"], target=station, actor=request.user
            )
        except ValidationError as error:
            form.attach_errors(error)
        else:
            messages.success(request, _("已复制 %(count)d 个服务项目。") % {"count": copied})
            return redirect("org:station_onboarding", station.code)
    return _onboarding_page(request, station, bound={"menu": form}, status=422)
