from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from linli.accounts import access
from linli.accounts.models import Role, RoleAssignment
from linli.org.models import Station


@require_GET
@login_required
def station_list(request: HttpRequest) -> HttpResponse:
    stations = access.visible_stations(request.user).select_related("parent")
    return render(request, "org/station_list.html", {"stations": stations})


@require_GET
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


@require_GET
def station_public(request: HttpRequest, code: str) -> HttpResponse:
    """A station's public page (no sign-in): whom to call and the ways in — 点单 without an
    account, volunteer registration, signing in. Names no person and no figure."""
    station = get_object_or_404(Station, code=code[:32], kind=Station.Kind.STATION)
    return render(
        request,
        "org/station_public.html",
        {"station": station, "station_phone": settings.STATION_PHONE},
    )
