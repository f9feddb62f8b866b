from django.urls import include, path

app_name = "volunteers"

urlpatterns = [
    path("", include("linli.volunteers.urls_registration")),
    path("", include("linli.volunteers.urls_teams")),
    path("", include("linli.volunteers.urls_card")),
    path("", include("linli.volunteers.urls_xlsx")),
]
