from django.urls import path

from linli.reports.views import dashboard, report, rollup

app_name = "reports"

urlpatterns = [
    path("", dashboard.index, name="index"),
    path("<slug:code>/", dashboard.dashboard, name="dashboard"),
    path("<slug:code>/rows/<slug:kind>/", dashboard.rows, name="rows"),
    path("<slug:code>/rollup/", rollup.rollup, name="rollup"),
    path("<slug:code>/rollup.xlsx", rollup.rollup_xlsx, name="rollup_xlsx"),
    path("<slug:code>/report/", report.report, name="report"),
    path("<slug:code>/report.<slug:kind>", report.report_file, name="report_file"),
]
