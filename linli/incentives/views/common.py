"""Shared by the incentives pages: the refusal as a message, the station picked by staff."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from linli.core.errors import DomainError


def refusal_text(error: Exception) -> str:
    """What a refused action (a DomainError or a ValidationError) says to the person."""
    if isinstance(error, DomainError):
        return str(error.message)
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return ""


def refused_message(request: HttpRequest, error: Exception) -> None:
    """A refused action as the page's error message."""
    text = refusal_text(error)
    if text:
        messages.error(request, text)


def station_code(request: HttpRequest) -> Any:
    code = request.POST.get("station") or request.GET.get("station") or None
    return code[:32] if code else None
