"""Team and training pages, under /volunteers/ (app_name `volunteers`)."""

from django.urls import path

from linli.volunteers.views import teams as views

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team_detail"),
    path("teams/<int:team_id>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:team_id>/join/", views.team_join, name="team_join"),
    path("teams/<int:team_id>/members/add/", views.member_add, name="team_member_add"),
    path(
        "teams/<int:team_id>/members/<int:membership_id>/decide/",
        views.member_decide,
        name="team_member_decide",
    ),
    path(
        "teams/<int:team_id>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="team_member_remove",
    ),
    path(
        "teams/<int:team_id>/members/<int:membership_id>/leader/",
        views.leader_set,
        name="team_leader_set",
    ),
    path("teams/<int:team_id>/leader/unset/", views.leader_unset, name="team_leader_unset"),
    path("teams/<int:team_id>/courses/", views.team_course_add, name="team_course_add"),
    path(
        "teams/<int:team_id>/courses/<int:course_id>/remove/",
        views.team_course_remove,
        name="team_course_remove",
    ),
    path("courses/", views.course_list, name="course_list"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:course_id>/", views.course_detail, name="course_detail"),
    path("courses/<int:course_id>/sessions/new/", views.session_create, name="session_create"),
    path(
        "courses/<int:course_id>/sessions/<int:session_id>/",
        views.session_detail,
        name="session_detail",
    ),
]
