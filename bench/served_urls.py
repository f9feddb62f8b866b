"""Linli's URLs plus `/bench/bare/`: a Django view reading 20 rows (see served_settings)."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from linli.people.models import Resident


def bare(request: HttpRequest) -> JsonResponse:
    rows = list(Resident.objects.order_by("id").values("id", "name", "phone")[:20])
    return JsonResponse({"rows": rows})


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("linli.urls")),
]
