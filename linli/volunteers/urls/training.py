"""Training pages: courses, sessions and the roll; included by `volunteers.urls` under
`/volunteers/` (namespace `volunteers`)."""

from django.urls import path

from linli.volunteers.views import training as views

urlpatterns = [
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
