"""The volunteer card: on the volunteer's phone with a refreshing QR code, printed on A6, and the
page a scanned code opens (staff and team leaders only)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from linli.core.qr import qr_svg
from linli.ledger.queries import balance, star_level
from linli.volunteers import access, card
from linli.volunteers.models import Volunteer
from linli.volunteers.queries import active_memberships


def _own_volunteer(request: HttpRequest) -> Volunteer | None:
    return (
        Volunteer.objects.select_related("person", "station")
        .filter(user=request.user)  # type: ignore[misc]
        .first()
    )


@require_safe
@login_required
def volunteer_card(request: HttpRequest) -> HttpResponse:
    """The signed-in volunteer's card. The QR fragment re-renders every few minutes (htmx), each
    time with a new token, so the code on screen is never older than `CARD_REFRESH_SECONDS`."""
    volunteer = _own_volunteer(request)
    context: dict[str, object] = {"volunteer": volunteer}
    if volunteer is not None and volunteer.status == Volunteer.Status.ACTIVE and volunteer.number:
        token = card.card_token(volunteer)
        scan_url = request.build_absolute_uri(reverse("volunteers:scan", args=[token]))
        context |= {
            "scan_url": scan_url,  # what the QR code says
            "qr": qr_svg(scan_url, title=_("志愿者证二维码")),
            "expires_at": timezone.localtime() + timedelta(seconds=card.CARD_TOKEN_SECONDS),
            "refresh_seconds": card.CARD_REFRESH_SECONDS,
            "valid_minutes": card.CARD_TOKEN_SECONDS // 60,
            "memberships": active_memberships(volunteer),
            "stars": star_level(balance(volunteer)),
        }
    if request.htmx:  # type: ignore[attr-defined]
        if "qr" not in context:
            # No longer active since the page was opened: reload it whole, to say so.
            return HttpResponse(headers={"HX-Refresh": "true"})
        return render(request, "volunteers/card.html#card-qr", context)
    return render(request, "volunteers/card.html", context)


@require_safe
@login_required
def card_print(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    """An A6 card to print: for the volunteer themself, or staff of their station (else 404).

    Paper cannot expire, so its QR code is not a scan token: it opens the volunteer's own
    electronic card (after signing in), which carries the expiring one.
    """
    own = _own_volunteer(request)
    if own is not None and own.pk == volunteer_id:
        volunteer = own
    else:
        volunteer = access.get_volunteer_for_user(request.user, volunteer_id, write=True)
    context: dict[str, object] = {
        "volunteer": volunteer,
        "memberships": active_memberships(volunteer),
        "qr": qr_svg(
            request.build_absolute_uri(reverse("volunteers:card")), title=_("电子志愿者证")
        ),
        "printed_on": timezone.localdate(),
    }
    return render(request, "volunteers/card_print.html", context)


@require_safe
@login_required
def scan(request: HttpRequest, token: str) -> HttpResponse:
    """Who a scanned card belongs to: name, number, status, masked ID number. An expired code
    answers 400 and a forged or altered one 403, each with a page that says so."""
    if not access.can_browse_volunteers(request.user):
        raise PermissionDenied
    try:
        volunteer = card.volunteer_from_token(token)
    except card.CardTokenError as error:
        return render(
            request,
            "volunteers/scan.html",
            {"error": error, "expired": error.code == "card_expired"},
            status=error.status,
        )
    context = {
        "volunteer": volunteer,
        "memberships": active_memberships(volunteer),
        # A volunteer may show their card at another station's or team's activity: the page says
        # they are outside the scanner's reach, and shows no more than it shows anyone.
        "in_reach": access.volunteers_for_user(request.user).filter(pk=volunteer.pk).exists(),
    }
    return render(request, "volunteers/scan.html", context)
