"""The activity's check-in QR code: a signed token naming one activity and one minute.

The responsible person's phone shows `/activities/<id>/qr/`, a QR code of the check-in address
with a token signed by the server's key (`django.core.signing`, its own salt) carrying the
activity's pk and the current 60-second window. A token is good in its own window and the one
after it, so a code on screen is never refused while it is shown (the page renews it every 30 s),
and a photo sent round a WeChat group stops working within two minutes.

`activity_checkin_verify` is the one function that reads a token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.activities.models import Activity
from linli.core.errors import DomainError

CHECKIN_SALT = "linli.activities.checkin"
WINDOW_SECONDS = 60
REFRESH_SECONDS = 30


class CheckinTokenError(DomainError):
    """An expired (400) or forged, altered or other activity's (403) token, in Chinese."""


def _window(now: datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp()) // WINDOW_SECONDS


def checkin_token(activity: Activity, *, now: datetime | None = None) -> str:
    """The token for `activity` in the current window (the same string all minute long)."""
    return signing.dumps({"a": activity.pk, "w": _window(now)}, salt=CHECKIN_SALT)


def activity_checkin_verify(
    token: str, activity: Activity, *, now: datetime | None = None, windows: int = 2
) -> None:
    """Accept a token of this activity from the current or the previous window (`windows` of
    them, counting the current one); else raise `CheckinTokenError` (expired: 400; not ours,
    altered, or another activity's: 403)."""
    try:
        payload: Any = signing.loads(token, salt=CHECKIN_SALT)
    except signing.BadSignature as error:
        raise _invalid() from error
    if not isinstance(payload, dict):
        raise _invalid()
    pk, window = payload.get("a"), payload.get("w")
    if not isinstance(pk, int) or not isinstance(window, int) or pk != activity.pk:
        raise _invalid()
    current = _window(now)
    if window > current:
        raise _invalid()
    if window <= current - windows:
        raise CheckinTokenError(
            "checkin_expired",
            _("签到二维码已过期（二维码 1 分钟更新一次）。请重新扫描负责人手机上的二维码。"),
            status=400,
        )


def _invalid() -> CheckinTokenError:
    return CheckinTokenError(
        "checkin_invalid",
        _("签到二维码无效：不是本活动的签到二维码，或已被改动。请扫描活动负责人手机上的二维码。"),
        status=403,
    )
