"""The day-care pages, under `/daycare/` (namespace `daycare`)."""

from django.urls import path

from linli.daycare.views import centres, equipment, members, roster

app_name = "daycare"

urlpatterns = [
    path("", centres.centre_list, name="list"),
    path("home-card/", roster.home_card, name="home_card"),
    path("new/", centres.centre_new, name="new"),
    path("<int:centre_id>/", centres.centre_detail, name="centre"),
    path("<int:centre_id>/attendance/", centres.attendance_page, name="attendance"),
    path("<int:centre_id>/staff/", centres.staff_page, name="staff"),
    path("<int:centre_id>/staff/<int:post_id>/remove/", centres.staff_remove, name="staff_remove"),
    path("<int:centre_id>/day/", roster.day_page, name="day"),
    path("<int:centre_id>/day/tap/<int:membership_id>/", roster.tap, name="tap"),
    path("<int:centre_id>/day/scan/", roster.scan, name="scan"),
    path("<int:centre_id>/day/manual/", roster.manual, name="manual"),
    path("<int:centre_id>/members/", members.member_list, name="members"),
    path("<int:centre_id>/members/search/", members.member_search, name="member_search"),
    path("<int:centre_id>/members/apply/", members.member_apply, name="member_apply"),
    path("<int:centre_id>/members/<int:membership_id>/", members.member_detail, name="member"),
    path("<int:centre_id>/members/<int:membership_id>/assess/", members.member_move,
         {"move": "assess"}, name="member_assess"),
    path("<int:centre_id>/members/<int:membership_id>/agree/", members.member_move,
         {"move": "agree"}, name="member_agree"),
    path("<int:centre_id>/members/<int:membership_id>/decline/", members.member_move,
         {"move": "decline"}, name="member_decline"),
    path("<int:centre_id>/members/<int:membership_id>/leave/", members.member_move,
         {"move": "leave"}, name="member_leave"),
    path("<int:centre_id>/members/<int:membership_id>/plans/", members.plan_create,
         name="plan_create"),
    path("<int:centre_id>/members/<int:membership_id>/sessions/", members.session_create,
         name="session_create"),
    path("<int:centre_id>/members/<int:membership_id>/disability/", members.disability,
         name="disability"),
    path("<int:centre_id>/equipment/", equipment.equipment_page, name="equipment"),
    path("<int:centre_id>/equipment/lend/", equipment.lend, name="lend"),
    path("<int:centre_id>/equipment/loans/<int:loan_id>/return/", equipment.give_back,
         name="return"),
]  # fmt: skip
