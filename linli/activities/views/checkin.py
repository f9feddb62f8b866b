"""Check-in and check-out: the activity's QR code on the responsible person's phone, the page a
volunteer's scan opens, staff scanning a volunteer's card, and times entered by hand."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.activities import access, checkin_token, queries
from linli.activities.actions import attendance
from linli.activities.forms import CardForm, ManualForm
from linli.activities.models import Activity, AttendanceMethod, SignupStatus
from linli.activities.views.activities import own_volunteer, refusal
from linli.core.errors import DomainError
from linli.core.qr import qr_svg
from linli.volunteers import card
from linli.volunteers.models import Volunteer

# A volunteer who opened the page has a few minutes to tap the button.
POST_WINDOWS = 5


@require_safe
@login_required
def activity_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The check-in QR code for the responsible person's phone; htmx renews it every 30 s."""
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    token = checkin_token.checkin_token(activity)
    url = request.build_absolute_uri(reverse("activities:checkin", args=[activity.pk, token]))
    context = {
        "activity": activity,
        "checkin_url": url,
        "qr": qr_svg(url, title=_("活动签到二维码")),
        "refresh_seconds": checkin_token.REFRESH_SECONDS,
        "now": timezone.localtime(),
        "checked_in": activity.attendance.filter(checked_in_at__isnull=False).count(),
        "confirmed": activity.signups.filter(status=SignupStatus.CONFIRMED).count(),
    }
    if getattr(request, "htmx", False):
        return render(request, "activities/qr.html#qr", context)
    return render(request, "activities/qr.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def checkin(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """What a volunteer's scan of the activity QR code opens: one tap to check in, or, once in,
    to check out. An expired code answers 400, a forged or another activity's 403."""
    activity = access.get_activity_for_user(request.user, pk)
    windows = POST_WINDOWS if request.method == "POST" else 2
    try:
        checkin_token.activity_checkin_verify(token, activity, windows=windows)
    except checkin_token.CheckinTokenError as error:
        return render(
            request,
            "activities/checkin.html",
            {"activity": activity, "error": error.message, "token_error": error.code},
            status=error.status,
        )
    volunteer = own_volunteer(request)
    context: dict[str, Any] = {"activity": activity, "token": token, "volunteer": volunteer}
    status = 200
    if volunteer is None:
        context["error"] = _("只有报名了该活动的志愿者可以扫码签到。")
        return render(request, "activities/checkin.html", context, status=403)
    if request.method == "POST":
        direction = request.POST.get("direction")
        record = attendance.checkout if direction == "out" else attendance.checkin
        try:
            record(
                activity=activity,
                volunteer=volunteer,
                method=AttendanceMethod.ACTIVITY_QR,
                actor=request.user,
            )
        except (ValidationError, DomainError) as error:
            context["error"] = refusal(error)
            status = getattr(error, "status", 400)
        else:
            context["done"] = "out" if direction == "out" else "in"
    context["row"] = activity.attendance.filter(volunteer=volunteer).first()
    return render(request, "activities/checkin.html", context, status=status)


CARD_IN_URL = re.compile(r"/scan/([^/?#\s]+)")


def card_token_of(text: str) -> str:
    """The token from a pasted card link (…/volunteers/scan/<token>/) or the bare token."""
    text = text.strip()
    match = CARD_IN_URL.search(text)
    return match.group(1) if match else text


def _scan_context(request: HttpRequest, activity: Activity, **extra: Any) -> dict[str, Any]:
    confirmed = Volunteer.objects.filter(
        signups__activity=activity, signups__status=SignupStatus.CONFIRMED
    ).select_related("person")
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {
        "activity": activity,
        "card_form": CardForm(),
        "manual_form": ManualForm(volunteers=confirmed, initial={"at": now}),
        "roster": queries.roster(activity),
        **extra,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def scan(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff or the leader check a volunteer in or out by their card's QR code (`?card=` or the
    pasted link); the card is verified by volunteers.card, the one reader of card tokens."""
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    raw = request.POST.get("card") or request.GET.get("card") or ""
    if not raw:
        return render(request, "activities/scan.html", _scan_context(request, activity))
    try:
        volunteer = card.volunteer_from_token(card_token_of(raw))
    except card.CardTokenError as error:
        context = _scan_context(request, activity, error=error.message)
        return render(request, "activities/scan.html", context, status=error.status)
    context = _scan_context(request, activity, scanned=volunteer, card=card_token_of(raw))
    status = 200
    if request.method == "POST" and request.POST.get("direction") in {"in", "out"}:
        direction = request.POST["direction"]
        record = attendance.checkout if direction == "out" else attendance.checkin
        try:
            record(
                activity=activity,
                volunteer=volunteer,
                method=AttendanceMethod.CARD_SCAN,
                actor=request.user,
            )
        except (ValidationError, DomainError) as error:
            context["error"] = refusal(error)
            status = getattr(error, "status", 400)
        else:
            context["done"] = direction
            context["roster"] = queries.roster(activity)
    context["row"] = activity.attendance.filter(volunteer=volunteer).first()
    context["signed_up"] = activity.signups.filter(
        volunteer=volunteer, status=SignupStatus.CONFIRMED
    ).exists()
    return render(request, "activities/scan.html", context, status=status)


@require_POST
@login_required
def manual(request: HttpRequest, pk: int) -> HttpResponse:
    """A check-in or -out with a time given by hand, for someone without a phone."""
    activity = access.get_activity_for_user(request.user, pk, manage=True)
    confirmed = Volunteer.objects.filter(
        signups__activity=activity, signups__status=SignupStatus.CONFIRMED
    ).select_related("person")
    form = ManualForm(request.POST, volunteers=confirmed)
    if form.is_valid():
        data = form.cleaned_data
        record = attendance.checkout if data["direction"] == "out" else attendance.checkin
        try:
            record(
                activity=activity,
                volunteer=data["volunteer"],
                method=AttendanceMethod.MANUAL,
                actor=request.user,
                at=data["at"],
            )
        except (ValidationError, DomainError) as error:
            messages.error(request, refusal(error))
        else:
            messages.success(
                request,
                _("已为 %(name)s 登记%(what)s。")
                % {
                    "name": data["volunteer"].person.name,
                    "what": _("签退") if data["direction"] == "out" else _("签到"),
                },
            )
        return redirect("activities:scan", pk=activity.pk)
    context = _scan_context(request, activity, manual_form=form)
    return render(request, "activities/scan.html", context, status=400)
