"""The health pages, under `/health/` (namespace `health`)."""

from django.urls import path

from linli.health import views

app_name = "health"

urlpatterns = [
    path("thresholds/", views.thresholds, name="thresholds"),
    path("checks/", views.check_list, name="checks"),
    path("checks/<int:activity_id>/", views.check_detail, name="check"),
    path("bookings/<int:booking_id>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("<int:resident_id>/", views.resident_health, name="resident"),
]
