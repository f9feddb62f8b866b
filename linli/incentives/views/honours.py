"""嘉许 pages: staff create honours, nominate and review, publicize and award; the public honour
roll and 公示 of a station (names and reasons only, no personal data)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.core.confirm import award_question
from linli.core.errors import DomainError
from linli.incentives import access
from linli.incentives.actions.honours import (
    honour_award,
    honour_create,
    honour_publicize,
    nomination_create,
    nomination_review,
)
from linli.incentives.forms import HonourForm, NominationForm
from linli.incentives.models import HonourKind, Nomination, NominationStatus
from linli.incentives.queries import (
    NOMINEE_FIELDS,
    honour_roll,
    honours_on_notice,
    station_nominees,
)
from linli.incentives.views.common import refused_message, station_code
from linli.org.models import Station
from linli.people.models import Household
from linli.teams.models import Team
from linli.volunteers.models import Volunteer


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def honours(request: HttpRequest) -> HttpResponse:
    if not access.can_run_any(request.user):
        raise PermissionDenied("honours")
    station = access.get_run_station(request.user, station_code(request))
    form = HonourForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            honour_create(station=station, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            refused_message(request, error)
        else:
            messages.success(request, _("荣誉已创建，可以开始提名。"))
            return redirect(f"{request.path}?station={station.code}")
    rows = list(
        access.honours_for_user(request.user)
        .filter(station=station)
        .prefetch_related("nominations")
        .order_by("-year", "title")
    )
    for honour in rows:
        # The award asks once, with the number it is about to honour (read from the rows).
        accepted = [n for n in honour.nominations.all() if n.status == NominationStatus.ACCEPTED]
        honour.award_question = award_question(  # type: ignore[attr-defined]
            honour.title, len(accepted), honour.kind
        )
    return render(
        request,
        "incentives/honours.html",
        {
            "station": station,
            "form": form,
            "honours": rows,
            "volunteers": Volunteer.objects.filter(
                station=station, status=Volunteer.Status.ACTIVE
            ).select_related("person")[:800],
            "teams": Team.objects.filter(station=station).order_by("name"),
            "households": Household.objects.filter(station=station).select_related(
                "building__estate"
            )[:2000],
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def honour_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    honour = access.get_honour_for_user(request.user, pk, write=True)
    try:
        if action == "nominate":
            form = NominationForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请选择提名对象并填写推荐理由。"))
            field = NOMINEE_FIELDS[HonourKind(honour.kind)]
            chosen = station_nominees(honour.station_id, {field: form.cleaned_data["nominee"]})
            nomination_create(
                honour=honour, reason=form.cleaned_data["reason"], actor=request.user, **chosen
            )
        elif action == "publicize":
            honour_publicize(honour=honour, actor=request.user)
        elif action == "award":
            honour_award(honour=honour, actor=request.user)
        else:
            raise Http404("action")
    except (DomainError, ValidationError) as error:
        refused_message(request, error)
    else:
        messages.success(request, _("已完成。"))
    return redirect(f"/incentives/honours/?station={honour.station.code}")


@login_required
@require_POST
def nomination_act(request: HttpRequest, pk: int) -> HttpResponse:
    nomination: Nomination = access.get_nomination_for_user(request.user, pk)
    try:
        nomination_review(
            nomination=nomination, accept=request.POST.get("accept") == "1", actor=request.user
        )
    except DomainError as error:
        refused_message(request, error)
    return redirect(f"/incentives/honours/?station={nomination.honour.station.code}")


@require_safe
def honour_roll_page(request: HttpRequest, code: str) -> HttpResponse:
    """Public: the station's honours on notice (公示) and its honour roll, names only."""
    station = Station.objects.filter(code=code[:32], kind=Station.Kind.STATION).first()
    if station is None:
        raise Http404("station")
    return render(
        request,
        "incentives/honour_roll.html",
        {"station": station, "notices": honours_on_notice(station), "roll": honour_roll(station)},
    )
