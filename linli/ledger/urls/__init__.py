"""Certificates, calendar feeds and the records export, under `/hours/` (namespace `ledger`)."""

from django.urls import path

from linli.ledger import views

app_name = "ledger"

urlpatterns = [
    path("certificate/", views.certificate, name="certificate"),
    path(
        "volunteers/<int:volunteer_id>/certificate/",
        views.volunteer_certificate,
        name="volunteer_certificate",
    ),
    path("calendar/", views.calendar_links, name="calendar"),
    path("calendar/volunteer/<str:token>.ics", views.calendar_volunteer, name="calendar_volunteer"),
    path(
        "calendar/station/<str:code>/<str:token>.ics",
        views.calendar_station,
        name="calendar_station",
    ),
    path("export/", views.export_page, name="export_page"),
    path("export.xlsx", views.export, name="export"),
]
