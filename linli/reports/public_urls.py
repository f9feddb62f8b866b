from django.urls import path

from linli.reports.views import public

app_name = "public"

urlpatterns = [
    path("<slug:code>/", public.station_page, name="station"),
    path("<slug:code>/calendar.ics", public.station_calendar, name="calendar"),
    path("<slug:code>/verify/", public.verify, name="verify"),
    path("<slug:code>/poster/", public.poster, name="poster"),
]
