"""Residents in Excel; included by `people.urls` under `residents/` (namespace `people`)."""

from django.urls import path

from linli.people.views import xlsx as views

urlpatterns = [
    path("import/", views.import_upload, name="import_upload"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("import/<int:job_id>/commit/", views.import_commit, name="import_commit"),
    path("export.xlsx", views.export, name="export"),
]
