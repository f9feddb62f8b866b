"""What the canteen's pages share: where to go back to, and how a refusal is told."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from linli.core.errors import DomainError

MAX_NEXT = 500


def back_to(request: HttpRequest, default: str) -> str:
    """The `next` the form came with, if it is a path on this site (starting with "/"); else
    `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target.isprintable() or len(target) > MAX_NEXT:
        return default
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def tell_refusal(request: HttpRequest, error: DomainError | ValidationError) -> None:
    """An action's refusal as a message on the next page."""
    if isinstance(error, DomainError):
        messages.error(request, error.message)
    else:
        messages.error(request, " ".join(error.messages))


def parse_day(text: str | None) -> date | None:
    """`2026-12-08` → a date (2000–2100), or None."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if date(2000, 1, 1) <= day <= date(2100, 12, 31) else None
