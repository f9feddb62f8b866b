from django.urls import include, path

app_name = "activities"

urlpatterns = [path("", include("linli.activities.urls_pages"))]
