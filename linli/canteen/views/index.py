"""/canteen/: each person to their canteen page — the counter for those who run it, the
settlement for supervisors, ordering for residents, deliveries for volunteers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from linli.accounts.access import has_role
from linli.accounts.models import Role
from linli.canteen import access
from linli.volunteers.access import active_volunteer_of


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if access.can_run_any(user):
        return redirect("canteen:counter")
    if access.can_read_any(user):
        return redirect("canteen:settlement")
    if has_role(user, Role.RESIDENT):
        return redirect("canteen:order")
    if active_volunteer_of(user) is not None:
        return redirect("canteen:deliveries")
    raise PermissionDenied("canteen")


def shows_canteen(user: object) -> bool:
    """Whether the header offers 食堂: the same rule as `index`."""
    return (
        access.can_read_any(user)
        or has_role(user, Role.RESIDENT)
        or active_volunteer_of(user) is not None
    )
