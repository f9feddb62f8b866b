"""Hours: closing and verifying an activity, the overdue list, a volunteer's own record with
correction requests and 补报, staff deciding corrections, and the 公示 of verified hours."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.accounts.access import role_required
from linli.activities import access, queries
from linli.activities.actions import attendance, lifecycle
from linli.activities.forms import (
    ClaimForm,
    CorrectionDecisionForm,
    CorrectionRequestForm,
    DecisionForm,
    HoursForm,
)
from linli.activities.models import ActivityStatus, Attendance, HourClaim, Signup
from linli.activities.views.activities import own_volunteer, refusal
from linli.core.confirm import hours_question
from linli.core.errors import DomainError
from linli.ledger import access as ledger_access
from linli.ledger import actions as ledger_actions
from linli.ledger.models import CorrectionRequest
from linli.ledger.queries import entries_of, next_star, star_level, totals_by_year


def _form_errors(form: Form) -> str:
    """A refused form's errors as one sentence for the page, as `refusal` does for actions."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


# --- an activity's hours ---------------------------------------------------------------------------


@require_safe
@login_required
def hours(request: HttpRequest, pk: int) -> HttpResponse:
    """The hours table of an activity for its staff or leader: editable from closing to
    verification, the 补报 claims to decide, and the verify button."""
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    rows = list(queries.attendance_rows(activity))
    closed = activity.status == ActivityStatus.CLOSED
    credited = [row.hours for row in rows if row.hours and row.hours > 0]
    context = {
        "activity": activity,
        "rows": [
            (row, HoursForm(initial={"hours": row.hours, "note": row.hours_note})) for row in rows
        ],
        "claims": queries.pending_claims(activity)
        if closed or activity.status == ActivityStatus.ONGOING
        else [],
        "editable": closed,
        "total": sum((row.hours or 0) for row in rows),
        "overdue": lifecycle.is_overdue(activity),
        "due": lifecycle.verification_due(activity),
        "verify_question": hours_question(len(credited), sum(credited, Decimal("0"))),
        "close_question": queries.close_question(activity) if not closed else "",
    }
    return render(request, "activities/hours.html", context)


@require_POST
@login_required
def hours_set(request: HttpRequest, pk: int, attendance_id: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    row = get_object_or_404(Attendance, activity=activity, pk=attendance_id)
    form = HoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("activities:hours", pk=activity.pk)
    try:
        lifecycle.attendance_set_hours(
            attendance=row,
            hours=form.cleaned_data["hours"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except (ValidationError, DomainError) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("已修改时长。"))
    return redirect("activities:hours", pk=activity.pk)


@require_POST
@login_required
def claim_decide(request: HttpRequest, pk: int, claim_id: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    claim = get_object_or_404(HourClaim, activity=activity, pk=claim_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            attendance.claim_decide(
                claim=claim,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except (ValidationError, DomainError) as error:
            messages.error(request, refusal(error))
        else:
            messages.success(request, _("已处理补报。"))
    return redirect("activities:hours", pk=activity.pk)


@require_POST
@login_required
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    try:
        lifecycle.activity_verify(activity=activity, actor=request.user)
    except (ValidationError, DomainError) as error:
        messages.error(request, refusal(error))
        return redirect("activities:hours", pk=activity.pk)
    messages.success(request, _("已核定，服务时长已记入志愿者的服务记录。"))
    return redirect("activities:detail", pk=activity.pk)


@require_safe
@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Closed activities the user runs, the overdue ones (past 10 working days) marked first."""
    if not access.can_create_activities(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    rows = [
        (activity, lifecycle.verification_due(activity), lifecycle.is_overdue(activity, today))
        for activity in queries.closed_activities(request.user)
    ]
    rows.sort(key=lambda row: (not row[2], row[1]))
    return render(request, "activities/overdue.html", {"rows": rows, "today": today})


# --- the volunteer's own record --------------------------------------------------------------------


@dataclass
class YearOfService:
    year: int
    total: Decimal
    open: bool = False
    rows: list[tuple[Any, bool, bool]] = field(default_factory=list)


def _year_rows(volunteer: Any, year: int) -> list[tuple[Any, bool, bool]]:
    """One year's entries, newest first, each with (correction pending?, reversed?)."""
    entries = list(
        entries_of(volunteer)
        .filter(served_on__year=year)
        .order_by("-served_on", "-created_at", "-id")
    )
    pending = set(
        CorrectionRequest.objects.filter(
            volunteer=volunteer, status=CorrectionRequest.Status.PENDING, entry__in=entries
        ).values_list("entry_id", flat=True)
    )
    reversed_ids = set(
        entries_of(volunteer).filter(reverses__in=entries).values_list("reverses_id", flat=True)
    )
    return [(entry, entry.pk in pending, entry.pk in reversed_ids) for entry in entries]


def _asked_year(request: HttpRequest, years: list[YearOfService]) -> int | None:
    asked = request.GET.get("year", "")
    known = {year.year for year in years}
    if asked.isdigit() and len(asked) == 4 and int(asked) in known:
        return int(asked)
    return None


@require_safe
@login_required
def my_hours(request: HttpRequest) -> HttpResponse:
    """The signed-in volunteer's service record (67号令): a section per year, newest first, each
    with its total; the newest year (or the one asked for) lists its entries, older years open
    on demand, so a record of thousands of entries stays a small page on a phone."""
    volunteer = own_volunteer(request)
    if volunteer is None:
        return render(request, "activities/my_hours.html", {"volunteer": None})
    years = [YearOfService(year, total) for year, total in totals_by_year(volunteer)]
    asked = _asked_year(request, years)
    if asked is not None and getattr(request, "htmx", False):
        return render(
            request,
            "activities/my_hours.html#year_rows",
            {"rows": _year_rows(volunteer, asked)},
        )
    for year in years:
        if year.year == asked or (asked is None and year is years[0]):
            year.open = True
            year.rows = _year_rows(volunteer, year.year)
    # The total is the sum of the year totals, themselves sums of the very rows listed.
    total = sum((year.total for year in years), start=Decimal("0.00"))
    claimable = list(queries.claimable_signups(volunteer))
    upcoming = next_star(total)
    context: dict[str, Any] = {
        "volunteer": volunteer,
        "years": years,
        "total": total,
        "stars": star_level(total),
        "next_star": upcoming,
        # 197 or 196.5, never 196.50
        "next_star_missing": f"{upcoming[1].normalize():f}" if upcoming else "",
        "correction_form": CorrectionRequestForm(),
        "claim_form": _claim_form(None, claimable) if claimable else None,
        "claims": HourClaim.objects.filter(volunteer=volunteer)
        .select_related("activity")
        .order_by("-created_at")[:20],
        "requests": CorrectionRequest.objects.filter(volunteer=volunteer)
        .select_related("entry")
        .order_by("-created_at")[:20],
        "certificate_url": reverse("ledger:certificate"),
    }
    return render(request, "activities/my_hours.html", context)


def _claim_form(data: Any, claimable: list[Signup]) -> ClaimForm:
    choices = [
        (
            signup.pk,
            f"{timezone.localdate(signup.activity.starts_at):%m-%d} {signup.activity.title}",
        )
        for signup in claimable
    ]
    return ClaimForm(data, choices=choices)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def correction_request(request: HttpRequest, entry_id: int) -> HttpResponse:
    """申请更正 for one entry: GET shows the form (in place, under the entry's button, with
    htmx; its own page without), POST files it."""
    entry = ledger_access.get_own_entry(request.user, entry_id)
    if request.method == "GET":
        form = CorrectionRequestForm(auto_id=f"id_correction_{entry.pk}_%s")
        in_place = bool(getattr(request, "htmx", False))
        template = (
            "activities/_correction_form.html" if in_place else "activities/correction_form.html"
        )
        return render(request, template, {"entry": entry, "form": form})
    try:
        ledger_actions.correction_request_create(
            entry=entry, message=request.POST.get("message", ""), actor=request.user
        )
    except (ValidationError, DomainError) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("已提交更正申请，站点工作人员会尽快处理。"))
    return redirect("activities:my_hours")


@require_POST
@login_required
def claim_create(request: HttpRequest) -> HttpResponse:
    volunteer = own_volunteer(request)
    if volunteer is None:
        return redirect("activities:my_hours")
    claimable = list(queries.claimable_signups(volunteer))
    form = _claim_form(request.POST, claimable)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("activities:my_hours")
    chosen = next(signup for signup in claimable if signup.pk == form.cleaned_data["signup"])
    try:
        attendance.claim_create(
            activity=chosen.activity,
            volunteer=volunteer,
            started_at=form.cleaned_data["started_at"],
            ended_at=form.cleaned_data["ended_at"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except (ValidationError, DomainError) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("已提交补报，等待活动负责人审核。"))
    return redirect("activities:my_hours")


# --- staff: corrections, and the 公示 --------------------------------------------------------------


@require_safe
@login_required
@role_required(*ledger_access.KEEPER_ROLES)
def corrections(request: HttpRequest) -> HttpResponse:
    requests = list(queries.pending_corrections(request.user))
    return render(
        request,
        "activities/corrections.html",
        {"rows": [(item, CorrectionDecisionForm()) for item in requests]},
    )


@require_POST
@login_required
@role_required(*ledger_access.KEEPER_ROLES)
def correction_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    item = get_object_or_404(queries.pending_corrections(request.user), pk=request_id)
    form = CorrectionDecisionForm(request.POST)
    if form.is_valid():
        try:
            ledger_actions.correction_request_decide(
                request=item,
                accept=form.cleaned_data["decision"] == "accept",
                answer=form.cleaned_data["answer"],
                corrected_hours=form.cleaned_data["corrected_hours"],
                actor=request.user,
            )
        except (ValidationError, DomainError) as error:
            messages.error(request, refusal(error))
        else:
            messages.success(request, _("已处理更正申请。"))
    else:
        messages.error(request, _form_errors(form))
    return redirect("activities:corrections")


@require_safe
@login_required
def publicity(request: HttpRequest) -> HttpResponse:
    """公示: activities verified in the last 7 days with each volunteer's hours, full names only."""
    return render(
        request,
        "activities/publicity.html",
        {"rows": queries.publicity(request.user), "days": queries.PUBLICITY_DAYS},
    )
