"""Volunteers in Excel; included by `volunteers.urls` under `/volunteers/` (namespace `volunteers`)."""

from django.urls import path

from linli.volunteers import views_xlsx

urlpatterns = [
    path("import/", views_xlsx.import_upload, name="import_upload"),
    path("import/template.xlsx", views_xlsx.import_template, name="import_template"),
    path("import/<int:job_id>/", views_xlsx.import_job, name="import_job"),
    path("import/<int:job_id>/commit/", views_xlsx.import_commit, name="import_commit"),
    path("export.xlsx", views_xlsx.export, name="export"),
    path("export-national.xlsx", views_xlsx.export_national, name="export_national"),
]
