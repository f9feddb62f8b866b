"""The activity pages, under `/activities/` (namespace `activities`)."""

from django.urls import path

from linli.activities import views, views_checkin, views_hours

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="new"),
    path("overdue/", views_hours.overdue, name="overdue"),
    path("my-hours/", views_hours.my_hours, name="my_hours"),
    path("my-hours/claim/", views_hours.claim_create, name="claim_create"),
    path("my-hours/<int:entry_id>/correction/", views_hours.correction_request,
         name="correction_request"),
    path("corrections/", views_hours.corrections, name="corrections"),
    path("corrections/<int:request_id>/", views_hours.correction_decide, name="correction_decide"),
    path("publicity/", views_hours.publicity, name="publicity"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/signup/", views.signup, name="signup"),
    path("<int:pk>/signup/cancel/", views.signup_cancel, name="signup_cancel"),
    path("<int:pk>/roster/", views.roster_add, name="roster_add"),
    path("<int:pk>/roster/<int:signup_id>/remove/", views.roster_remove, name="roster_remove"),
    path("<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("<int:pk>/publish/", views.activity_move, {"move": "publish"}, name="publish"),
    path("<int:pk>/start/", views.activity_move, {"move": "start"}, name="start"),
    path("<int:pk>/close/", views.activity_move, {"move": "close"}, name="close"),
    path("<int:pk>/qr/", views_checkin.activity_qr, name="qr"),
    path("<int:pk>/checkin/<str:token>/", views_checkin.checkin, name="checkin"),
    path("<int:pk>/scan/", views_checkin.scan, name="scan"),
    path("<int:pk>/manual/", views_checkin.manual, name="manual"),
    path("<int:pk>/hours/", views_hours.hours, name="hours"),
    path("<int:pk>/hours/<int:attendance_id>/", views_hours.hours_set, name="hours_set"),
    path("<int:pk>/claims/<int:claim_id>/", views_hours.claim_decide, name="claim_decide"),
    path("<int:pk>/verify/", views_hours.verify, name="verify"),
]  # fmt: skip
