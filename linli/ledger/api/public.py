"""`GET /api/v1/certificates/{number}` (SPEC §5): public verification of a 志愿服务证明.

No sign-in: whoever holds the paper may check it. The answer says only what the certificate
itself shows in public — masked name, volunteer number, period, hours, issuer and date — and
never the ID number, phone or any other personal data. An unknown number answers 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from linli.accounts.schemas import ErrorOut
from linli.core import throttle
from linli.core.schemas import Code
from linli.ledger.certificates import certificate_public, get_certificate
from linli.ledger.schemas import CertificateOut

router = Router(tags=["hours and certificates"])


@router.get(
    "/{number}",
    auth=None,
    response={200: CertificateOut, 404: ErrorOut, 429: ErrorOut},
    summary="Verify a certificate by its number (no sign-in)",
)
def certificate_verify(request: HttpRequest, number: Code) -> Any:
    throttle.check(request, "lookup")
    return certificate_public(get_certificate(number))
