from django.urls import path

from linli.volunteers.views import registration as views

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("apply/", views.apply, name="apply"),
    path("new/", views.new, name="new"),
    path("pending/", views.pending, name="pending"),
    path("<int:volunteer_id>/", views.detail, name="detail"),
    path("<int:volunteer_id>/decide/", views.decide, name="decide"),
    path("<int:volunteer_id>/awards/", views.award_add, name="award_add"),
    path("<int:volunteer_id>/evaluations/", views.evaluation_add, name="evaluation_add"),
    path("me/", views.me, name="me"),
    path("me/edit/", views.me_edit, name="me_edit"),
    path("me/data.json", views.me_data, name="me_data"),
]
