"""The 银龄关爱 pages, under `/elders/` (namespace `elders`)."""

from django.urls import path

from linli.elders import views

app_name = "elders"

urlpatterns = [
    path("", views.elder_list, name="list"),
    path("map/", views.elder_map, name="map"),
    path("visits/", views.offered, name="offered"),
    path("visits/<int:visit_id>/follow-up/", views.visit_follow_up, name="follow_up"),
    path("<int:resident_id>/", views.elder_detail, name="detail"),
    path("<int:resident_id>/edit/", views.elder_edit, name="edit"),
    path("<int:resident_id>/visit/", views.visit_create, name="visit"),
]
