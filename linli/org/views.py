from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from linli.accounts import access
from linli.accounts.models import Role, RoleAssignment


@require_safe
@login_required
def station_list(request: HttpRequest) -> HttpResponse:
    stations = access.visible_stations(request.user).select_related("parent")
    return render(request, "org/station_list.html", {"stations": stations})


@require_safe
@login_required
def station_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A station, its place in the tree and who works there; 404 outside the user's reach."""
    station = access.get_station_for_user(request.user, code)
    staff = (
        RoleAssignment.objects.filter(station=station)
        .exclude(role__in=[Role.VOLUNTEER, Role.RESIDENT])
        .select_related("user")
        .order_by("role", "user__name")
    )
    children = access.visible_stations(request.user).filter(parent=station)
    return render(
        request,
        "org/station_detail.html",
        {"station": station, "staff": staff, "children": children},
    )
