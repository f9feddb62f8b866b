from django.urls import path

from linli.org import views

app_name = "org"

urlpatterns = [
    path("", views.station_list, name="station_list"),
    path("estates/<int:estate_id>/buildings/", views.building_add, name="building_add"),
    path("estates/<int:estate_id>/edit/", views.estate_edit, name="estate_edit"),
    path("grids/<int:grid_id>/edit/", views.grid_edit, name="grid_edit"),
    path("<str:code>/", views.station_detail, name="station_detail"),
    path("<str:code>/about/", views.station_public, name="station_public"),
    path("<str:code>/edit/", views.station_edit, name="station_edit"),
    path("<str:code>/estates/", views.estate_add, name="estate_add"),
    path("<str:code>/grids/", views.grid_add, name="grid_add"),
    path("<str:code>/onboarding/", views.station_onboarding, name="station_onboarding"),
    path("<str:code>/onboarding/staff/", views.onboarding_staff, name="onboarding_staff"),
    path("<str:code>/onboarding/menu/", views.onboarding_menu, name="onboarding_menu"),
]
