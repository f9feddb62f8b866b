"""The resident card (居民卡): a printed card whose QR code names one resident.

Elders often have no phone, so the card is paper and its code cannot expire the way the volunteer
card's does. The code carries a token signed with the server's secret key (`django.core.signing`,
its own salt) naming the resident and the card's serial; reissuing a lost card
(`actions.resident_card_reissue`) raises the serial, and the old card stops working.

The code is the address of the scan page (`/residents/card/<token>/`), so a phone camera opens
it; counters (day care, the canteen) accept the scanned text in a field, from a camera or a
barcode scanner. `resident_from_card` is the one function that reads a card: nothing else parses
tokens. It says whom a card names, not what the reader may do: each page asks its own gate.
"""

from __future__ import annotations

import re
from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.people.models import Resident

CARD_SALT = "linli.people.card"
# A pasted link (…/residents/card/<token>/) or the bare token; signing's alphabet plus ":".
_LINK = re.compile(r"/residents/card/([A-Za-z0-9_\-:]+)/?")
_TOKEN = re.compile(r"[A-Za-z0-9_\-:]{10,300}")


class ResidentCardError(DomainError):
    """A forged, altered or unknown card (403), or one replaced by a newer card (409)."""


def resident_card_token(resident: Resident) -> str:
    """The token printed on the resident's current card."""
    return signing.dumps({"r": resident.pk, "s": resident.card_serial}, salt=CARD_SALT)


def card_token_of(text: str) -> str:
    """The token inside what a scanner typed: a card link or the bare token ("" if neither)."""
    text = text.strip()
    if match := _LINK.search(text):
        return match.group(1)
    return text if _TOKEN.fullmatch(text) else ""


def resident_from_card(text: str) -> Resident:
    """The resident a scanned card names, if the card is ours, unaltered and the current one.

    Raises `ResidentCardError`: `card_invalid` (403) for anything not signed by this server or
    naming no resident, `card_replaced` (409) for a card that a reissue has replaced. The resident
    is returned whatever their status: the caller decides what a moved-out resident may do.
    """
    token = card_token_of(text)
    if not token:
        raise _invalid()
    try:
        payload: Any = signing.loads(token, salt=CARD_SALT)
    except signing.BadSignature as error:
        raise _invalid() from error
    if not isinstance(payload, dict):
        raise _invalid()
    pk, serial = payload.get("r"), payload.get("s")
    if not isinstance(pk, int) or not isinstance(serial, int):
        raise _invalid()
    resident = (
        Resident.objects.select_related("station", "household__building__estate")
        .filter(pk=pk)
        .first()
    )
    if resident is None:
        raise _invalid()
    if serial != resident.card_serial:
        raise ResidentCardError(
            "card_replaced",
            _("这张居民卡已补办新卡，旧卡作废。请出示新卡，或按姓名查找。"),
            status=409,
        )
    return resident


def _invalid() -> ResidentCardError:
    return ResidentCardError(
        "card_invalid",
        _("二维码无效：不是本站签发的居民卡，或已被改动。请按姓名查找。"),
        status=403,
    )
