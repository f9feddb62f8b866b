"""Service menu and service requests API (SPEC §5)."""

from ninja import Router

requests_router = Router(tags=["service requests"])
menu_router = Router(tags=["service menu"])
