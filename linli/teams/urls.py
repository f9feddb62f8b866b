"""The team pages, under /volunteers/teams/ (namespace `teams`)."""

from django.urls import path

from linli.teams import views

app_name = "teams"

urlpatterns = [
    path("", views.team_list, name="team_list"),
    path("new/", views.team_create, name="team_create"),
    path("<int:team_id>/", views.team_detail, name="team_detail"),
    path("<int:team_id>/edit/", views.team_edit, name="team_edit"),
    path("<int:team_id>/join/", views.team_join, name="team_join"),
    path("<int:team_id>/members/add/", views.member_add, name="team_member_add"),
    path(
        "<int:team_id>/members/<int:membership_id>/decide/",
        views.member_decide,
        name="team_member_decide",
    ),
    path(
        "<int:team_id>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="team_member_remove",
    ),
    path(
        "<int:team_id>/members/<int:membership_id>/leader/",
        views.leader_set,
        name="team_leader_set",
    ),
    path("<int:team_id>/programme/", views.troupe_event_new, name="troupe_event_new"),
    path("<int:team_id>/leader/unset/", views.leader_unset, name="team_leader_unset"),
    path("<int:team_id>/courses/", views.team_course_add, name="team_course_add"),
    path(
        "<int:team_id>/courses/<int:course_id>/remove/",
        views.team_course_remove,
        name="team_course_remove",
    ),
]
