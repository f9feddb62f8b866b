"""积分 pages: a volunteer's points (balance, star level and every entry with its reason), and
for staff the same page of any volunteer they run with the adjustment form and the 推荐人 card
(find the recruiter as you type, record them once after a question), and the station's rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.core.confirm import recruiter_question
from linli.core.errors import DomainError
from linli.incentives import access
from linli.incentives.actions.points import point_rule_save, points_adjust, recruitment_record
from linli.incentives.forms import AdjustForm, RecruiterForm, RulesForm, SearchForm
from linli.incentives.models import Recruitment
from linli.incentives.queries import account_entries, recruiter_candidates
from linli.incentives.rules import rule_for
from linli.incentives.views.common import refusal_text, refused_message, station_code
from linli.ledger.models import Account
from linli.ledger.queries import balance, star_level
from linli.volunteers.access import active_volunteer_of
from linli.volunteers.models import Volunteer

TEMPLATE = "incentives/points.html"


def _recruiter_context(request: HttpRequest, volunteer: Volunteer) -> dict[str, Any]:
    """The 推荐人 card: the recruiter recorded, or the candidates the search finds, each with
    the question its button asks (the points it earns, read from the station's rule)."""
    recorded = (
        Recruitment.objects.select_related("recruiter__person").filter(volunteer=volunteer).first()
    )
    search = SearchForm(request.POST if request.method == "POST" else request.GET)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    found = recruiter_candidates(volunteer, q) if recorded is None else []
    points = rule_for(volunteer.station_id).recruit_points
    active = volunteer.status == Volunteer.Status.ACTIVE
    return {
        "recruitment": recorded,
        "recruit_points": points,
        "q": q,
        "searched": bool(q),
        "candidates": [
            (
                candidate,
                recruiter_question(
                    recruit=volunteer.person.name,
                    recruiter=candidate.person.name,
                    points=points,
                    active=active,
                ),
            )
            for candidate in found
        ],
    }


def _page(request: HttpRequest, volunteer: Volunteer, **extra: Any) -> HttpResponse:
    may_adjust = access.runs_station(request.user, volunteer.station_id)
    if may_adjust and "recruitment" not in extra:
        extra |= _recruiter_context(request, volunteer)
    entries = list(account_entries(volunteer, Account.POINTS))
    total = sum((entry.amount for entry in entries), start=Decimal("0"))
    hours = balance(volunteer)
    return render(
        request,
        TEMPLATE,
        {
            "volunteer": volunteer,
            "entries": list(reversed(entries)),
            "balance": total,
            "hours": hours,
            "stars": star_level(hours),
            "rule": rule_for(volunteer.station_id),
            "own": volunteer.user_id == request.user.pk,
            "may_adjust": may_adjust,
            **extra,
        },
    )


@login_required
def my_points(request: HttpRequest) -> HttpResponse:
    if active_volunteer_of(request.user) is None:  # a registration pending or suspended
        return render(request, "incentives/points_inactive.html")
    return _page(request, access.own_volunteer(request.user))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def volunteer_points(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    write = request.method == "POST"
    volunteer = access.get_account_holder(request.user, volunteer_id, write=write)
    form = AdjustForm(request.POST or None)
    if write and form.is_valid():
        try:
            points_adjust(
                volunteer=volunteer,
                amount=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except (DomainError, ValidationError) as error:
            refused_message(request, error)
        else:
            messages.success(request, _("积分已调整。"))
            return redirect("incentives:volunteer_points", volunteer_id=volunteer.pk)
    return _page(request, volunteer, form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def recruiter(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    """推荐人, by staff who run the volunteer's station: GET `q` finds candidates (htmx: the
    list only), POST `recruiter` records one through the action the API calls (htmx: the card
    with what happened; otherwise a message on the points page)."""
    volunteer = access.get_account_holder(request.user, volunteer_id, write=True)
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    if request.method != "POST":
        context = _recruiter_context(request, volunteer)
        if htmx:
            return render(
                request, f"{TEMPLATE}#recruiter_found", {"volunteer": volunteer, **context}
            )
        return _page(request, volunteer, form=AdjustForm(), **context)
    done = error = ""
    form = RecruiterForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请选择推荐人。"))
        chosen = access.get_account_holder(request.user, form.cleaned_data["recruiter"], write=True)
        recruitment_record(volunteer=volunteer, recruiter=chosen, actor=request.user)
    except (DomainError, ValidationError) as refused:
        error = refusal_text(refused)
    else:
        done = _("已登记推荐人：%(name)s。") % {"name": chosen.person.name}
    if not htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect("incentives:volunteer_points", volunteer_id=volunteer.pk)
    context = _recruiter_context(request, volunteer)
    return render(
        request,
        f"{TEMPLATE}#recruiter",
        {"volunteer": volunteer, "done": done, "error": error, **context},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    station = access.get_run_station(request.user, station_code(request))
    rule = rule_for(station.pk)
    form = RulesForm(
        request.POST or None,
        initial={
            "points_per_hour": rule.points_per_hour,
            "well_rated_points": rule.well_rated_points,
            "recruit_points": rule.recruit_points,
            "no_show_points": rule.no_show_points,
        },
    )
    if request.method == "POST" and form.is_valid():
        point_rule_save(station=station, values=form.cleaned_data, actor=request.user)
        messages.success(request, _("积分规则已保存，今后获得的积分按新规则计算。"))
        return redirect(f"{request.path}?station={station.code}")
    return render(request, "incentives/rules.html", {"station": station, "form": form})
