from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import role_required, visible_stations
from linli.core.qr import qr_svg
from linli.org.models import Estate
from linli.people import access, actions, card
from linli.people.forms import ResidentCreateForm, ResidentFilterForm, ResidentForm
from linli.people.queries import (
    ResidentFilter,
    filter_residents,
    household_members,
    resident_tags,
    with_list_relations,
)

PAGE_SIZE = 30


@require_safe
@login_required
@role_required(*access.READ_ROLES)
def resident_list(request: HttpRequest) -> HttpResponse:
    """The registry: filters by estate, tag and age band; search by name, pinyin, phone or ID."""
    criteria = ResidentFilter.from_params(request.GET)
    residents = with_list_relations(
        filter_residents(access.residents_for_user(request.user), criteria)
    )
    page = Paginator(residents, PAGE_SIZE).get_page(request.GET.get("page"))
    station_ids = visible_stations(request.user, roles=access.READ_ROLES).values("pk")
    form = ResidentFilterForm(
        request.GET or None, estates=Estate.objects.filter(station_id__in=station_ids)
    )
    rows = [(resident, resident_tags(resident)) for resident in page]
    context = {
        "page": page,
        "rows": rows,
        "form": form,
        "can_write": access.can_write_registry(request.user),
        "can_reveal": access.may_reveal_somewhere(request.user),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "people/resident_list.html#results", context)
    return render(request, "people/resident_list.html", context)


@require_safe
@login_required
@role_required(*access.READ_ROLES)
def resident_detail(request: HttpRequest, resident_id: int) -> HttpResponse:
    resident = access.get_resident_for_user(request.user, resident_id)
    return render(
        request,
        "people/resident_detail.html",
        {
            "resident": resident,
            "tags": resident_tags(resident),
            "consents": resident.consents.all(),
            "can_reveal": access.can_reveal_sensitive(request.user, resident),
            "can_write": access.can_write_resident(request.user, resident),
            "has_sensitive": bool(resident.sensitive_cipher),
            "account": resident.user,
        },
    )


@require_POST
@login_required
@role_required(*access.REVEAL_ROLES)
def resident_reveal(request: HttpRequest, resident_id: int, what: str) -> HttpResponse:
    """Show one sensitive value in clear, for staff of the resident's station; every call audited."""
    resident = access.get_resident_for_user(request.user, resident_id)
    if not access.can_reveal_sensitive(request.user, resident):
        raise Http404("resident")
    if what == "id_number":
        context: dict[str, Any] = {
            "id_number": actions.resident_reveal_id_number(resident=resident, actor=request.user)
        }
    elif what == "sensitive":
        context = {
            "details": actions.resident_reveal_sensitive(resident=resident, actor=request.user)
        }
    else:
        raise Http404("field")
    return render(request, "people/_revealed.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@role_required(*access.WRITE_ROLES)
def resident_create(request: HttpRequest) -> HttpResponse:
    station = access.get_writable_station(
        request.user, request.GET.get("station") or request.POST.get("station")
    )
    form = ResidentCreateForm(request.POST or None, station=station)
    if request.method == "POST" and form.is_valid():
        try:
            resident = actions.resident_create(
                station=station,
                data=form.resident_input(),
                consent=form.consent_input(),
                actor=request.user,
            )
        except ValidationError as error:
            form.attach_errors(error.message_dict)
        else:
            messages.success(request, _("已登记居民 %(name)s。") % {"name": resident.name})
            return redirect("people:resident_detail", resident_id=resident.pk)
    return render(
        request, "people/resident_form.html", {"form": form, "station": station, "creating": True}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@role_required(*access.WRITE_ROLES)
def resident_edit(request: HttpRequest, resident_id: int) -> HttpResponse:
    resident = access.get_resident_for_user(request.user, resident_id, write=True)
    household = resident.household
    initial = {
        "name": resident.name,
        "gender": resident.gender,
        "birth_date": resident.birth_date,
        "phone": resident.phone,
        "relation": resident.relation,
        "tags": list(resident.tags.values_list("tag", flat=True)),
        "note": resident.note,
    }
    if household is not None:
        initial |= {
            "estate": household.building.estate_id,
            "building": household.building.number,
            "unit": household.unit,
            "room": household.room,
        }
    form = ResidentForm(request.POST or None, station=resident.station, initial=initial)
    if request.method == "POST" and form.is_valid():
        wanted = form.resident_input()
        changes = {
            name: value
            for name, value in {
                "name": wanted.name,
                "gender": wanted.gender,
                "birth_date": wanted.birth_date,
                "phone": wanted.phone,
                "address": wanted.address,
                "relation": wanted.relation,
                "tags": wanted.tags,
                "note": wanted.note,
            }.items()
            if name in form.changed_data
            or (
                name == "address"
                and {"estate", "building", "unit", "room"} & set(form.changed_data)
            )
        }
        for name in ("id_number", "disability_type", "disability_grade", "health_notes"):
            if form.cleaned_data.get(name):
                changes[name] = form.cleaned_data[name]
        try:
            actions.resident_update(resident=resident, changes=changes, actor=request.user)
        except ValidationError as error:
            form.attach_errors(error.message_dict)
        else:
            messages.success(request, _("已保存。"))
            return redirect("people:resident_detail", resident_id=resident.pk)
    return render(
        request,
        "people/resident_form.html",
        {"form": form, "station": resident.station, "resident": resident},
    )


@require_safe
@login_required
@role_required(*access.READ_ROLES)
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    household = access.get_household_for_user(request.user, household_id)
    members = [(member, resident_tags(member)) for member in household_members(household)]
    return render(
        request, "people/household_detail.html", {"household": household, "members": members}
    )


# --- the resident card: printed by staff, read by counters through people.card ---------------------


@require_safe
@login_required
@role_required(*access.WRITE_ROLES)
def resident_card_print(request: HttpRequest, resident_id: int) -> HttpResponse:
    """An A6 resident card to print for a resident of the staff member's station (else 404)."""
    resident = access.get_resident_for_user(request.user, resident_id, write=True)
    scan_url = request.build_absolute_uri(
        reverse("people:resident_card_scan", args=[card.resident_card_token(resident)])
    )
    context = {
        "resident": resident,
        "qr": qr_svg(scan_url, title=_("居民卡二维码")),
        "printed_on": timezone.localdate(),
    }
    return render(request, "people/resident_card.html", context)


@require_POST
@login_required
@role_required(*access.WRITE_ROLES)
def resident_card_reissue(request: HttpRequest, resident_id: int) -> HttpResponse:
    """Replace a lost card: the old one stops working at once."""
    resident = access.get_resident_for_user(request.user, resident_id, write=True)
    resident = actions.resident_card_reissue(resident=resident, actor=request.user)
    messages.success(
        request,
        _("已补办居民卡（第 %(serial)s 张），旧卡已作废。请打印新卡。")
        % {"serial": resident.card_serial},
    )
    return redirect("people:resident_card_print", resident_id=resident.pk)


@require_safe
@login_required
@role_required(*access.READ_ROLES)
def resident_card_scan(request: HttpRequest, token: str) -> HttpResponse:
    """The page a phone camera opens on a card: the resident's page, for whoever may see it.

    A forged or replaced card gets a page that says so (403 / 409); a card of a resident outside
    the reader's stations answers 404 like a missing one.
    """
    try:
        resident = card.resident_from_card(token)
    except card.ResidentCardError as error:
        return render(
            request, "people/resident_card_error.html", {"error": error}, status=error.status
        )
    resident = access.get_resident_for_user(request.user, resident.pk)
    return redirect("people:resident_detail", resident_id=resident.pk)
