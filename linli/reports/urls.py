from django.urls import path

from linli.reports.views import dashboard

app_name = "reports"

urlpatterns = [
    path("", dashboard.index, name="index"),
    path("<slug:code>/", dashboard.dashboard, name="dashboard"),
    path("<slug:code>/rows/<slug:kind>/", dashboard.rows, name="rows"),
]
