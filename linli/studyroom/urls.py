"""The study-room pages, under `/study-room/` (namespace `studyroom`)."""

from django.urls import path

from linli.studyroom.views import classes, duty, rooms, rota

app_name = "studyroom"

urlpatterns = [
    path("", rooms.room_list, name="list"),
    path("duty/", duty.duty_home, name="duty_home"),
    path("<int:room_id>/", rooms.room_page, name="room"),
    path("<int:room_id>/settings/", rooms.room_settings, name="settings"),
    path("<int:room_id>/enrol/", rooms.enrol, name="enrol"),
    path("<int:room_id>/enrol/children/", rooms.enrol_search, name="enrol_search"),
    path("<int:room_id>/pupils/<int:pupil_id>/", rooms.pupil_page, name="pupil"),
    path("<int:room_id>/pupils/<int:pupil_id>/guardians/", rooms.guardian_add, name="guardian_add"),
    path("<int:room_id>/pupils/<int:pupil_id>/guardians/<int:guardian_id>/remove/",
         rooms.guardian_remove, name="guardian_remove"),
    path("<int:room_id>/pupils/<int:pupil_id>/leave/", rooms.pupil_leave, name="pupil_leave"),
    path("<int:room_id>/duty/", duty.duty_page, name="duty"),
    path("<int:room_id>/duty/<int:pupil_id>/in/", duty.check_in, name="check_in"),
    path("<int:room_id>/duty/<int:pupil_id>/out/", duty.pick_up, name="pick_up"),
    path("<int:room_id>/rota/", rota.rota_page, name="rota"),
    path("<int:room_id>/rota/<int:shift_id>/confirm/", rota.shift_confirm, name="shift_confirm"),
    path("<int:room_id>/rota/<int:shift_id>/remove/", rota.shift_remove, name="shift_remove"),
    path("<int:room_id>/classes/", classes.class_list, name="classes"),
    path("<int:room_id>/classes/<int:class_id>/", classes.class_page, name="class"),
    path("<int:room_id>/classes/<int:class_id>/enrol/", classes.class_enrol, name="class_enrol"),
]  # fmt: skip
