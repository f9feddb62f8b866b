"""The activity pages, under `/activities/` (namespace `activities`)."""

from django.urls import path

from linli.activities.views import activities, checkin, hours

app_name = "activities"

urlpatterns = [
    path("", activities.activity_list, name="list"),
    path("new/", activities.activity_create, name="new"),
    path("overdue/", hours.overdue, name="overdue"),
    path("my-hours/", hours.my_hours, name="my_hours"),
    path("my-hours/claim/", hours.claim_create, name="claim_create"),
    path("my-hours/<int:entry_id>/correction/", hours.correction_request,
         name="correction_request"),
    path("corrections/", hours.corrections, name="corrections"),
    path("corrections/<int:request_id>/", hours.correction_decide, name="correction_decide"),
    path("publicity/", hours.publicity, name="publicity"),
    path("<int:pk>/", activities.activity_detail, name="detail"),
    path("<int:pk>/edit/", activities.activity_edit, name="edit"),
    path("<int:pk>/signup/", activities.signup, name="signup"),
    path("<int:pk>/signup/cancel/", activities.signup_cancel, name="signup_cancel"),
    path("<int:pk>/roster/", activities.roster_add, name="roster_add"),
    path("<int:pk>/roster/<int:signup_id>/remove/", activities.roster_remove, name="roster_remove"),
    path("<int:pk>/cancel/", activities.activity_cancel, name="cancel"),
    path("<int:pk>/publish/", activities.activity_move, {"move": "publish"}, name="publish"),
    path("<int:pk>/start/", activities.activity_move, {"move": "start"}, name="start"),
    path("<int:pk>/close/", activities.activity_move, {"move": "close"}, name="close"),
    path("<int:pk>/qr/", checkin.activity_qr, name="qr"),
    path("<int:pk>/checkin/<str:token>/", checkin.checkin, name="checkin"),
    path("<int:pk>/scan/", checkin.scan, name="scan"),
    path("<int:pk>/manual/", checkin.manual, name="manual"),
    path("<int:pk>/hours/", hours.hours, name="hours"),
    path("<int:pk>/hours/<int:attendance_id>/", hours.hours_set, name="hours_set"),
    path("<int:pk>/claims/<int:claim_id>/", hours.claim_decide, name="claim_decide"),
    path("<int:pk>/verify/", hours.verify, name="verify"),
]  # fmt: skip
