"""The caller's own inbox over the API."""

from ninja import Router

router = Router(tags=["notifications"])
