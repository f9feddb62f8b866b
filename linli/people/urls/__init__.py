from django.urls import include, path

from linli.people.views import accounts
from linli.people.views import residents as views

app_name = "people"

urlpatterns = [
    path("", views.resident_list, name="resident_list"),
    path("new/", views.resident_create, name="resident_create"),
    path("<int:resident_id>/", views.resident_detail, name="resident_detail"),
    path("<int:resident_id>/edit/", views.resident_edit, name="resident_edit"),
    path("<int:resident_id>/reveal/<str:what>/", views.resident_reveal, name="resident_reveal"),
    path("<int:resident_id>/card/", views.resident_card_print, name="resident_card_print"),
    path(
        "<int:resident_id>/card/reissue/",
        views.resident_card_reissue,
        name="resident_card_reissue",
    ),
    path("card/<str:token>/", views.resident_card_scan, name="resident_card_scan"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path("", include("linli.people.urls.xlsx")),
    path("accounts/", accounts.unlinked_accounts, name="unlinked_accounts"),
    path("<int:resident_id>/account/search/", accounts.account_search, name="account_search"),
    path("<int:resident_id>/account/link/", accounts.account_link, name="account_link"),
    path("<int:resident_id>/account/unlink/", accounts.account_unlink, name="account_unlink"),
    path(
        "<int:resident_id>/account/temporary-password/",
        accounts.account_temporary_password,
        name="account_temporary_password",
    ),
]
