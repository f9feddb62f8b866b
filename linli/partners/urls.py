"""The partner pages, under `/partners/` (namespace `partners`)."""

from django.urls import path

from linli.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("<int:partner_id>/", views.partner_detail, name="detail"),
    path("<int:partner_id>/contacts/", views.contact_add, name="contact_add"),
    path("<int:partner_id>/activities/", views.activity_add, name="activity_add"),
]
