from django.urls import path

from linli.assistance.views import ask, board, picker, public, requests, staff

app_name = "assistance"

urlpatterns = [
    # Residents and volunteers (views/public.py).
    path("new/", public.new_request, name="new"),
    path("new/recognise/", public.recognise, name="recognise"),
    path("mine/", public.my_requests, name="mine"),
    path("tasks/", public.my_tasks, name="tasks"),
    # Staff.
    path("board/", board.board, name="board"),
    path("staff/new/", staff.staff_new, name="staff_new"),
    path("menu/", staff.menu, name="menu"),
    path("menu/categories/", staff.menu_category, name="menu_category"),
    path("menu/categories/<int:pk>/items/", staff.menu_item_new, name="menu_item_new"),
    path("menu/items/<int:pk>/", staff.menu_item_edit, name="menu_item"),
    # One request: everyone who may open it.
    path("<int:pk>/", requests.request_detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", requests.request_act, name="act"),
    path("photos/<int:pk>/", requests.request_photo, name="photo"),
    # Without an account (views/ask.py).
    path("ask/", ask.ask, name="ask"),
    path("ask/done/", ask.ask_done, name="ask_done"),
    path("<int:pk>/volunteers/", picker.volunteer_picker, name="picker"),
]
