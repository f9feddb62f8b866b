"""/canteen/: each person's canteen page at one address — the counter for those who run it, the
settlement for supervisors, ordering for residents, deliveries for volunteers (the header's 食堂
link). The page is the view it names, answered here; each checks its own gate again."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from linli.accounts.access import has_role
from linli.accounts.models import Role
from linli.canteen import access
from linli.canteen.views import counter, deliveries, resident, settlement


@require_safe
@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if access.can_run_any(user):
        return counter.counter(request)
    if access.can_read_any(user):
        return settlement.settlement(request)
    if has_role(user, Role.RESIDENT):
        return resident.order_page(request)
    if has_role(user, Role.VOLUNTEER):
        return deliveries.deliveries(request)
    raise PermissionDenied("canteen")


def shows_canteen(user: Any) -> bool:
    """Whether the header offers 食堂: the same rule as `index`, from the roles alone (no query:
    it runs on every page)."""
    return access.can_read_any(user) or has_role(user, Role.RESIDENT, Role.VOLUNTEER)
