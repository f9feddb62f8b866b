"""Rate limits on what anyone can call: sign-in, tokens, registration, password changes and the
public look-ups. Each sign-in or registration costs a fraction of a second of argon2, so an
unlimited client could stall the server.

Limits count in the cache (Redis when `REDIS_URL` is set, so every worker shares them), in fixed
windows, under a hash of the key: neither an address nor a phone number is stored in the clear.
There are two kinds: per address, generous (a station's desks share one public address and run
registration drives), and per phone number, strict. Rates are settings (`LINLI_RATE_*`, e.g.
`20/m`, `30/h`, `5/15m`).

A refused call is a 429 saying in Chinese how long to wait, with `Retry-After`.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from linli.core.errors import DomainError

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """`20/m` is 20 a minute, `5/15m` five in fifteen minutes; `0/m` refuses every call."""
        match = RATE_RE.match(text)
        if not match:
            raise ValueError(f"a rate reads like 20/m or 5/15m, not {text!r}")
        count, multiple, unit = match.groups()
        return cls(int(count), int(multiple or 1) * UNITS[unit])


class RateLimited(DomainError):
    """Too many calls: answered as a 429 with `Retry-After`."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            "rate_limited",
            _("请求过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": retry_after},
            status=429,
        )


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def clock() -> float:
    """Now, in seconds (a seam for tests: a window's edge must not fall between their calls)."""
    return time.time()


def _rate(name: str) -> Rate:
    return Rate.parse(settings.LINLI_RATES[name])


def hit(scope: str, key: str, rate: Rate) -> int:
    """Count one call of `key` in `scope`; the seconds to wait if it is over the rate, else 0."""
    if rate.seconds <= 0:
        return 0
    now = clock()
    window = int(now // rate.seconds)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"throttle:{scope}:{digest}:{window}"
    retry_after = max(1, int((window + 1) * rate.seconds - now))
    if rate.count <= 0:
        return retry_after
    if cache.add(cache_key, 1, timeout=rate.seconds + 1):
        return 0
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=rate.seconds + 1)
        return 0
    return retry_after if count > rate.count else 0


def check(request: HttpRequest, action: str, *, phone: str = "") -> None:
    """Count a call of `action` (signin, register, password, lookup) for the caller's address
    and, when given, for `phone`; raise `RateLimited` when either is over its rate."""
    waits = [hit(f"{action}:address", client_address(request), _rate(f"{action}_address"))]
    if phone and f"{action}_phone" in settings.LINLI_RATES:
        waits.append(hit(f"{action}:phone", phone.strip(), _rate(f"{action}_phone")))
    wait = max(waits)
    if wait:
        raise RateLimited(wait)


def too_many_requests(error: RateLimited) -> HttpResponse:
    """The page answer: plain Chinese text, 429, `Retry-After`."""
    response = HttpResponse(error.message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(error.retry_after)
    return response


def posted(field: str) -> Callable[[HttpRequest], str]:
    """The phone number a form posts in `field`, for `throttled`."""
    return lambda request: str(request.POST.get(field, ""))


def throttled(
    action: str,
    *,
    phone: Callable[[HttpRequest], str] | None = None,
    methods: tuple[str, ...] = ("POST",),
) -> Any:
    """A page view whose `methods` calls count towards `action`, per address and per the phone
    number `phone` reads from the request."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                try:
                    check(request, action, phone=phone(request) if phone else "")
                except RateLimited as error:
                    return too_many_requests(error)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
