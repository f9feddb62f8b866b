from django.urls import path

from linli.org import views

app_name = "org"

urlpatterns = [
    path("", views.station_list, name="station_list"),
    path("<str:code>/", views.station_detail, name="station_detail"),
    path("<str:code>/about/", views.station_public, name="station_public"),
]
