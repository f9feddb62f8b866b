from django.urls import path

from linli.assistance import views, views_board, views_public, views_staff

app_name = "assistance"

urlpatterns = [
    # Residents and volunteers (views_public).
    path("new/", views_public.new_request, name="new"),
    path("mine/", views_public.my_requests, name="mine"),
    path("tasks/", views_public.my_tasks, name="tasks"),
    # Staff.
    path("board/", views_board.board, name="board"),
    path("staff/new/", views_staff.staff_new, name="staff_new"),
    path("menu/", views_staff.menu, name="menu"),
    path("menu/categories/", views_staff.menu_category, name="menu_category"),
    path("menu/categories/<int:pk>/items/", views_staff.menu_item_new, name="menu_item_new"),
    path("menu/items/<int:pk>/", views_staff.menu_item_edit, name="menu_item"),
    # One request: everyone who may open it.
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.request_act, name="act"),
    path("photos/<int:pk>/", views.request_photo, name="photo"),
]
