"""补贴档次: the station's subsidy tiers (in effect, to come, ended) with their funders; station
staff add a funder, add a tier (replacing an old one from a date) or end one. The canteen
operator and supervisors read. Writes go through `funder_save`, `tier_create`, `tier_end`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from linli.canteen import access
from linli.canteen.actions import funder_save, tier_create, tier_end
from linli.canteen.forms import FunderForm, TierEndForm, TierForm
from linli.canteen.models import Funder, SubsidyTier
from linli.canteen.views.common import tell_refusal
from linli.core.errors import DomainError
from linli.org.models import Station


def _url(station: Station) -> str:
    return f"{reverse('canteen:tiers')}?station={station.code}"


def _forms(station: Station, data: Any = None, which: str = "") -> dict[str, Any]:
    funders = Funder.objects.filter(station=station).order_by("id")
    tiers = SubsidyTier.objects.filter(station=station, effective_until__isnull=True)
    return {
        "funder_form": FunderForm(data if which == "funder" else None, prefix="funder"),
        "tier_form": TierForm(
            data if which == "tier" else None,
            prefix="tier",
            funders=funders,
            tiers=tiers.select_related("funder").order_by("min_age", "tag"),
        ),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def tiers(request: HttpRequest) -> HttpResponse:
    if not access.can_read_any(request.user):
        raise PermissionDenied("tiers")
    code = request.POST.get("station") or request.GET.get("station")
    station = access.get_read_station(request.user, code)
    policy = access.sets_policy(request.user, station)
    which = request.POST.get("form", "")
    forms = _forms(station, request.POST if request.method == "POST" else None, which)
    if request.method == "POST":
        if not policy:
            raise PermissionDenied("tiers")
        form = forms["funder_form"] if which == "funder" else forms["tier_form"]
        if which in {"funder", "tier"} and form.is_valid():
            try:
                if which == "funder":
                    funder_save(
                        station=station,
                        name=form.cleaned_data["name"],
                        note=form.cleaned_data["note"],
                        actor=request.user,
                    )
                    messages.success(request, _("已添加出资方。"))
                else:
                    tier_create(
                        station=station,
                        data=form.tier_input(),
                        actor=request.user,
                        replaces=form.cleaned_data["replaces"],
                    )
                    messages.success(request, _("已添加补贴档次。"))
                return redirect(_url(station))
            except ValidationError as error:
                form.attach_errors(error)
            except DomainError as error:
                form.add_error(None, error.message)
    today = timezone.localdate()
    rows = list(
        SubsidyTier.objects.filter(station=station)
        .select_related("funder")
        .order_by("funder_id", "min_age", "tag", "-effective_from")
    )
    return render(
        request,
        "canteen/tiers.html",
        {
            "station": station,
            "stations": list(access.read_stations(request.user).order_by("path", "code")),
            "current": [tier for tier in rows if tier.in_effect(today)],
            "coming": [tier for tier in rows if tier.effective_from > today],
            "ended": [
                tier for tier in rows if tier.effective_until and tier.effective_until < today
            ],
            "funders": Funder.objects.filter(station=station).order_by("id"),
            "policy": policy,
            "which": which,
            "today": today,
            **forms,
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def tier_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    tier = access.get_tier_for_user(request.user, pk, write=True)
    form = TierEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写最后适用日。"))
    else:
        try:
            tier_end(tier=tier, last_day=form.cleaned_data["last_day"], actor=request.user)
        except (DomainError, ValidationError) as error:
            tell_refusal(request, error)
        else:
            messages.success(request, _("“%(name)s”已设定截止日期。") % {"name": tier.name})
    return redirect(_url(tier.station))
