"""The volunteer list and the volunteer card; included by `volunteers.urls` (namespace
`volunteers`) under `/volunteers/`."""

from django.urls import path

from linli.volunteers.views import card
from linli.volunteers.views.list import volunteer_list

urlpatterns = [
    path("", volunteer_list, name="list"),
    path("me/card/", card.volunteer_card, name="card"),
    path("<int:volunteer_id>/card/print/", card.card_print, name="card_print"),
    path("scan/<str:token>/", card.scan, name="scan"),
]
