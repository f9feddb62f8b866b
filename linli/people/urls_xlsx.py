"""Residents in Excel; included by `people.urls` under `residents/` (namespace `people`)."""

from django.urls import path

from linli.people import views_xlsx

urlpatterns = [
    path("import/", views_xlsx.import_upload, name="import_upload"),
    path("import/template.xlsx", views_xlsx.import_template, name="import_template"),
    path("import/<int:job_id>/", views_xlsx.import_job, name="import_job"),
    path("import/<int:job_id>/commit/", views_xlsx.import_commit, name="import_commit"),
    path("export.xlsx", views_xlsx.export, name="export"),
]
