"""Station staff's pages: a request entered for a caller or visitor (代客点单), with a pasted
民情e站 message read into the form first; and the station's service menu (服务清单).

Entering a request goes through `request_submit`; the menu through `menu_category_save` and
`menu_item_save`, which ask the gate themselves. The menu views ask it first too, to answer
readers of a menu with 403 before a form is read, and strangers with 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import visible_stations
from linli.assistance import access
from linli.assistance.actions import menu_category_save, menu_item_save, request_submit
from linli.assistance.forms.requests import (
    MenuCategoryForm,
    MenuItemForm,
    PasteForm,
    StaffRequestForm,
    item_initial,
)
from linli.assistance.models import MenuCategory, MenuItem
from linli.assistance.paste import parse_message
from linli.core.categories import ServiceCategory
from linli.core.errors import DomainError
from linli.org.models import Station
from linli.people.models import Resident
from linli.people.queries import search_condition

RESIDENT_MATCHES = 20


def _pick(stations: QuerySet[Station], request: HttpRequest) -> Station | None:
    """`?station=CODE` (or the posted one) among `stations`, else the first; 404 if not there."""
    code = request.GET.get("station") or request.POST.get("station")
    if code:
        station = stations.filter(code=code).first()
        if station is None:
            raise Http404("station")
        return station
    return stations.first()


# --- 代客点单 -------------------------------------------------------------------------------------


def _chosen(form: StaffRequestForm, name: str) -> Any:
    """The value the form shows for `name`: what was posted, else its initial value."""
    if form.is_bound:
        return form.data.get(name) or None
    value = form.initial.get(name)
    return getattr(value, "pk", value)


def _narrowed(form: StaffRequestForm, query: str, extra: list[Resident] | None = None) -> None:
    """Keep the resident and item selects short: the residents the search finds (and the one
    chosen), the items of the chosen category."""
    residents = form.fields["resident"].queryset  # type: ignore[attr-defined]
    shown: dict[int, Resident] = {}
    chosen = _chosen(form, "resident")
    if chosen and str(chosen).isdigit():
        shown |= {resident.pk: resident for resident in residents.filter(pk=chosen)}
    for resident in extra or []:
        shown.setdefault(resident.pk, resident)
    if query:
        matches = residents.filter(status=Resident.Status.LIVING).filter(search_condition(query))
        for resident in matches.order_by("name_pinyin")[:RESIDENT_MATCHES]:
            shown.setdefault(resident.pk, resident)
    form.narrow(residents=list(shown.values()), category=str(_chosen(form, "category") or ""))


def _entry_stations(request: HttpRequest) -> QuerySet[Station]:
    return (
        visible_stations(request.user, roles=access.RUN_ROLES)
        .filter(kind=Station.Kind.STATION)
        .order_by("code")
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def staff_new(request: HttpRequest) -> HttpResponse:
    """代客点单: one form for a caller's request; `op=paste` reads a group message into it.

    htmx asks for `?part=residents` (the resident select for a search) and `?part=items` (the
    items of a category) as the staff member types or chooses.
    """
    stations = _entry_stations(request)
    station = _pick(stations, request)
    if station is None:
        raise PermissionDenied
    query = (request.GET.get("resident_q") or request.POST.get("resident_q") or "").strip()
    part = request.GET.get("part")
    if request.method == "GET" and part in {"residents", "items"}:
        form = StaffRequestForm(
            initial={"category": request.GET.get("category", "")}, station=station
        )
        _narrowed(form, query)
        return render(
            request,
            f"assistance/staff_new.html#{'resident_field' if part == 'residents' else 'item_field'}",
            {"form": form},
        )
    paste_form = PasteForm()
    notes: list[str] = []
    candidates: list[Resident] = []
    status = 200
    if request.method == "POST" and request.POST.get("op") == "paste":
        paste_form = PasteForm(request.POST)
        form = StaffRequestForm(station=station)
        if paste_form.is_valid():
            parsed = parse_message(paste_form.cleaned_data["message"], station)
            form = StaffRequestForm(initial=parsed.as_initial(), station=station)
            notes = list(parsed.notes)
            candidates = list(getattr(parsed, "candidates", []))
        else:
            status = 422
    elif request.method == "POST":
        form = StaffRequestForm(request.POST, station=station)
        if form.is_valid():
            try:
                created = request_submit(
                    station=station,
                    data=form.request_input(),
                    channel=form.cleaned_data["channel"],
                    actor=request.user,
                    requester=None,
                )
            except ValidationError as error:
                form.attach_errors(error)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("已登记需求 #%(number)s，请审核派单。") % {"number": created.pk}
                )
                return redirect("assistance:detail", pk=created.pk)
        status = 422
    else:
        form = StaffRequestForm(station=station)
    _narrowed(form, query, candidates)
    context = {
        "form": form,
        "paste_form": paste_form,
        "notes": notes,
        "station": station,
        "stations": stations if len(stations) > 1 else [],
        "resident_q": query,
    }
    return render(request, "assistance/staff_new.html", context, status=status)


# --- 服务清单 -------------------------------------------------------------------------------------


def _menu_stations(request: HttpRequest) -> QuerySet[Station]:
    return visible_stations(request.user).filter(kind=Station.Kind.STATION).order_by("code")


def _menu_page(
    request: HttpRequest,
    station: Station,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The station's menu; for those who run the station, a form beside every part of it.
    `bound` holds a form that failed, under the key of the form it replaces."""
    categories = list(
        MenuCategory.objects.filter(station=station).prefetch_related(
            "teams",
            Prefetch("items", queryset=MenuItem.objects.select_related("required_course")),
        )
    )
    can_edit = access.runs_station(request.user, station)
    bound = bound or {}
    sections = []
    for category in categories:
        section: dict[str, Any] = {
            "category": category,
            "items": [],
            "open": f"category:{category.code}" in bound,
            "new_item_open": f"item_new:{category.pk}" in bound,
        }
        if can_edit:
            section["form"] = bound.get(f"category:{category.code}") or MenuCategoryForm(
                initial={
                    "code": category.code,
                    "response_hours": category.response_hours,
                    "teams": [team.pk for team in category.teams.all()],
                    "active": category.active,
                },
                station=station,
                auto_id=f"id_category_{category.pk}_%s",
            )
            section["new_item"] = bound.get(f"item_new:{category.pk}") or MenuItemForm(
                station=station, auto_id=f"id_new_item_{category.pk}_%s"
            )
        for item in category.items.all():
            form = None
            if can_edit:
                form = bound.get(f"item:{item.pk}") or MenuItemForm(
                    initial=item_initial(item), station=station, auto_id=f"id_item_{item.pk}_%s"
                )
            section["items"].append((item, form, f"item:{item.pk}" in bound))
        sections.append(section)
    new_category: MenuCategoryForm | None = None
    missing = [code for code in ServiceCategory.values if code not in {c.code for c in categories}]
    if can_edit and missing:
        new_category = bound.get("category:new") or MenuCategoryForm(
            station=station, auto_id="id_new_category_%s"
        )
        new_category.fields["code"].choices = [  # type: ignore[union-attr]
            (code, label) for code, label in ServiceCategory.choices if code in missing
        ]
    stations = _menu_stations(request)
    context = {
        "station": station,
        "stations": stations if len(stations) > 1 else [],
        "sections": sections,
        "can_edit": can_edit,
        "new_category": new_category,
    }
    return render(request, "assistance/menu.html", context, status=status)


@require_safe
@login_required
def menu(request: HttpRequest) -> HttpResponse:
    """The service menu of a station the user reaches (any role reads it; staff edit)."""
    station = _pick(_menu_stations(request), request)
    if station is None:
        raise PermissionDenied
    return _menu_page(request, station)


def _editable_station(request: HttpRequest) -> Station:
    station = _pick(_menu_stations(request), request)
    if station is None:
        raise Http404("station")
    if not access.runs_station(request.user, station):
        raise PermissionDenied
    return station


def _back_to_menu(station: Station) -> HttpResponse:
    return redirect(f"{reverse('assistance:menu')}?station={station.code}")


@require_POST
@login_required
def menu_category(request: HttpRequest) -> HttpResponse:
    """Put a category on the station's menu or change it (its code names it)."""
    station = _editable_station(request)
    known = MenuCategory.objects.filter(station=station, code=request.POST.get("code")).exists()
    form = MenuCategoryForm(request.POST, station=station)
    key = f"category:{request.POST.get('code')}" if known else "category:new"
    if form.is_valid():
        data = form.cleaned_data
        try:
            menu_category_save(
                station=station,
                code=data["code"],
                response_hours=data["response_hours"],
                teams=list(data["teams"]),
                active=data["active"],
                actor=request.user,
            )
        except ValidationError as error:
            form.attach_errors(error)
        else:
            messages.success(request, _("服务类别已保存。"))
            return _back_to_menu(station)
    return _menu_page(request, station, bound={key: form}, status=422)


def _save_item(
    request: HttpRequest, category: MenuCategory, item: MenuItem | None, key: str
) -> HttpResponse:
    station = category.station
    form = MenuItemForm(request.POST, station=station)
    if form.is_valid():
        try:
            menu_item_save(category=category, data=form.item_input(), actor=request.user, item=item)
        except ValidationError as error:
            form.attach_errors(error)
        else:
            messages.success(request, _("服务项目已保存。"))
            return _back_to_menu(station)
    return _menu_page(request, station, bound={key: form}, status=422)


@require_POST
@login_required
def menu_item_new(request: HttpRequest, pk: int) -> HttpResponse:
    category = access.get_menu_category_for_user(request.user, pk, write=True)
    return _save_item(request, category, None, f"item_new:{category.pk}")


@require_POST
@login_required
def menu_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = MenuItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404("menu_item")
    category = access.get_menu_category_for_user(request.user, item.category_id, write=True)
    return _save_item(request, category, item, f"item:{item.pk}")
