"""The volunteer card's QR code: a signed, expiring token naming one volunteer.

The card page (`/volunteers/me/card/`) shows a QR code of the scan page's address with a token
signed by the server's secret key (`django.core.signing`, its own salt) carrying the volunteer's
pk and number and the time it was made. A token is good for `CARD_TOKEN_SECONDS`; the page
fetches a fresh one every `CARD_REFRESH_SECONDS`, so a photographed code soon stops working.

`volunteer_from_token` is the one function that reads a token: the scan page uses it, and so will
check-in. Nothing else parses tokens.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.volunteers.models import Volunteer

CARD_TOKEN_SECONDS = 10 * 60
# Well inside the token's life, so the code on screen is always good for a few minutes more.
CARD_REFRESH_SECONDS = 4 * 60
CARD_SALT = "linli.volunteers.card"


class CardTokenError(DomainError):
    """An expired (400) or forged, altered or unknown (403) card token, with a Chinese message."""


def card_token(volunteer: Volunteer) -> str:
    """A token for an active volunteer's card (only those have a number)."""
    if volunteer.status != Volunteer.Status.ACTIVE or not volunteer.number:
        raise CardTokenError(
            "card_unavailable", _("审核通过、在册的志愿者才有志愿者证。"), status=409
        )
    return signing.dumps({"v": volunteer.pk, "n": volunteer.number}, salt=CARD_SALT)


def volunteer_from_token(token: str, *, max_age: int = CARD_TOKEN_SECONDS) -> Volunteer:
    """The volunteer a card token names, if the token is ours, unaltered and younger than
    `max_age` seconds; its number must still be that volunteer's. Raises `CardTokenError`.

    The volunteer is returned whatever their status now: the caller decides what a suspended or
    departed volunteer may do (the scan page shows the status).
    """
    try:
        payload: Any = signing.loads(token, salt=CARD_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise CardTokenError(
            "card_expired",
            _(
                "二维码已过期（志愿者证上的二维码 %(minutes)s 分钟内有效）。请志愿者刷新志愿者证后重新出示。"
            )
            % {"minutes": CARD_TOKEN_SECONDS // 60},
            status=400,
        ) from error
    except signing.BadSignature as error:
        raise _invalid() from error
    if not isinstance(payload, dict):
        raise _invalid()
    pk, number = payload.get("v"), payload.get("n")
    if not isinstance(pk, int) or not isinstance(number, str) or not number:
        raise _invalid()
    volunteer = (
        Volunteer.objects.select_related("person", "station").filter(pk=pk, number=number).first()
    )
    if volunteer is None:
        raise _invalid()
    return volunteer


def _invalid() -> CardTokenError:
    return CardTokenError(
        "card_invalid",
        _(
            "二维码无效：不是本系统签发的志愿者证二维码，或已被改动。请志愿者打开自己的志愿者证重新出示。"
        ),
        status=403,
    )
