"""The partner pages, under `/partners/` (namespace `partners`)."""

from django.urls import path

from linli.partners import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("<int:partner_id>/", views.partner_detail, name="detail"),
    path("<int:partner_id>/contacts/", views.contact_add, name="contact_add"),
    path("<int:partner_id>/activities/", views.activity_add, name="activity_add"),
    path("<int:partner_id>/activities/search/", views.activity_search, name="activity_search"),
    path("<int:partner_id>/volunteers/", views.volunteer_search, name="volunteer_search"),
    path("<int:partner_id>/volunteers/add/", views.volunteer_add, name="volunteer_add"),
    path(
        "<int:partner_id>/volunteers/<int:link_id>/remove/",
        views.volunteer_remove,
        name="volunteer_remove",
    ),
]
