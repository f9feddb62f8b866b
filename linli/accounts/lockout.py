"""Lock-out after wrong passwords (django-axes), keyed by a keyed hash of the phone number.

Axes keeps a row per locked name: what was typed into the phone box is stored only as an HMAC
under the site's secret, never in the clear (a password typed into the wrong box must not land
in a table). The same key unlocks an account (`account_unlock`).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings

from linli.core.phone import normalize_phone


def lockout_key(phone: str) -> str:
    """The name axes counts failures under for `phone` (normalised first)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"lockout:{normalize_phone(phone)}".encode(), hashlib.sha256
    )
    return "h:" + digest.hexdigest()[:40]


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the hashed key of the phone being signed in with."""
    return lockout_key(str((credentials or {}).get("username") or ""))
