from django.urls import include, path

app_name = "volunteers"

urlpatterns = [
    path("", include("linli.volunteers.urls.registration")),
    path("", include("linli.volunteers.urls.training")),
    path("", include("linli.volunteers.urls.card")),
    path("", include("linli.volunteers.urls.xlsx")),
]
