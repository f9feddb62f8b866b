"""Shared by the incentives pages: the refusal as a message, the station picked by staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from linli.core.errors import DomainError


def refused_message(request: HttpRequest, error: Exception) -> None:
    """A refused action as the page's error message (a DomainError or a ValidationError)."""
    if isinstance(error, DomainError):
        messages.error(request, error.message)
    elif isinstance(error, ValidationError):
        messages.error(request, " ".join(str(message) for message in error.messages))


def station_code(request: HttpRequest) -> Any:
    code = request.POST.get("station") or request.GET.get("station") or None
    return code[:32] if code else None
