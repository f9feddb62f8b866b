"""Where the current request came from, for audit rows written deep inside actions."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    ip: str | None
    user_agent: str


current_origin: ContextVar[RequestOrigin | None] = ContextVar("linli_request_origin", default=None)
