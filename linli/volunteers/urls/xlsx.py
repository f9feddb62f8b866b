"""Volunteers in Excel; included by `volunteers.urls` under `/volunteers/` (namespace `volunteers`)."""

from django.urls import path

from linli.volunteers.views import xlsx as views

urlpatterns = [
    path("import/", views.import_upload, name="import_upload"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("import/<int:job_id>/commit/", views.import_commit, name="import_commit"),
    path("export.xlsx", views.export, name="export"),
    path("export-national.xlsx", views.export_national, name="export_national"),
]
