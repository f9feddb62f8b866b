from django.urls import path

from linli.incentives.views import honours

app_name = "honours"

urlpatterns = [path("s/<str:code>/", honours.honour_roll_page, name="roll")]
