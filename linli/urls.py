from django.urls import include, path

from linli.accounts import views as account_views
from linli.api import api
from linli.core import views as core_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("linli.accounts.urls")),
    path("stations/", include("linli.org.urls")),
    path("audit/", include("linli.audit.urls")),
    path("residents/", include("linli.people.urls")),
    path("volunteers/", include("linli.volunteers.urls")),
    path("volunteers/teams/", include("linli.teams.urls")),
    path("activities/", include("linli.activities.urls")),
    path("hours/", include("linli.ledger.urls")),
    path("requests/", include("linli.assistance.urls")),
    path("inbox/", include("linli.notifications.urls")),
    path("elders/", include("linli.elders.urls")),
    path("daycare/", include("linli.daycare.urls")),
    path("health/", include("linli.health.urls")),
    path("canteen/", include("linli.canteen.urls")),
    path("study-room/", include("linli.studyroom.urls")),
    path("partners/", include("linli.partners.urls")),
    path("verify/", include(("linli.ledger.urls.public", "verify"))),
    path("incentives/", include("linli.incentives.urls")),
    path("honours/", include("linli.incentives.urls_public")),
    path("prefs/display/", core_views.display_preferences, name="display_preferences"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("reports/", include("linli.reports.urls")),
    path("s/", include("linli.reports.public_urls")),
    path("favicon.ico", core_views.favicon, name="favicon"),
]

handler400 = "linli.core.views.bad_request"
handler403 = "linli.core.views.permission_denied"
handler404 = "linli.core.views.page_not_found"
handler500 = "linli.core.views.server_error"
