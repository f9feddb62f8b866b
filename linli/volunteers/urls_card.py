"""The volunteer list and the volunteer card; included by `volunteers.urls` (namespace
`volunteers`) under `/volunteers/`."""

from django.urls import path

from linli.volunteers import views_card, views_list

urlpatterns = [
    path("", views_list.volunteer_list, name="list"),
    path("me/card/", views_card.volunteer_card, name="card"),
    path("<int:volunteer_id>/card/print/", views_card.card_print, name="card_print"),
    path("scan/<str:token>/", views_card.scan, name="scan"),
]
